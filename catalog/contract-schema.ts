/**
 * Operation contracts: a template may carry JSON Schemas of its operation's input
 * (`metadata.inputSchema`) and result (`metadata.resultSchema`). They are the integration team's schemas,
 * so they get an ajv instance of their own (not strict: any draft-07 keyword a team uses is fine),
 * compiled once at publish (to check them) and at deploy (into the executable task).
 */
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { ErrorCode, type Problem } from '../engine/errors';
import type { ElementTemplate } from './element-template';

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);

export const CONTRACT_KEYS = ['inputSchema', 'resultSchema'] as const;
export type ContractKey = (typeof CONTRACT_KEYS)[number];

/** A compiled contract: the problems of a value, each naming the field (JSON pointer) that breaks it. */
export type ContractCheck = (value: unknown) => Problem[];

export function compileContract(schema: unknown): ContractCheck {
  const validate: ValidateFunction = ajv.compile(schema as object);
  return (value) => {
    if (validate(value)) return [];
    return (validate.errors ?? []).map((error) => {
      const params = error.params as Record<string, unknown>;
      const field =
        error.keyword === 'required' ? `${error.instancePath}/${String(params.missingProperty)}`
        : error.keyword === 'additionalProperties' ? `${error.instancePath}/${String(params.additionalProperty)}`
        : error.instancePath || '/';
      const detail = error.keyword === 'required' ? 'is required' : error.keyword === 'additionalProperties' ? 'is not allowed' : (error.message ?? 'is invalid');
      return { code: ErrorCode.VALIDATION, pointer: field, message: `${field} ${detail}` };
    });
  };
}

/** The contract schemas of a template that do not compile, as problems at their pointers. */
export function checkContracts(template: ElementTemplate, pointerPrefix = ''): Problem[] {
  const problems: Problem[] = [];
  const metadata = template.metadata;
  if (metadata === undefined) return problems;
  for (const key of CONTRACT_KEYS) {
    if (!(key in metadata)) continue;
    const pointer = `${pointerPrefix}/metadata/${key}`;
    const schema = metadata[key];
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
      problems.push({ code: ErrorCode.VALIDATION, pointer, message: `${pointer}: must be a JSON Schema object` });
      continue;
    }
    try {
      ajv.compile(schema);
    } catch (error) {
      problems.push({ code: ErrorCode.VALIDATION, pointer, message: `${pointer}: is not a valid JSON Schema: ${(error as Error).message}` });
    }
  }
  return problems;
}
