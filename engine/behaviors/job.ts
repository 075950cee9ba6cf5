/**
 * Jobs: created when a job-worker task is entered, offered on the bus through the outbox, offered again
 * after a back-off or a timeout, withdrawn when the task is left another way.
 */
import type { JobWorkerElement } from '../model/executable';
import { Header, PROTOCOL_VERSION, type BusHeaders, type JobMessage } from '../bus/protocol';
import type { InstanceContext } from '../runtime/instance-context';
import { JobState, type ElementInstance, type JobRecord, type Variables } from '../runtime/instance-state';
import { Intent } from '../runtime/intents';
import { randomHex } from '../runtime/keys';

export function createJob(ctx: InstanceContext, element: JobWorkerElement, instance: ElementInstance, variables: Variables): JobRecord {
  const job: JobRecord = {
    key: ctx.nextKey(),
    elementInstanceKey: instance.key,
    elementId: element.id,
    type: element.taskType,
    state: JobState.ACTIVATABLE,
    retries: element.retries,
    attempt: 0,
    deadline: 0,
    variables,
    headers: { ...element.headers },
  };
  ctx.state.jobs[job.key] = job;
  instance.jobKey = job.key;
  ctx.record(Intent.JOB_CREATED, instance, { jobKey: job.key, type: job.type, retries: job.retries });
  offerJob(ctx, job, element.jobTimeoutMs);
  return job;
}

/** Puts the job (again) on the bus: a new attempt, a new deadline, a timer to watch it. */
export function offerJob(ctx: InstanceContext, job: JobRecord, jobTimeoutMs: number): void {
  job.state = JobState.ACTIVATABLE;
  job.attempt += 1;
  job.deadline = ctx.now + jobTimeoutMs;
  delete job.retryAt;
  const message: JobMessage = {
    protocol: PROTOCOL_VERSION,
    jobKey: job.key,
    type: job.type,
    processInstanceKey: ctx.state.key,
    elementInstanceKey: job.elementInstanceKey,
    elementId: job.elementId,
    bpmnProcessId: ctx.state.bpmnProcessId,
    processDefinitionKey: ctx.state.definitionKey,
    retries: job.retries,
    deadline: job.deadline,
    customHeaders: job.headers,
    variables: job.variables,
  };
  ctx.outbox.push({ kind: 'job', job: message, attempt: job.attempt, headers: jobHeaders(ctx) });
  ctx.timers.push({ jobKey: job.key, dueAt: job.deadline });
}

/** A failed job with retries left waits out its back-off before it is offered again. */
export function backOff(ctx: InstanceContext, job: JobRecord, backoffMs: number): void {
  job.state = JobState.BACKING_OFF;
  job.retryAt = ctx.now + backoffMs;
  ctx.timers.push({ jobKey: job.key, dueAt: job.retryAt });
}

export function removeJob(ctx: InstanceContext, job: JobRecord, intent: typeof Intent.JOB_COMPLETED | typeof Intent.JOB_CANCELED): void {
  delete ctx.state.jobs[job.key];
  const instance = ctx.state.elements[job.elementInstanceKey];
  if (instance) delete instance.jobKey;
  ctx.canceledTimers.push(job.key);
  ctx.record(intent, { key: job.elementInstanceKey, elementId: job.elementId }, { jobKey: job.key });
}

/** The instance's correlation headers and a traceparent: one trace per instance, one span per offer. */
function jobHeaders(ctx: InstanceContext): BusHeaders {
  return {
    ...ctx.state.headers,
    [Header.TRACEPARENT]: `00-${ctx.state.traceId}-${randomHex(8)}-01`,
  };
}
