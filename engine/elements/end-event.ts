/** bpmn:EndEvent: none (the token ends) or error (throws its BPMN error to whoever catches it). */
import type { EndEventElement } from '../model/executable';
import { leaveElement } from '../behaviors/state-transition';
import { neverWaits, nothingToWithdraw, type ElementProcessor } from './element-processor';

export const endEventProcessor: ElementProcessor<EndEventElement> = {
  async onActivate(ctx, element, instance) {
    if (element.error) {
      ctx.work.push({
        kind: 'throw',
        elementInstanceKey: instance.key,
        errorCode: element.error.code,
        errorMessage: element.error.message,
        variables: {},
      });
      return undefined;
    }
    leaveElement(ctx, instance, element.outgoing);
    return undefined;
  },
  onComplete: neverWaits,
  onTerminate: nothingToWithdraw,
};
