/**
 * JSONata, compiled once and evaluated under a guard: a time budget and an evaluation-depth limit,
 * enforced through jsonata's `__evaluate_entry` / `__evaluate_exit` hooks (the time-boxing technique
 * jsonata documents). Every expression also sees `$bpmnError(code, message)`.
 *
 * Depth counts open function calls, not every open evaluation step: jsonata evaluates the members of an
 * array or object constructor concurrently, so counting every step would make a wide but flat mapping
 * (an object of 200 fields) look deep. The count is exact (every entry has its exit), never skipped
 * for "parallel" calls: the `isParallelCall` flag jsonata sets sticks to a frame, and skipping on it can
 * switch the guard off for the rest of an evaluation.
 *
 * jsonata optimises tail calls, so a tail-recursive endless loop such as
 * `( $f := function($x){ $f($x) }; $f(1) )` runs at constant depth: the time budget stops it. A
 * recursion that is not in tail position (`1 + $f($x)`) grows the depth and meets the depth limit.
 *
 * Size: every intermediate string or array longer than the output limit stops the evaluation where it
 * is made (a doubling string, a `[1..10000000]` range), and the final result's JSON must fit the limit
 * too (default 1 MiB, as a process instance's variables).
 *
 * JSONata is a closed language: paths read own properties of the input only (no `constructor`, no
 * `__proto__`), there is no `process` or `require`, and `$eval` evaluates JSONata (under this same guard),
 * never JavaScript. test/reliability/jsonata-hostile.test.ts proves it.
 */
import jsonata from 'jsonata';
import { ExpressionError } from '../errors';
import type { CompiledExpression, MappingSource } from './expression';

export const DEFAULT_TIMEOUT_MS = 100;
export const DEFAULT_MAX_DEPTH = 500;
export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;

export interface GuardOptions {
  /** Wall-clock budget of one evaluation, in milliseconds (default 100). */
  readonly timeoutMs?: number;
  /**
   * Most function calls open at once (default 500): nested and recursive calls. jsonata runs members of
   * an array or object constructor concurrently, so their open calls add up.
   */
  readonly maxDepth?: number;
  /** Most bytes of JSON the result may take, and most characters (or items) of any string (or array)
   *  made on the way (default 1 MiB). */
  readonly maxOutputBytes?: number;
}

/** What `$bpmnError(code, message)` returns; a worker or an errorExpression hands it back as a BPMN error. */
export interface BpmnErrorValue {
  readonly code: string;
  readonly message?: string;
}

/** Thrown inside jsonata by the hooks; turned into an ExpressionError by evaluate. */
class GuardViolation {
  /** What went wrong; also what `$eval` shows when the violation happens inside the JSONata it evaluates. */
  readonly message: string;
  constructor(readonly limit: 'time' | 'depth' | 'size', readonly value: number) {
    this.message =
      limit === 'time'
        ? `JSONata expression exceeded its time budget of ${value} ms: check for an endless loop or a very large range`
        : limit === 'depth'
          ? `JSONata expression exceeded its evaluation depth limit of ${value}: check for a recursive function that never ends`
          : `JSONata expression result exceeded the size limit of ${value} bytes: check for a very large range or a string that keeps growing`;
  }
}

/** Per-evaluation guard state, keyed by jsonata's evaluation root frame (`environment.base`). */
interface GuardState {
  readonly startedAt: number;
  depth: number;
}

interface JsonataEnvironment {
  readonly base?: object;
}

interface JsonataNode {
  readonly type?: string;
}

/** Nodes that call a function (the ones recursion is made of). */
const isCall = (node: JsonataNode): boolean => node.type === 'function' || node.type === 'partial';

interface JsonataFailure {
  code?: string;
  position?: number;
  token?: string;
  message?: string;
}

function isJsonataFailure(error: unknown): error is JsonataFailure {
  return typeof error === 'object' && error !== null && 'code' in error;
}

function bpmnError(code: unknown, message?: unknown): BpmnErrorValue {
  return message === undefined ? { code: String(code) } : { code: String(code), message: String(message) };
}

/**
 * Compiles a JSONata expression (without a leading `=`). Throws ExpressionError, with the position jsonata
 * reports, when it does not compile.
 */
