/** Entering and leaving elements: the element instance set, the history and the follow-up work. */
import type { ExecutableElement, SequenceFlow } from '../model/executable';
import { EngineEventKind } from '../bus/protocol';
import type { InstanceContext } from '../runtime/instance-context';
import { ElementState, type ElementInstance } from '../runtime/instance-state';
import { Intent } from '../runtime/intents';

export function enterElement(ctx: InstanceContext, element: ExecutableElement, flowId?: string): ElementInstance {
  const instance: ElementInstance = {
    key: ctx.nextKey(),
    elementId: element.id,
    state: ElementState.ACTIVE,
    activatedAt: ctx.now,
  };
  ctx.state.elements[instance.key] = instance;
  ctx.record(Intent.ELEMENT_ACTIVATED, instance, flowId ? { flowId, kind: element.kind } : { kind: element.kind });
  ctx.elementEvents.push({ kind: EngineEventKind.ELEMENT_ENTERED, elementId: element.id, elementInstanceKey: instance.key });
  return instance;
}

/** Completes the element instance and sends a token down each of `flows`. */
export function leaveElement(ctx: InstanceContext, instance: ElementInstance, flows: readonly SequenceFlow[]): void {
  delete ctx.state.elements[instance.key];
  ctx.record(Intent.ELEMENT_COMPLETED, instance);
  ctx.elementEvents.push({ kind: EngineEventKind.ELEMENT_LEFT, elementId: instance.elementId, elementInstanceKey: instance.key });
  for (const flow of flows) {
    ctx.record(Intent.SEQUENCE_FLOW_TAKEN, { key: instance.key, elementId: flow.id }, { from: flow.sourceId, to: flow.targetId });
    ctx.work.push({ kind: 'activate', elementId: flow.targetId, flowId: flow.id });
  }
}

/** Removes the element instance without completing it (the processor has withdrawn its job or task). */
export function dropElement(ctx: InstanceContext, instance: ElementInstance, reason: string): void {
  delete ctx.state.elements[instance.key];
  ctx.record(Intent.ELEMENT_TERMINATED, instance, { reason });
  ctx.elementEvents.push({ kind: EngineEventKind.ELEMENT_LEFT, elementId: instance.elementId, elementInstanceKey: instance.key });
}
