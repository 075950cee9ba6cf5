/** The job a handler receives: the protocol's JobMessage in the shape worker code reads. */
import { Header, type BusHeaders, type JobMessage } from '../../engine/bus/protocol';

export interface Job<Variables extends Record<string, unknown> = Record<string, unknown>> {
  readonly key: string;
  readonly type: string;
  readonly variables: Variables;
  /** The task's zeebe:taskHeader values (resultVariable, errorExpression, retryBackoff, jobTimeout, ...). */
  readonly customHeaders: Readonly<Record<string, string>>;
  /** Retries left, including this attempt. */
  readonly retries: number;
  /** Epoch milliseconds after which the engine offers the job again. */
  readonly deadline: number;
  readonly processInstanceKey: string;
  readonly elementInstanceKey: string;
  readonly elementId: string;
  readonly bpmnProcessId: string;
  readonly processDefinitionKey: string;
  /** Transport headers: `traceparent`, `baton-corr-*`, `baton-protocol`. */
  readonly headers: Readonly<BusHeaders>;
}

/** What a handler may return: the variables to complete with (`undefined` for none). */
export type JobResult = Record<string, unknown> | void | undefined;

export type JobHandler<Variables extends Record<string, unknown> = Record<string, unknown>> = (job: Job<Variables>) => Promise<JobResult> | JobResult;

export function toJob<Variables extends Record<string, unknown>>(message: JobMessage, headers: BusHeaders): Job<Variables> {
  return {
    key: message.jobKey,
    type: message.type,
    variables: (message.variables ?? {}) as Variables,
    customHeaders: message.customHeaders ?? {},
    retries: message.retries,
    deadline: message.deadline,
    processInstanceKey: message.processInstanceKey,
    elementInstanceKey: message.elementInstanceKey,
    elementId: message.elementId,
    bpmnProcessId: message.bpmnProcessId,
    processDefinitionKey: message.processDefinitionKey,
    headers,
  };
}

/** The headers an answer carries back: the job's trace context and every correlation header. */
export function echoHeaders(headers: BusHeaders): BusHeaders {
  const out: BusHeaders = {};
  for (const [key, value] of Object.entries(headers)) {
    const lower = key.toLowerCase();
    if (lower === Header.TRACEPARENT || lower === 'tracestate' || lower.startsWith(Header.CORRELATION_PREFIX)) out[key] = value;
  }
  return out;
}
