/**
 * The bus protocol (docs/PROTOCOL.md), version 1: payloads and subjects, the same on every transport.
 * Subjects are spelled here and nowhere else.
 */
export const PROTOCOL_VERSION = 1 as const;

/** Transport headers: W3C `traceparent` plus any correlation headers; a job's are echoed on its answer. */
export type BusHeaders = Record<string, string>;

export const Header = {
  TRACEPARENT: 'traceparent',
  PROTOCOL: 'baton-protocol',
  /** Prefix of correlation headers a job carries and its answer echoes (e.g. `baton-corr-order`). */
  CORRELATION_PREFIX: 'baton-corr-',
} as const;

/** A unit of work for an integration service. */
export interface JobMessage {
  readonly protocol: typeof PROTOCOL_VERSION;
  readonly jobKey: string;
  readonly type: string;
  readonly processInstanceKey: string;
  readonly elementInstanceKey: string;
  readonly elementId: string;
  readonly bpmnProcessId: string;
  readonly processDefinitionKey: string;
  /** Retries left, including this attempt. */
  readonly retries: number;
  /** Epoch milliseconds after which the engine offers the job again. */
  readonly deadline: number;
  /** zeebe:taskHeader values of the task. */
  readonly customHeaders: Readonly<Record<string, string>>;
  /** The task's mapped input variables (all process variables when it maps none). */
  readonly variables: Readonly<Record<string, unknown>>;
}

export const AnswerKind = { COMPLETE: 'complete', FAIL: 'fail', ERROR: 'error' } as const;
export type AnswerKind = (typeof AnswerKind)[keyof typeof AnswerKind];

export interface CompleteAnswer {
  readonly protocol: typeof PROTOCOL_VERSION;
  readonly kind: typeof AnswerKind.COMPLETE;
  readonly jobKey: string;
  readonly variables: Readonly<Record<string, unknown>>;
}

export interface FailAnswer {
  readonly protocol: typeof PROTOCOL_VERSION;
  readonly kind: typeof AnswerKind.FAIL;
  readonly jobKey: string;
  /** Retries left after this failure; 0 raises an incident. */
  readonly retries: number;
  /** Back-off before the next attempt; the task's retryBackoff when absent. */
  readonly retryBackoffMs?: number;
  readonly errorMessage: string;
}

export interface BpmnErrorAnswer {
  readonly protocol: typeof PROTOCOL_VERSION;
  readonly kind: typeof AnswerKind.ERROR;
  readonly jobKey: string;
  readonly errorCode: string;
  readonly errorMessage?: string;
  readonly variables?: Readonly<Record<string, unknown>>;
}

export type JobAnswer = CompleteAnswer | FailAnswer | BpmnErrorAnswer;

export const EngineEventKind = {
  INSTANCE_STARTED: 'instance.started',
  INSTANCE_COMPLETED: 'instance.completed',
  INSTANCE_CANCELED: 'instance.canceled',
  INSTANCE_INCIDENT: 'instance.incident',
  ELEMENT_ENTERED: 'element.entered',
  ELEMENT_LEFT: 'element.left',
} as const;
export type EngineEventKind = (typeof EngineEventKind)[keyof typeof EngineEventKind];

/** What happened in the engine, for listeners (monitoring, audit). Best effort, not durable. */
export interface EngineEvent {
  readonly protocol: typeof PROTOCOL_VERSION;
  readonly kind: EngineEventKind;
  readonly time: number;
  readonly processInstanceKey: string;
  readonly bpmnProcessId: string;
  readonly elementId?: string;
  readonly elementInstanceKey?: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export const DEFAULT_SUBJECT_PREFIX = 'baton';

/** Every subject of the protocol, for one prefix. */
export function subjects(prefix: string = DEFAULT_SUBJECT_PREFIX) {
  return {
    job: (taskType: string) => `${prefix}.job.${taskType}`,
    jobs: `${prefix}.job.>`,
    answer: (kind: AnswerKind) => `${prefix}.answer.${kind}`,
    answers: `${prefix}.answer.>`,
    event: (kind: EngineEventKind) => `${prefix}.event.${kind}`,
    events: `${prefix}.event.>`,
  } as const;
}

/** A task type becomes the subject's last tokens: dot-separated tokens of letters, digits, `-`, `_` and `:`
 *  (e.g. `io.baton.http.json:1`); no empty token, no wildcard (`*`, `>`), no whitespace. */
export const TASK_TYPE_PATTERN = /^[A-Za-z0-9_:-]+(\.[A-Za-z0-9_:-]+)*$/;
