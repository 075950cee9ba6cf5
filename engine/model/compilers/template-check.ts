/**
 * A templated task (zeebe:modelerTemplate + zeebe:modelerTemplateVersion): the template and version must be
 * in the catalog and not withdrawn, and the template's required (notEmpty) bindings must be set on the task.
 */
import type { ElementTemplate, TemplateProperty } from '../../../catalog/element-template';
import { describe, type CompileContext } from '../compile-context';
import type { TemplateRef } from '../executable';
import { attr, type ModdleElement } from '../moddle';
import { DeployProblem, DeployWarning } from '../problem-codes';

/** What the task binds, for checking it against its template. */
export interface BoundValues {
  readonly taskType?: string;
  /** zeebe:input elements of the task. */
  readonly inputs: readonly ModdleElement[];
  readonly headers: Readonly<Record<string, string>>;
}

/** Returns the template reference (also when a problem was reported), undefined for an untemplated task. */
export async function checkTemplate(node: ModdleElement, bound: BoundValues, context: CompileContext): Promise<TemplateRef | undefined> {
  const id = attr(node, 'modelerTemplate');
  if (id === undefined) return undefined;
  const rawVersion = node.modelerTemplateVersion;
  const version = typeof rawVersion === 'number' && Number.isInteger(rawVersion) ? rawVersion : undefined;
  const ref: TemplateRef = version === undefined ? { id } : { id, version };
  if (!context.options.checkTemplates) return ref;

  if (version === undefined) {
    context.warning(
      DeployWarning.TEMPLATE_VERSION_MISSING,
      node,
      `${describe(node)} uses element template '${id}' without a version (zeebe:modelerTemplateVersion): the latest version is checked; apply the template again in the modeler to pin it`,
    );
  }
  const template = await context.catalog.get(id, version);
  if (!template) {
    const latest = version === undefined ? undefined : await context.catalog.get(id);
    if (latest) {
      context.problem(
        DeployProblem.TEMPLATE_VERSION_UNKNOWN,
        node,
        `${describe(node)} uses version ${version} of element template '${id}' (${latest.name}), which the catalog does not hold (its latest version is ${latest.version ?? 'unversioned'}): publish that version or upgrade the task to a published version in the modeler`,
      );
    } else {
      context.problem(
        DeployProblem.TEMPLATE_UNKNOWN,
        node,
        `${describe(node)} uses element template '${id}'${version === undefined ? '' : ` version ${version}`}, which the catalog does not hold: publish the template to the catalog, or pick a template the catalog offers`,
      );
    }
    return ref;
  }

  const metadata = template.metadata ?? {};
  if (metadata.withdrawn) {
    context.problem(
      DeployProblem.TEMPLATE_WITHDRAWN,
      node,
      `${describe(node)} uses element template '${id}' version ${template.version ?? '-'}, which was withdrawn from the catalog${reason(metadata.withdrawn)}: upgrade the task to another version in the modeler`,
    );
  } else if (metadata.deprecated) {
    context.warning(
      DeployWarning.TEMPLATE_DEPRECATED,
      node,
      `${describe(node)} uses element template '${id}' version ${template.version ?? '-'}, which is deprecated${reason(metadata.deprecated)}: plan to upgrade the task${replacement(metadata.deprecated)} in the modeler`,
    );
  }
  checkRequiredBindings(node, template, bound, context);
  return ref;
}

/** The catalog's message of a status (`{ message }`), as ` (message)`. */
function reason(status: unknown): string {
  const message = typeof status === 'object' && status !== null ? (status as { message?: unknown }).message : undefined;
  return typeof message === 'string' && message !== '' ? ` (${message})` : '';
}

function replacement(status: unknown): string {
  const version = typeof status === 'object' && status !== null ? (status as { replacementVersion?: unknown }).replacementVersion : undefined;
  return typeof version === 'number' ? ` to version ${version}` : '';
}