export function compileExpression(text: string, options: GuardOptions = {}): CompiledExpression {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;

  let compiled: jsonata.Expression;
  try {
    compiled = jsonata(text);
  } catch (error) {
    const failure = isJsonataFailure(error) ? error : {};
    const where = failure.position !== undefined ? ` at position ${failure.position}` : '';
    throw new ExpressionError(
      `JSONata expression does not compile${where}: ${failure.message ?? String(error)}`,
      text,
      failure.position,
      { cause: error },
    );
  }

  const states = new WeakMap<object, GuardState>();
  const stateOf = (environment: JsonataEnvironment): GuardState | undefined => {
    const base = environment.base;
    if (!base) return undefined;
    let state = states.get(base);
    if (!state) {
      state = { startedAt: Date.now(), depth: 0 };
      states.set(base, state);
    }
    return state;
  };
  const check = (state: GuardState): void => {
    if (state.depth > maxDepth) throw new GuardViolation('depth', maxDepth);
    if (Date.now() - state.startedAt > timeoutMs) throw new GuardViolation('time', timeoutMs);
  };

  // Symbols are how jsonata 2.x looks the hooks up; `assign` accepts them although its typing says string.
  const assign = compiled.assign as (name: string | symbol, value: unknown) => void;
  assign(Symbol.for('jsonata.__evaluate_entry'), (node: JsonataNode, _input: unknown, environment: JsonataEnvironment) => {
    const state = stateOf(environment);
    if (!state) return;
    if (isCall(node)) state.depth++;
    check(state);
  });
  assign(Symbol.for('jsonata.__evaluate_exit'), (node: JsonataNode, _input: unknown, environment: JsonataEnvironment, result: unknown) => {
    const state = stateOf(environment);
    if (!state) return;
    if (isCall(node)) state.depth--;
    // A string of n characters or an array of n items takes at least n bytes of JSON.
    if ((typeof result === 'string' || Array.isArray(result)) && result.length > maxOutputBytes) throw new GuardViolation('size', maxOutputBytes);
    check(state);
  });
  compiled.registerFunction('bpmnError', bpmnError, '<ss?:o>');

  return {
    text,
    async evaluate(input: unknown, bindings?: Record<string, unknown>): Promise<unknown> {
      let result: unknown;
      try {
        result = toPlainJson(await compiled.evaluate(input, bindings));
      } catch (error) {
        throw toExpressionError(error, text);
      }
      const size = result === undefined ? 0 : jsonBytes(result, maxOutputBytes);
      if (size > maxOutputBytes) throw toExpressionError(new GuardViolation('size', maxOutputBytes), text);
      return result;
    },
  };
}

function toExpressionError(error: unknown, text: string): ExpressionError {
  if (error instanceof ExpressionError) return error;
  if (error instanceof GuardViolation) return new ExpressionError(error.message, text);
  if (isJsonataFailure(error)) {
    const where = error.position !== undefined ? ` at position ${error.position}` : '';
    return new ExpressionError(`JSONata expression failed${where}: ${error.message ?? error.code}`, text, error.position, {
      cause: error,
    });
  }
  return new ExpressionError(`JSONata expression failed: ${String(error)}`, text, undefined, { cause: error });
}

/**
 * Turns a jsonata result into plain JSON: sequences become plain arrays; functions (JS functions and
 * jsonata lambdas) and undefined values inside objects are dropped, undefined inside arrays becomes null;
 * undefined at the top stays undefined. A cycle (only possible through bindings) is cut to null.
 */
export function toPlainJson(value: unknown, ancestors: Set<object> = new Set()): unknown {
  if (value === undefined || value === null) return value;
  if (typeof value === 'function') return undefined;
  if (typeof value !== 'object') return value;
  if (isJsonataFunction(value)) return undefined;
  if (ancestors.has(value)) return null;
  if (Array.isArray(value)) {
    ancestors.add(value);
    const out = value.map((item) => {
      const plain = toPlainJson(item, ancestors);
      return plain === undefined ? null : plain;
    });
    ancestors.delete(value);
    return out;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  ancestors.add(value);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const plain = toPlainJson(item, ancestors);
    if (plain !== undefined) out[key] = plain;
  }
  ancestors.delete(value);
  return out;
}

/**
 * The UTF-8 size of a plain JSON value's serialisation; stops counting (and returns more than `limit`)
 * as soon as the limit is passed, so a huge value costs no more than the limit to measure.
 */
export function jsonBytes(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  let total = 0;
  const visit = (item: unknown): void => {
    if (total > limit) return;
    if (item === null || item === undefined) total += 4;
    else if (typeof item === 'string') total += item.length > limit ? item.length : Buffer.byteLength(JSON.stringify(item));
    else if (typeof item === 'number' || typeof item === 'boolean') total += String(item).length;
    else if (Array.isArray(item)) {
      total += 2 + Math.max(0, item.length - 1);
      for (const member of item) {
        visit(member);
        if (total > limit) return;
      }
    } else if (typeof item === 'object') {
      const entries = Object.entries(item as Record<string, unknown>);
      total += 2 + Math.max(0, entries.length - 1);
      for (const [key, member] of entries) {
        total += Buffer.byteLength(JSON.stringify(key)) + 1;
        visit(member);
        if (total > limit) return;
      }
    }
  };
  visit(value);
  return total;
}

function isJsonataFunction(value: object): boolean {
  return '_jsonata_lambda' in value || '_jsonata_function' in value;
}

/** Zeebe's rule: a value starting with `=` is an expression, anything else a literal string. */
export function parseSource(value: string, options?: GuardOptions): MappingSource {
  if (value.startsWith('=')) {
    return { kind: 'expression', expression: compileExpression(value.slice(1), options) };
  }
  return { kind: 'literal', value };
}

/** Evaluates a mapping source: a literal is its string, an expression its (plain JSON) result. */
export async function evaluateSource(source: MappingSource, input: unknown): Promise<unknown> {
  return source.kind === 'literal' ? source.value : source.expression.evaluate(input);
}
