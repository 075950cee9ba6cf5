/** bpmn:ScriptTask with zeebe:script: evaluates a JSONata expression into resultVariable and leaves. */
import type { ScriptTaskElement } from '../model/executable';
import { leaveElement } from '../behaviors/state-transition';
import { expressionFailure, mapInputs, mapOutputs } from '../behaviors/variable-mapping';
import { neverWaits, nothingToWithdraw, type ElementProcessor } from './element-processor';

export const scriptTaskProcessor: ElementProcessor<ScriptTaskElement> = {
  async onActivate(ctx, element, instance) {
    const inputs = element.inputs.length > 0 ? await mapInputs(element.id, element.inputs, ctx.state.variables) : undefined;
    if (inputs && !inputs.ok) return inputs.failure;
    let value: unknown;
    try {
      value = await element.expression.evaluate({ ...ctx.state.variables, ...inputs?.variables });
    } catch (error) {
      return expressionFailure(`script of '${element.id}'`, error);
    }
    const result = { [element.resultVariable]: value ?? null };
    const outputs = element.outputs.length > 0 ? await mapOutputs(element.id, element.outputs, result, ctx.state.variables) : undefined;
    if (outputs && !outputs.ok) return outputs.failure;
    ctx.setVariables(outputs ? outputs.variables : result);
    leaveElement(ctx, instance, element.outgoing);
    return undefined;
  },
  onComplete: neverWaits,
  onTerminate: nothingToWithdraw,
};
