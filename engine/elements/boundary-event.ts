/** bpmn:BoundaryEvent with an error definition: entered when its activity's error is caught; passes on. */
import type { BoundaryEventElement } from '../model/executable';
import { leaveElement } from '../behaviors/state-transition';
import { neverWaits, nothingToWithdraw, type ElementProcessor } from './element-processor';

export const boundaryEventProcessor: ElementProcessor<BoundaryEventElement> = {
  async onActivate(ctx, element, instance) {
    leaveElement(ctx, instance, element.outgoing);
    return undefined;
  },
  onComplete: neverWaits,
  onTerminate: nothingToWithdraw,
};
