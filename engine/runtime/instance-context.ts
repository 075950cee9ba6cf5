/**
 * One processing step of one instance: its state, the process it runs, and what the step produces
 * (history records, outbox messages, follow-up work). The step's output is committed in one transaction.
 */
import type { ExecutableElement, ExecutableProcess } from '../model/executable';
import type { EngineEventKind } from '../bus/protocol';
import { PROTOCOL_VERSION } from '../bus/protocol';
import type { OutboxMessage } from '../store/store';
import { childKey } from './keys';
import type { ElementInstance, HistoryRecord, InstanceState, Variables } from './instance-state';
import type { Intent } from './intents';

/** Work queued inside a step; the processor drains the queue before the step commits. */
export type Work =
  | { kind: 'activate'; elementId: string; flowId?: string }
  | { kind: 'complete'; elementInstanceKey: string; result: Variables }
  | { kind: 'throw'; elementInstanceKey: string; errorCode: string; errorMessage?: string; variables: Variables };

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

  setVariables(variables: Variables): void {
    Object.assign(this.state.variables, variables);
  }
}
