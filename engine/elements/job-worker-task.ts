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
import { IncidentType, type Variables } from '../runtime/instance-state';
import type { ElementProcessor, Failure } from './element-processor';

export const jobWorkerTaskProcessor: ElementProcessor<JobWorkerElement> = {
  async onActivate(ctx, element, instance) {
    const inputs = await mapInputs(element.id, element.inputs, ctx.state.variables);
    if (!inputs.ok) return inputs.failure;
    const broken = contractFailure(element, 'input', inputs.variables);
    if (broken) return broken;
    createJob(ctx, element, instance, inputs.variables);
    return undefined;
  },

  async onComplete(ctx, element, instance, result) {
    const broken = contractFailure(element, 'result', result);
    if (broken) return broken;
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

/** An incident naming every field that breaks the template's input or result schema; undefined when it holds. */
function contractFailure(element: JobWorkerElement, which: 'input' | 'result', value: Variables): Failure | undefined {
  const check = which === 'input' ? element.inputContract : element.resultContract;
  const problems = check?.(value) ?? [];
  if (problems.length === 0) return undefined;
  const template = element.template ? `template '${element.template.id}' version ${element.template.version ?? '-'}` : 'its template';
  const what = which === 'input' ? `The mapped input of '${element.id}'` : `The answer to '${element.id}'`;
  const fix = which === 'input' ? 'fix the variables or the input mapping, then resolve the incident' : 'the service answered outside its contract: fix the service, then resolve the incident';
  return {
    type: IncidentType.CONTRACT_VIOLATION,
    message: `${what} breaks the ${which} schema of ${template}: ${problems.map((p) => p.message).join('; ')}; ${fix}`,
  };
}

/** errorExpression yields nothing for success, or `{ code, message }` (what `$bpmnError()` builds). */
function asBpmnError(value: unknown): { code: string; message?: string } | undefined {
  if (!isObject(value) || typeof value.code !== 'string' || value.code === '') return undefined;
  return { code: value.code, message: typeof value.message === 'string' ? value.message : undefined };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
