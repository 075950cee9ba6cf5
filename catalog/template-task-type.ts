/** The task type a template fixes: the value of its zeebe:taskDefinition type binding. */
import type { ElementTemplate } from './element-template';

export function taskTypePropertyIndex(template: ElementTemplate): number {
  const properties = Array.isArray(template.properties) ? template.properties : [];
  return properties.findIndex(
    (p) =>
      p.binding?.type === 'zeebe:taskDefinition:type' ||
      (p.binding?.type === 'zeebe:taskDefinition' && (p.binding as { property?: unknown }).property === 'type'),
  );
}

export function templateTaskType(template: ElementTemplate): string | undefined {
  const index = taskTypePropertyIndex(template);
  const value = index < 0 ? undefined : template.properties[index].value;
  return typeof value === 'string' ? value : undefined;
}
