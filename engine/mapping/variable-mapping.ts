/**
 * Applies `zeebe:input` / `zeebe:output` mappings: each source is evaluated and written at its (dotted)
 * target. As Zeebe does for inputs, a later mapping sees the results of the earlier ones (they shadow the
 * context's variables of the same name).
 */
import type { VariableMapping } from './expression';
import { evaluateSource } from './jsonata-guard';

/**
 * Evaluates every mapping in order and returns the variables they produce. An expression that yields
 * nothing (undefined) writes null, as a FEEL path to a missing variable does in Zeebe.
 */
export async function applyMappings(
  mappings: readonly VariableMapping[],
  context: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = {};
  for (const mapping of mappings) {
    const input = mappings.length > 1 ? { ...context, ...result } : context;
    const value = await evaluateSource(mapping.source, input);
    setPath(result, mapping.target, value === undefined ? null : value);
  }
  return result;
}

/** Splits a dotted target (`request.body.name`) into its names. */
export function targetPath(target: string): string[] {
  return target.split('.').map((part) => part.trim());
}

/** True when a target is one or more non-empty names separated by dots. */
export function isValidTarget(target: string): boolean {
  return target.trim() !== '' && targetPath(target).every((part) => part !== '');
}

/** Writes `value` at the dotted `target` inside `object`, creating (or replacing non-object) parents. */
export function setPath(object: Record<string, unknown>, target: string, value: unknown): void {
  const path = targetPath(target);
  let current = object;
  for (const name of path.slice(0, -1)) {
    const next = current[name];
    if (typeof next === 'object' && next !== null && !Array.isArray(next)) {
      // Copy so a parent borrowed from the context is never mutated.
      current[name] = { ...(next as Record<string, unknown>) };
    } else {
      current[name] = {};
    }
    current = current[name] as Record<string, unknown>;
  }
  current[path[path.length - 1]] = value;
}
