/**
 * The one ajv instance for Baton's own JSON Schemas (request bodies, bus answers). Each schema is the
 * single source for validation, its TypeScript type (JSONSchemaType) and the OpenAPI document.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Problem } from '../errors';

export const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, useDefaults: false, coerceTypes: false });
addFormats(ajv);

/** ajv's errors as Problems with JSON pointers and readable messages. */
export function toProblems(errors: ErrorObject[] | null | undefined): Problem[] {
  return (errors ?? []).map((error) => {
    const pointer = error.instancePath || '/';
    let message = `${pointer} ${error.message ?? 'is invalid'}`;
    if (error.keyword === 'additionalProperties') message = `${pointer} has an unknown property '${String(error.params.additionalProperty)}'`;
    if (error.keyword === 'required') message = `${pointer} needs the property '${String(error.params.missingProperty)}'`;
    return { code: error.keyword.toUpperCase(), message, pointer };
  });
}

export type Validator<T> = ValidateFunction<T>;
