/**
 * One JSON Schema per request body: the single source for validation (one ajv instance), the TypeScript
 * types and the OpenAPI document.
 */
import type { JSONSchemaType } from 'ajv';
import { ValidationError } from '../errors';
import { ajv, toProblems } from '../validation/ajv';

export type Variables = Record<string, unknown>;

/** Process variables: any JSON object, but no `__proto__` name (merging it would set a prototype, not a variable). */
const variables = { type: 'object', additionalProperties: true, required: [], propertyNames: { not: { const: '__proto__' } } } as const;
const headers = { type: 'object', additionalProperties: { type: 'string' }, required: [], nullable: true } as const;

export interface StartInstanceBody {
  bpmnProcessId?: string;
  definitionKey?: string;
  version?: number;
  variables?: Variables;
  headers?: Record<string, string>;
}

export const startInstanceSchema = {
  type: 'object',
  properties: {
    bpmnProcessId: { type: 'string', minLength: 1, nullable: true },
    definitionKey: { type: 'string', minLength: 1, nullable: true },
    version: { type: 'integer', minimum: 1, nullable: true },
    variables: { ...variables, nullable: true },
    headers,
  },
  anyOf: [{ required: ['bpmnProcessId'] }, { required: ['definitionKey'] }],
  additionalProperties: false,
} as unknown as JSONSchemaType<StartInstanceBody>;

export interface VariablesBody {
  variables?: Variables;
}

export const variablesSchema = {
  type: 'object',
  properties: { variables: { ...variables, nullable: true } },
  additionalProperties: false,
} as unknown as JSONSchemaType<VariablesBody>;

export interface ResolveIncidentBody {
  retries?: number;
}

export const resolveIncidentSchema: JSONSchemaType<ResolveIncidentBody> = {
  type: 'object',
  properties: { retries: { type: 'integer', minimum: 1, nullable: true } },
  additionalProperties: false,
};

export interface CreateKeyBody {
  role: 'admin' | 'designer' | 'team' | 'reader';
  name?: string;
  namespaces?: string[];
}

export const createKeySchema: JSONSchemaType<CreateKeyBody> = {
  type: 'object',
  properties: {
    role: { type: 'string', enum: ['admin', 'designer', 'team', 'reader'] },
    name: { type: 'string', minLength: 1, maxLength: 200, nullable: true },
    namespaces: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 200 }, maxItems: 100, nullable: true },
  },
  required: ['role'],
  additionalProperties: false,
};

export interface DeprecateVersionBody {
  message: string;
  replacementVersion?: number;
}

export const deprecateVersionSchema: JSONSchemaType<DeprecateVersionBody> = {
  type: 'object',
  properties: {
    message: { type: 'string', minLength: 1, maxLength: 2000 },
    replacementVersion: { type: 'integer', minimum: 1, nullable: true },
  },
  required: ['message'],
  additionalProperties: false,
};

export interface WithdrawVersionBody {
  message?: string;
}

export const withdrawVersionSchema: JSONSchemaType<WithdrawVersionBody> = {
  type: 'object',
  properties: { message: { type: 'string', minLength: 1, maxLength: 2000, nullable: true } },
  additionalProperties: false,
};

/** Every request schema by name, for the OpenAPI document. */
export const requestSchemas = {
  StartInstance: startInstanceSchema,
  Variables: variablesSchema,
  ResolveIncident: resolveIncidentSchema,
  CreateKey: createKeySchema,
  DeprecateVersion: deprecateVersionSchema,
  WithdrawVersion: withdrawVersionSchema,
} as const;

/** Compiled at load, so a broken schema fails at start rather than on the first request. */
const compiled = new Map<object, ReturnType<typeof ajv.compile>>(Object.values(requestSchemas).map((schema) => [schema, ajv.compile(schema)]));

/** Validates a body against its schema; throws a ValidationError listing every problem with its pointer. */
export function parseBody<T>(schema: JSONSchemaType<T>, body: unknown): T {
  const validate = compiled.get(schema);
  if (!validate) throw new Error('bug: a request schema missing from requestSchemas');
  const value = body === undefined ? {} : body;
  if (!validate(value)) throw new ValidationError('The request body is invalid', toProblems(validate.errors));
  return value as T;
}
