/**
 * The one contract of every BPMN element kind (after Zeebe's BpmnElementProcessor). Processors decide;
 * behaviours (engine/behaviors) act. Expected failures come back as values and the dispatcher turns them
 * into incidents; only bugs throw.
 */
import type { ExecutableElement } from '../model/executable';
import type { InstanceContext } from '../runtime/instance-context';
import type { ElementInstance, IncidentType, Variables } from '../runtime/instance-state';

export interface Failure {
  type: IncidentType;
  message: string;
}

export type StepResult = Failure | undefined;

export interface ElementProcessor<E extends ExecutableElement> {
  /** A token arrived over `flowId`. Return false to hold it (a parallel join still waiting). */
  onArrive?(ctx: InstanceContext, element: E, flowId: string | undefined): boolean;
  /** The element was entered. Leave at once, or wait for an answer (job, user task). */
  onActivate(ctx: InstanceContext, element: E, instance: ElementInstance): Promise<StepResult>;
  /** The awaited answer arrived with `result`: map it and leave. */
  onComplete(ctx: InstanceContext, element: E, instance: ElementInstance, result: Variables): Promise<StepResult>;
  /** The element is left without completing (caught error, cancel): withdraw what it waits for. */
  onTerminate(ctx: InstanceContext, element: E, instance: ElementInstance): void;
}

/** For elements that never wait: completing them from outside is a bug. */
export async function neverWaits(): Promise<StepResult> {
  throw new Error('bug: this element does not wait, so it cannot be completed from outside');
}

export function nothingToWithdraw(): void {}