function checkRequiredBindings(node: ModdleElement, template: ElementTemplate, bound: BoundValues, context: CompileContext): void {
  for (const property of template.properties) {
    if (property.constraints?.notEmpty !== true || !conditionHolds(property, template, node, bound)) continue;
    const binding = property.binding;
    const label = property.label ?? property.id ?? '';
    const named = label ? ` ("${label}")` : '';
    if (binding.type === 'zeebe:input') {
      const name = String(binding.name);
      if (isEmpty(inputSource(bound, name))) {
        context.problem(
          DeployProblem.TEMPLATE_INPUT_UNBOUND,
          node,
          `${describe(node)} leaves the required input '${name}'${named} of template '${template.id}' empty: set it in the modeler's properties panel`,
        );
      }
    } else if (binding.type === 'zeebe:taskHeader') {
      const key = String(binding.key);
      if (isEmpty(bound.headers[key])) {
        context.problem(
          DeployProblem.TEMPLATE_INPUT_UNBOUND,
          node,
          `${describe(node)} leaves the required header '${key}'${named} of template '${template.id}' empty: set it in the modeler's properties panel`,
        );
      }
    }
  }
  const templateType = templateTaskType(template);
  if (templateType !== undefined && bound.taskType !== undefined && templateType !== bound.taskType) {
    context.warning(
      DeployWarning.TASK_TYPE_DIFFERS,
      node,
      `${describe(node)} has the task type '${bound.taskType}', but its template '${template.id}' sets '${templateType}': apply the template again in the modeler unless this is meant`,
    );
  }
}

function inputSource(bound: BoundValues, name: string): string | undefined {
  const input = bound.inputs.find((candidate) => candidate.target === name);
  return input ? (attr(input, 'source') ?? '') : undefined;
}

function isEmpty(value: string | undefined): boolean {
  return value === undefined || value.trim() === '' || value.trim() === '=';
}

/** The value a template property has on the task, as far as its binding can be read. */
function boundValue(property: TemplateProperty, node: ModdleElement, bound: BoundValues): string | undefined {
  const binding = property.binding;
  switch (binding.type) {
    case 'zeebe:input':
      return inputSource(bound, String(binding.name));
    case 'zeebe:taskHeader':
      return bound.headers[String(binding.key)];
    case 'zeebe:taskDefinition:type':
      return bound.taskType;
    case 'zeebe:taskDefinition':
      return (binding as { property?: unknown }).property === 'type' ? bound.taskType : undefined;
    case 'property':
      return attr(node, String(binding.name));
    default:
      return undefined;
  }
}

type Condition = { property?: string; equals?: unknown; oneOf?: unknown[]; isActive?: boolean; allMatch?: Condition[] };

/**
 * Template conditions (`condition: { property, equals | oneOf | isActive } | { allMatch }`): a required
 * property only counts when its condition holds. A condition Baton cannot read counts as not holding.
 */
function conditionHolds(property: TemplateProperty, template: ElementTemplate, node: ModdleElement, bound: BoundValues): boolean {
  const condition = (property as { condition?: Condition }).condition;
  return condition === undefined || evaluate(condition, template, node, bound, 0);
}

function evaluate(condition: Condition, template: ElementTemplate, node: ModdleElement, bound: BoundValues, depth: number): boolean {
  if (depth > 10) return false;
  if (Array.isArray(condition.allMatch)) return condition.allMatch.every((c) => evaluate(c, template, node, bound, depth + 1));
  const other = template.properties.find((candidate) => candidate.id === condition.property);
  if (!other) return false;
  const value = boundValue(other, node, bound);
  if ('equals' in condition) return value !== undefined && String(condition.equals) === value;
  if (Array.isArray(condition.oneOf)) return value !== undefined && condition.oneOf.map(String).includes(value);
  if (typeof condition.isActive === 'boolean') return condition.isActive === (value !== undefined);
  return false;
}

/** The task type a template fixes (its zeebe:taskDefinition type binding's value). */
export function templateTaskType(template: ElementTemplate): string | undefined {
  const property = template.properties.find(
    (p) =>
      p.binding.type === 'zeebe:taskDefinition:type' ||
      (p.binding.type === 'zeebe:taskDefinition' && (p.binding as { property?: unknown }).property === 'type'),
  );
  return typeof property?.value === 'string' ? property.value : undefined;
}
