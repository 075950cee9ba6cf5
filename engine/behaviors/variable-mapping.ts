/**
 * Variable mapping as Zeebe does it, with JSONata: inputs build a task's local variables from the process
 * variables; outputs write the task's result back. Expression failures come back as values.
 */
import type { VariableMapping } from '../mapping/expression';
import { applyMappings } from '../mapping/variable-mapping';
import type { Failure } from '../elements/element-processor';
import { IncidentType, type Variables } from '../runtime/instance-state';

export type MappingResult = { ok: true; variables: Variables } | { ok: false; failure: Failure };

export async function mapVariables(
  what: string,
  mappings: readonly VariableMapping[],
  context: Variables,
): Promise<MappingResult> {
  try {
    return { ok: true, variables: await applyMappings(mappings, context) };
  } catch (error) {
    return { ok: false, failure: expressionFailure(what, error) };
  }
}

/** The variables a task works on: its mapped inputs, or every process variable when it maps none. */
export async function mapInputs(elementId: string, mappings: readonly VariableMapping[], variables: Variables): Promise<MappingResult> {
  if (mappings.length === 0) return { ok: true, variables: { ...variables } };
  return mapVariables(`input mapping of '${elementId}'`, mappings, variables);
}

/** What a task's result writes into the process: its output mappings, or the result itself. */
export async function mapOutputs(
  elementId: string,
  mappings: readonly VariableMapping[],
  result: Variables,
  variables: Variables,
): Promise<MappingResult> {
  if (mappings.length === 0) return { ok: true, variables: result };
  return mapVariables(`output mapping of '${elementId}'`, mappings, { ...variables, ...result });
}

export function expressionFailure(what: string, error: unknown): Failure {
  const message = error instanceof Error ? error.message : String(error);
  return { type: IncidentType.EXPRESSION, message: `${what} failed: ${message}` };
}
