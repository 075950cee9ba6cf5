/**
 * bpmn:ExclusiveGateway: takes the first outgoing flow (in document order) whose JSONata condition is
 * true, else the default flow; with neither, an incident. A flow without a condition always matches.
 */
import type { ExclusiveGatewayElement } from '../model/executable';
import { leaveElement } from '../behaviors/state-transition';
import { expressionFailure } from '../behaviors/variable-mapping';
import { IncidentType } from '../runtime/instance-state';
import { neverWaits, nothingToWithdraw, type ElementProcessor } from './element-processor';

export const exclusiveGatewayProcessor: ElementProcessor<ExclusiveGatewayElement> = {
  async onActivate(ctx, element, instance) {
    for (const flow of element.outgoing) {
      if (flow.id === element.defaultFlowId) continue;
      if (!flow.condition) {
        leaveElement(ctx, instance, [flow]);
        return undefined;
      }
      let matches: unknown;
      try {
        matches = await flow.condition.evaluate(ctx.state.variables);
      } catch (error) {
        return expressionFailure(`condition of flow '${flow.id}'`, error);
      }
      if (matches === true) {
        leaveElement(ctx, instance, [flow]);
        return undefined;
      }
    }
    const fallback = element.outgoing.find((flow) => flow.id === element.defaultFlowId);
    if (fallback) {
      leaveElement(ctx, instance, [fallback]);
      return undefined;
    }
    return {
      type: IncidentType.CONDITION,
      message: `No condition of exclusive gateway '${element.id}' was true and it has no default flow; set the variables the conditions read and resolve the incident`,
    };
  },
  onComplete: neverWaits,
  onTerminate: nothingToWithdraw,
};
