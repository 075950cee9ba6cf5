/** Filtering a template list: by category, keyword, task type and free text. */
import type { ElementTemplate } from './element-template';
import { templateTaskType } from './template-task-type';

export interface TemplateFilter {
  /** Category id or name (exact, case-insensitive). */
  category?: string;
  /** One of the template's keywords (exact, case-insensitive). */
  keyword?: string;
  /** The zeebe:taskDefinition type. */
  taskType?: string;
  /** Free text in id, name, description and keywords (case-insensitive). */
  q?: string;
}

export function filterTemplates(templates: readonly ElementTemplate[], filter: TemplateFilter): ElementTemplate[] {
  const lower = (s: string | undefined) => (s ?? '').toLowerCase();
  return templates.filter((t) => {
    if (filter.category && ![t.category?.id, t.category?.name].some((c) => lower(c) === lower(filter.category))) return false;
    if (filter.keyword && !(t.keywords ?? []).some((k) => lower(k) === lower(filter.keyword))) return false;
    if (filter.taskType && templateTaskType(t) !== filter.taskType) return false;
    if (filter.q) {
      const text = [t.id, t.name, t.description, ...(t.keywords ?? [])].map(lower).join('\n');
      if (!text.includes(lower(filter.q))) return false;
    }
    return true;
  });
}
