/**
 * bpmn:ParallelGateway: a join waits for a token on every incoming flow, then forks one token down every
 * outgoing flow. Waiting tokens are counted per incoming flow, so loops that re-enter a join work.
 */
import type { ParallelGatewayElement } from '../model/executable';
import { leaveElement } from '../behaviors/state-transition';
import { Intent } from '../runtime/intents';
import { neverWaits, nothingToWithdraw, type ElementProcessor } from './element-processor';

export const parallelGatewayProcessor: ElementProcessor<ParallelGatewayElement> = {
  onArrive(ctx, element, flowId) {
    if (element.incoming.length <= 1 || !flowId) return true;
    const waiting = (ctx.state.joins[element.id] ??= {});
    waiting[flowId] = (waiting[flowId] ?? 0) + 1;
    if (!element.incoming.every((id) => (waiting[id] ?? 0) > 0)) {
      ctx.record(Intent.JOIN_WAITING, { key: '', elementId: element.id }, { flowId });
      return false;
    }
    for (const id of element.incoming) {
      waiting[id] -= 1;
      if (waiting[id] === 0) delete waiting[id];
    }
    if (Object.keys(waiting).length === 0) delete ctx.state.joins[element.id];
    return true;
  },
  async onActivate(ctx, element, instance) {
    leaveElement(ctx, instance, element.outgoing);
    return undefined;
  },
  onComplete: neverWaits,
  onTerminate: nothingToWithdraw,
};
