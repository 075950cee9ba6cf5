/**
 * Service task and send task (Zeebe treats both as job workers): map inputs, offer a job on the bus, and
 * when the answer comes back, check errorExpression, then map the result (resultVariable,
 * resultExpression, output mappings) and leave.
 */
import type { JobWorkerElement } from '../model/executable';
import { createJob, removeJob } from '../behaviors/job';
import { leaveElement } from '../behaviors/state-transition';
import { expressionFailure, mapInputs, mapOutputs } from '../behaviors/variable-mapping';
import { Intent } from '../runtime/intents';
import type { Variables } from '../runtime/instance-state';
import type { ElementProcessor } from './element-processor';

export const jobWorkerTaskProcessor: ElementProcessor<JobWorkerElement> = {
  async onActivate(ctx, element, instance) {
    const inputs = await mapInputs(element.id, element.inputs, ctx.state.variables);
    if (!inputs.ok) return inputs.failure;
    createJob(ctx, element, instance, inputs.variables);
    return undefined;
  },

  async onComplete(ctx, element, instance, result) {
    if (element.errorExpression) {
      let thrown: unknown;
      try {
        thrown = await element.errorExpression.evaluate(result);
      } catch (error) {
        return expressionFailure(`errorExpression of '${element.id}'`, error);
      }
      const error = asBpmnError(thrown);
      if (error) {
        ctx.work.push({ kind: 'throw', elementInstanceKey: instance.key, errorCode: error.code, errorMessage: error.message, variables: {} });
        return undefined;
      }
    }
    let produced: Variables = result;
    if (element.resultExpression) {
      try {
        const value = await element.resultExpression.evaluate(result);
        produced = isObject(value) ? value : {};
      } catch (error) {
        return expressionFailure(`resultExpression of '${element.id}'`, error);
      }
    }
    const writes: Variables = element.resultVariable ? { [element.resultVariable]: result } : {};
    if (element.resultExpression) Object.assign(writes, produced);
    if (element.outputs.length > 0 || (!element.resultVariable && !element.resultExpression)) {
      const outputs = await mapOutputs(element.id, element.outputs, result, ctx.state.variables);
      if (!outputs.ok) return outputs.failure;
      Object.assign(writes, outputs.variables);
    }
    ctx.setVariables(writes);
    if (Object.keys(writes).length > 0) ctx.record(Intent.VARIABLES_UPDATED, instance, { names: Object.keys(writes) });
    leaveElement(ctx, instance, element.outgoing);
    return undefined;
  },

  onTerminate(ctx, _element, instance) {
    const job = instance.jobKey ? ctx.state.jobs[instance.jobKey] : undefined;
    if (job) removeJob(ctx, job, Intent.JOB_CANCELED);
  },
};

/** errorExpression yields nothing for success, or `{ code, message }` (what `$bpmnError()` builds). */
function asBpmnError(value: unknown): { code: string; message?: string } | undefined {
  if (!isObject(value) || typeof value.code !== 'string' || value.code === '') return undefined;
  return { code: value.code, message: typeof value.message === 'string' ? value.message : undefined };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
