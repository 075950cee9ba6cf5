/**
 * One processing step of one instance: its state, the process it runs, and what the step produces
 * (history records, outbox messages, follow-up work). The step's output is committed in one transaction.
 */
import type { ExecutableElement, ExecutableProcess } from '../model/executable';
import type { EngineEventKind } from '../bus/protocol';
import { PROTOCOL_VERSION } from '../bus/protocol';
import type { OutboxMessage } from '../store/store';
import { jsonBytes } from '../mapping/jsonata-guard';
import { childKey } from './keys';
import { IncidentType, type ElementInstance, type HistoryRecord, type InstanceState, type Variables } from './instance-state';
import type { Intent } from './intents';

/** Work queued inside a step; the processor drains the queue before the step commits. */
export type Work =
  | { kind: 'activate'; elementId: string; flowId?: string }
  | { kind: 'complete'; elementInstanceKey: string; result: Variables }
  | { kind: 'throw'; elementInstanceKey: string; errorCode: string; errorMessage?: string; variables: Variables };

/** Default of BATON_MAX_VARIABLES_BYTES: the most bytes of JSON an instance's variables may take. */
export const DEFAULT_MAX_VARIABLES_BYTES = 1024 * 1024;

/**
 * Thrown by setVariables (before it changes anything) when the variables would outgrow the limit; the
 * step processor turns it into a VARIABLES_LIMIT incident on the element that was writing.
 */
export class VariablesLimitError extends Error {
  readonly failure: { type: typeof IncidentType.VARIABLES_LIMIT; message: string };
  constructor(readonly bytes: number, readonly limit: number) {
    super(variablesLimitMessage(bytes, limit));
    this.failure = { type: IncidentType.VARIABLES_LIMIT, message: this.message };
  }
}

export function variablesLimitMessage(bytes: number, limit: number): string {
  return `The process variables would take ${bytes > limit ? `more than ${limit}` : bytes} bytes of JSON, over the limit of ${limit} bytes (BATON_MAX_VARIABLES_BYTES): make the values smaller or keep large data outside the process and pass a reference`;
}

/** A timer the runtime must (re)arm after the step commits. */
export interface TimerRequest {
  jobKey: string;
  dueAt: number;
}

export class InstanceContext {
  readonly history: HistoryRecord[] = [];
  readonly outbox: OutboxMessage[] = [];
  readonly work: Work[] = [];
  readonly timers: TimerRequest[] = [];
  readonly canceledTimers: string[] = [];
  /** Element-level events, published after commit when element events are switched on. */
  readonly elementEvents: { kind: EngineEventKind; elementId: string; elementInstanceKey: string }[] = [];
  readonly now = Date.now();
  /** Most bytes of JSON the instance's variables may take (the engine sets it). */
  maxVariablesBytes = DEFAULT_MAX_VARIABLES_BYTES;

  constructor(
    readonly state: InstanceState,
    readonly process: ExecutableProcess,
  ) {}

  nextKey(): string {
    return childKey(this.state.key, this.state.nextSeq++);
  }

  element(id: string): ExecutableElement {
    const element = this.process.elements.get(id);
    if (!element) throw new Error(`bug: element '${id}' is not in process '${this.process.bpmnProcessId}'`);
    return element;
  }

  elementInstance(key: string): ElementInstance | undefined {
    return this.state.elements[key];
  }

  record(intent: Intent, elementInstance?: { key: string; elementId: string }, detail?: Record<string, unknown>): void {
    this.history.push({
      instanceKey: this.state.key,
      position: this.state.nextPosition++,
      time: this.now,
      intent,
      elementId: elementInstance?.elementId,
      elementInstanceKey: elementInstance?.key,
      detail,
    });
  }

  /** An instance-level event for listeners, sent through the outbox with the state change. */
  emit(kind: EngineEventKind, detail?: Record<string, unknown>): void {
    this.outbox.push({
      kind: 'event',
      event: {
        protocol: PROTOCOL_VERSION,
        kind,
        time: this.now,
        processInstanceKey: this.state.key,
        bpmnProcessId: this.state.bpmnProcessId,
        detail,
      },
    });
  }

  /** Merges `variables` into the instance's; throws VariablesLimitError, changing nothing, when the result
   *  would outgrow the limit. */
  setVariables(variables: Variables): void {
    this.assertVariablesFit(variables);
    Object.assign(this.state.variables, variables);
  }

  /** Throws VariablesLimitError when merging `variables` would make the instance's variables too large. */
  assertVariablesFit(variables: Variables): void {
    if (Object.keys(variables).length === 0) return;
    const bytes = jsonBytes({ ...this.state.variables, ...variables }, this.maxVariablesBytes);
    if (bytes > this.maxVariablesBytes) throw new VariablesLimitError(bytes, this.maxVariablesBytes);
  }
}
