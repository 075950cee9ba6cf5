/** bpmn:StartEvent (none): the instance's first token passes straight through. */
import type { StartEventElement } from '../model/executable';
import { leaveElement } from '../behaviors/state-transition';
import { neverWaits, nothingToWithdraw, type ElementProcessor } from './element-processor';

export const startEventProcessor: ElementProcessor<StartEventElement> = {
  async onActivate(ctx, element, instance) {
    leaveElement(ctx, instance, element.outgoing);
    return undefined;
  },
  onComplete: neverWaits,
  onTerminate: nothingToWithdraw,
};
