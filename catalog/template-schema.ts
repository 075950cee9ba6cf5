/**
 * The official Camunda 8 (Zeebe) element-template JSON Schema (draft-07), compiled once with one ajv
 * instance, plus Baton's own rules: the task type is bound, and every `=` value compiles as JSONata.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import schema from '@camunda/zeebe-element-templates-json-schema/resources/schema.json';
import errorMessages from '@camunda/zeebe-element-templates-json-schema/resources/error-messages.json';
import { TASK_TYPE_PATTERN } from '../engine/bus/protocol';
import { ErrorCode, ExpressionError, type Problem } from '../engine/errors';
import { compileExpression } from '../engine/mapping/jsonata-guard';
import type { ElementTemplate } from './element-template';

const ajv = new Ajv({ strict: false, $data: true, allErrors: true });
addFormats(ajv);
ajv.addSchema(schema, 'element-templates');

/** One template (the schema's `#/definitions/template`); the root also accepts an array of them. */
const validateOne = ajv.getSchema('element-templates#/definitions/template') as ValidateFunction;
const validateDocument = ajv.getSchema('element-templates') as ValidateFunction;

/** The schema package's friendlier messages, by the schema path they belong to. */
const friendly = new Map<string, string>(
  (errorMessages as { path: (string | number)[]; errorMessage: string }[]).map((entry) => [`#/${entry.path.join('/')}`, entry.errorMessage]),
);

/**
 * Validates a template document (one template, or an array of them, as the schema allows) against the
 * official schema. Each problem carries the JSON pointer of the offending value.
 */
export function validateTemplate(json: unknown): Problem[] {
  const validate = Array.isArray(json) ? validateDocument : validateOne;
  if (validate(json)) return [];
  return toProblems(validate.errors ?? []);
}

function toProblems(errors: ErrorObject[]): Problem[] {
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const error of errors) {
    // "must match "then" schema" and similar wrap the error that says what is wrong; keep that one.
    if (error.keyword === 'if') continue;
    const message = friendlyMessage(error) ?? describeError(error);
    const pointer = error.instancePath === '' ? '/' : error.instancePath;
    const key = `${pointer} ${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ code: ErrorCode.VALIDATION, pointer, message: `${pointer}: ${message}` });
  }
  return problems;
}

function friendlyMessage(error: ErrorObject): string | undefined {
  for (const [path, message] of friendly) {
    if (error.schemaPath === path || error.schemaPath.startsWith(`${path}/`)) return message;
  }
  return undefined;
}

function describeError(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'enum' && Array.isArray(params.allowedValues)) {
    return `${error.message ?? 'must be one of the allowed values'}: ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    return `must not have the property '${params.additionalProperty}'`;
  }
  return error.message ?? error.keyword;
}

/**
 * Baton's rules for a template that passed the schema: it binds the task type (zeebe:taskDefinition
 * `type`) to a value that can name a bus subject, and every value starting with `=` compiles as JSONata.
 */
export function checkBatonRules(template: ElementTemplate, pointerPrefix = ''): Problem[] {
  const problems: Problem[] = [];
  const properties = Array.isArray(template.properties) ? template.properties : [];
  const typeIndex = properties.findIndex(
    (p) =>
      p.binding?.type === 'zeebe:taskDefinition:type' ||
      (p.binding?.type === 'zeebe:taskDefinition' && (p.binding as { property?: unknown }).property === 'type'),
  );
  if (typeIndex < 0) {
    problems.push({
      code: ErrorCode.VALIDATION,
      pointer: `${pointerPrefix}/properties`,
      message: `${pointerPrefix}/properties: template '${template.id}' binds no task type: add a Hidden property with binding { "type": "zeebe:taskDefinition", "property": "type" } and the operation's task type as value`,
    });
  } else {
    const value = properties[typeIndex].value;
    const pointer = `${pointerPrefix}/properties/${typeIndex}/value`;
    if (typeof value !== 'string' || !TASK_TYPE_PATTERN.test(value)) {
      problems.push({
        code: ErrorCode.VALIDATION,
        pointer,
        message: `${pointer}: the task type ${JSON.stringify(value)} cannot name a bus subject: use letters, digits, '_', ':' and '-' only`,
      });
    }
  }
  properties.forEach((property, index) => {
    const value = property.value;
    if (typeof value !== 'string' || !value.startsWith('=')) return;
    const pointer = `${pointerPrefix}/properties/${index}/value`;
    try {
      compileExpression(value.slice(1));
    } catch (error) {
      const detail = error instanceof ExpressionError ? error.message : String(error);
      problems.push({ code: ErrorCode.VALIDATION, pointer, message: `${pointer}: ${detail}` });
    }
  });
  return problems;
}
