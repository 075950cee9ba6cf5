/**
 * The engine: owns the active instances, runs every change of one instance as a serial step, commits each
 * step's state, history and outbox together (group commit), and takes answers from the bus.
 */
import type { TemplateCatalog } from '../../catalog/catalog';
import type { Bus, Subscription } from '../bus/bus';
import { validateAnswer } from '../bus/answer-schema';
import { AnswerKind, EngineEventKind, PROTOCOL_VERSION, type BusHeaders, type JobAnswer } from '../bus/protocol';
import { backOff, offerJob, removeJob } from '../behaviors/job';
import { clearIncident, raiseIncident } from '../behaviors/incident';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import type { Logger } from '../logger';
import { ElementKind, type JobWorkerElement } from '../model/executable';
import type { InstanceFilter, InstanceSummary, Store } from '../store/store';
import { CommitQueue } from './commit-queue';
import { DefinitionRegistry, type DeployResult } from './definition-registry';
import { DEFAULT_MAX_VARIABLES_BYTES, InstanceContext, variablesLimitMessage } from './instance-context';
import { jsonBytes } from '../mapping/jsonata-guard';
import {
  IncidentType,
  InstanceStatus,
  JobState,
  type HistoryRecord,
  type IncidentRecord,
  type InstanceState,
  type UserTaskRecord,
  type Variables,
} from './instance-state';
import { Intent } from './intents';
import { JobTimers } from './job-timers';
import { instanceKeyOf, newRootKey, randomHex } from './keys';
import { OutboxPublisher } from './outbox-publisher';
import { drain, runActivation, terminate } from './step-processor';

export interface EngineOptions {
  store: Store;
  bus: Bus;
  catalog: TemplateCatalog;
  logger: Logger;
  /** Publish element entered/left events too (instance events are always published). */
  elementEvents?: boolean;
  /** Answers handled at once. */
  answerConcurrency?: number;
  /** Most bytes of JSON an instance's variables may take (default 1 MiB, BATON_MAX_VARIABLES_BYTES). */
  maxVariablesBytes?: number;
}

export interface StartInstanceRequest {
  definitionKey?: string;
  bpmnProcessId?: string;
  version?: number;
  variables?: Variables;
  /** Correlation headers every job of the instance carries (and every answer echoes). */
  headers?: Record<string, string>;
}

/** An instance that ended (completed or canceled), told to `onInstanceEnded` listeners once its end is committed. */
export interface InstanceEnded {
  key: string;
  bpmnProcessId: string;
  status: Exclude<InstanceStatus, typeof InstanceStatus.ACTIVE>;
  startedAt: number;
  endedAt: number;
}

/** A record of an instance, with the instance it belongs to. */
export type Located<R> = R & { processInstanceKey: string; bpmnProcessId: string };

export type InstanceEndedListener = (ended: InstanceEnded) => void;

export class Engine {
  readonly definitions: DefinitionRegistry;
  private readonly instances = new Map<string, InstanceState>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly commits: CommitQueue;
  private readonly publisher: OutboxPublisher;
  private readonly timers: JobTimers;
  private answers: Subscription | undefined;
  private stopping = false;
  private readonly logger: Logger;
  private readonly endedListeners = new Set<InstanceEndedListener>();

  private constructor(private readonly options: EngineOptions) {
    this.logger = options.logger;
    this.definitions = new DefinitionRegistry(options.store, options.catalog);
    this.publisher = new OutboxPublisher(options.bus, (ids) => this.commits.markPublished(ids), this.logger);
    this.commits = new CommitQueue(options.store, (entries) => this.publisher.publish(entries), this.logger);
    this.timers = new JobTimers((jobKey) => void this.onJobTimer(jobKey));
  }

  /** Loads definitions and active instances, re-arms job timers, re-sends the outbox, takes answers. */
  static async start(options: EngineOptions): Promise<Engine> {
    const engine = new Engine(options);
    await engine.recover();
    engine.answers = await options.bus.consumeAnswers((answer, headers) => engine.onAnswer(answer, headers), {
      concurrency: options.answerConcurrency ?? 256,
    });
    return engine;
  }

  /** Stops taking answers, finishes the steps in flight and writes what they produced. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.answers?.stop();
    this.timers.stop();
    while (this.queues.size > 0) await Promise.allSettled([...this.queues.values()]);
    await this.commits.flush();
    await this.publisher.stop();
    await this.commits.stop();
  }

  private async recover(): Promise<void> {
    await this.definitions.load();
    const active = await this.options.store.loadActiveInstances();
    for (const state of active) {
      this.instances.set(state.key, state);
      for (const job of Object.values(state.jobs)) {
        if (job.state === JobState.ACTIVATABLE) this.timers.arm(job.key, job.deadline);
        if (job.state === JobState.BACKING_OFF && job.retryAt !== undefined) this.timers.arm(job.key, job.retryAt);
      }
    }
    const pending = await this.options.store.pendingOutbox();
    if (pending.length > 0) this.publisher.publish(pending);
    this.logger.info({ instances: active.length, outbox: pending.length }, 'engine recovered');
  }

  // ---- deploy and definitions

  deploy(xml: string, resourceName: string): Promise<DeployResult> {
    return this.definitions.deploy(xml, resourceName);
  }

  // ---- instances

  async startInstance(request: StartInstanceRequest): Promise<InstanceState> {
    this.assertVariablesFit({}, request.variables ?? {});
    const definition = this.definitions.find(request);
    const process = await this.definitions.process(definition.key);
    const state: InstanceState = {
      key: newRootKey(),
      definitionKey: definition.key,
      bpmnProcessId: definition.bpmnProcessId,
      version: definition.version,
      status: InstanceStatus.ACTIVE,
      startedAt: Date.now(),
      variables: { ...request.variables },
      headers: { ...request.headers },
      traceId: randomHex(16),
      elements: {},
      joins: {},
      jobs: {},
      userTasks: {},
      incidents: {},
      nextSeq: 1,
      nextPosition: 1,
    };
    this.instances.set(state.key, state);
    const committed = await this.step(state.key, async (ctx) => {
      ctx.record(Intent.INSTANCE_CREATED, undefined, { definitionKey: definition.key, version: definition.version });
      ctx.emit(EngineEventKind.INSTANCE_STARTED, { definitionKey: definition.key, version: definition.version });
      ctx.work.push({ kind: 'activate', elementId: process.startEventId });
    });
    // The state as the first step committed it: its JSON exists already, parsing it is the cheapest copy.
    return committed !== undefined ? (JSON.parse(committed) as InstanceState) : structuredClone(state);
  }

  async cancelInstance(key: string): Promise<void> {
    await this.step(key, async (ctx) => {
      for (const instance of Object.values(ctx.state.elements)) terminate(ctx, instance, 'instance canceled');
      ctx.state.joins = {};
      ctx.state.status = InstanceStatus.CANCELED;
      ctx.state.endedAt = ctx.now;
      ctx.record(Intent.INSTANCE_CANCELED);
      ctx.emit(EngineEventKind.INSTANCE_CANCELED);
    });
  }

  /** Sets process variables (for instance to let a failed condition pass before resolving). */
  async setVariables(key: string, variables: Variables): Promise<void> {
    await this.step(key, async (ctx) => {
      this.assertVariablesFit(ctx.state.variables, variables);
      ctx.setVariables(variables);
      ctx.record(Intent.VARIABLES_UPDATED, undefined, { names: Object.keys(variables) });
    });
  }

  async getInstance(key: string): Promise<InstanceState> {
    const live = this.instances.get(key);
    if (live) return structuredClone(live);
    const stored = await this.options.store.getInstance(key);
    if (!stored) throw new NotFoundError('Process instance', key);
    return stored;
  }

  listInstances(filter: InstanceFilter): Promise<InstanceSummary[]> {
    return this.options.store.listInstances(filter);
  }

  async history(key: string): Promise<HistoryRecord[]> {
    await this.getInstance(key);
    // Read your writes: what getInstance, listUserTasks or listIncidents show (live state) is in the history.
    await this.commits.settled();
    return this.options.store.history(key);
  }

  // ---- user tasks

  listUserTasks(filter: { processInstanceKey?: string } = {}): Located<UserTaskRecord>[] {
    return this.collect((state) => state.userTasks, filter);
  }

  async completeUserTask(key: string, variables: Variables = {}): Promise<void> {
    await this.step(instanceKeyOf(key), async (ctx) => {
      const task = ctx.state.userTasks[key];
      if (!task) throw new NotFoundError('User task', key);
      this.assertVariablesFit(ctx.state.variables, variables);
      ctx.work.push({ kind: 'complete', elementInstanceKey: task.elementInstanceKey, result: variables });
    }, 'User task');
  }

  // ---- incidents

  listIncidents(filter: { processInstanceKey?: string } = {}): Located<IncidentRecord>[] {
    return this.collect((state) => state.incidents, filter);
  }

  /** Copies of the records `pick` names in the active instances (one instance when the filter names it),
   *  oldest first, each with its instance. */
  private collect<R extends { createdAt: number }>(
    pick: (state: InstanceState) => Record<string, R>,
    filter: { processInstanceKey?: string },
  ): Located<R>[] {
    const one = filter.processInstanceKey === undefined ? undefined : this.instances.get(filter.processInstanceKey);
    const states = filter.processInstanceKey === undefined ? [...this.instances.values()] : one ? [one] : [];
    const records = states.flatMap((state) =>
      Object.values(pick(state)).map((record) => ({ ...structuredClone(record), processInstanceKey: state.key, bpmnProcessId: state.bpmnProcessId })),
    );
    return records.sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Resolves an incident by running again what failed; a job with no retries gets `retries` (default:
   *  the task's retry count). */
  async resolveIncident(key: string, options: { retries?: number } = {}): Promise<void> {
    await this.step(instanceKeyOf(key), async (ctx) => {
      const incident = ctx.state.incidents[key];
      if (!incident) throw new NotFoundError('Incident', key);
      const instance = ctx.state.elements[incident.elementInstanceKey];
      clearIncident(ctx, incident);
      if (!instance) return;
      const element = ctx.element(instance.elementId);
      if (incident.resume === 'complete') {
        ctx.work.push({ kind: 'complete', elementInstanceKey: instance.key, result: incident.result ?? {} });
      } else if (incident.resume === 'job') {
        const job = incident.jobKey ? ctx.state.jobs[incident.jobKey] : undefined;
        if (!job || (element.kind !== ElementKind.SERVICE_TASK && element.kind !== ElementKind.SEND_TASK)) return;
        job.retries = options.retries ?? element.retries;
        ctx.record(Intent.JOB_RETRIED, instance, { jobKey: job.key, retries: job.retries });
        offerJob(ctx, job, element.jobTimeoutMs);
      } else {
        await runActivation(ctx, element, instance);
      }
    }, 'Incident');
  }

  // ---- answers and timers

  private async onAnswer(payload: JobAnswer, headers: BusHeaders): Promise<void> {
    if (!validateAnswer(payload)) {
      this.logger.warn({ errors: validateAnswer.errors, headers }, 'malformed answer dropped');
      return;
    }
    await this.applyAnswer(payload);
  }

  /** Applies an answer exactly once: only a job that is still waiting for one takes it. */
  async applyAnswer(answer: JobAnswer): Promise<void> {
    const instanceKey = instanceKeyOf(answer.jobKey);
    if (!this.instances.has(instanceKey)) {
      // Not in memory: ended (drop the answer), or being reloaded after a failed step (hand it back to the
      // bus, it comes again). A store that cannot answer rejects too, so the bus redelivers.
      const stored = await this.options.store.getInstance(instanceKey);
      if (stored?.status === InstanceStatus.ACTIVE) throw new Error(`instance ${instanceKey} is being reloaded; the answer to job ${answer.jobKey} is taken later`);
      this.logger.info({ jobKey: answer.jobKey, kind: answer.kind }, 'answer for a job of no active instance dropped');
      return;
    }
    await this.step(instanceKey, async (ctx) => {
      const job = ctx.state.jobs[answer.jobKey];
      if (!job || job.state !== JobState.ACTIVATABLE) {
        this.logger.info({ jobKey: answer.jobKey, kind: answer.kind }, 'answer for a job that is not waiting for one dropped');
        return;
      }
      const instance = ctx.state.elements[job.elementInstanceKey];
      const element = ctx.element(job.elementId) as JobWorkerElement;
      const answered = answer.kind === AnswerKind.FAIL ? undefined : answer.variables;
      const bytes = answered ? jsonBytes(answered, this.maxVariablesBytes) : 0;
      if (bytes > this.maxVariablesBytes && instance) {
        // Too large to keep, even on an incident: the job is failed; resolving the incident offers it again.
        job.state = JobState.FAILED;
        job.errorMessage = `answer too large`;
        ctx.canceledTimers.push(job.key);
        ctx.record(Intent.JOB_FAILED, instance, { jobKey: job.key, retries: job.retries, errorMessage: job.errorMessage });
        raiseIncident(ctx, instance, { type: IncidentType.VARIABLES_LIMIT, message: `The ${answer.kind} answer to the job of '${job.elementId}' carries variables of ${variablesLimitMessage(bytes, this.maxVariablesBytes).replace(/^The process variables would take /, '')}` }, 'job', { jobKey: job.key });
        return;
      }
      switch (answer.kind) {
        case AnswerKind.COMPLETE:
          removeJob(ctx, job, Intent.JOB_COMPLETED);
          ctx.work.push({ kind: 'complete', elementInstanceKey: job.elementInstanceKey, result: { ...answer.variables } });
          break;
        case AnswerKind.ERROR:
          removeJob(ctx, job, Intent.JOB_COMPLETED);
          ctx.work.push({
            kind: 'throw',
            elementInstanceKey: job.elementInstanceKey,
            errorCode: answer.errorCode,
            errorMessage: answer.errorMessage,
            variables: { ...answer.variables },
          });
          break;
        case AnswerKind.FAIL:
          job.retries = Math.max(0, answer.retries);
          job.errorMessage = answer.errorMessage;
          ctx.record(Intent.JOB_FAILED, instance, { jobKey: job.key, retries: job.retries, errorMessage: answer.errorMessage });
          ctx.canceledTimers.push(job.key);
          if (job.retries > 0) {
            backOff(ctx, job, answer.retryBackoffMs ?? element.retryBackoffMs);
          } else if (instance) {
            job.state = JobState.FAILED;
            raiseIncident(ctx, instance, { type: IncidentType.JOB_NO_RETRIES, message: `Job of '${job.elementId}' failed with no retries left: ${answer.errorMessage}` }, 'job', { jobKey: job.key });
          }
          break;
      }
    });
  }

  /** A job's timeout passed (offer it again) or its back-off ended (offer it again). */
  private async onJobTimer(jobKey: string): Promise<void> {
    const instanceKey = instanceKeyOf(jobKey);
    if (!this.instances.has(instanceKey)) return;
    try {
      await this.step(instanceKey, async (ctx) => {
        const job = ctx.state.jobs[jobKey];
        if (!job) return;
        const element = ctx.element(job.elementId) as JobWorkerElement;
        const instance = ctx.state.elements[job.elementInstanceKey];
        if (job.state === JobState.ACTIVATABLE && ctx.now >= job.deadline) {
          ctx.record(Intent.JOB_TIMED_OUT, instance, { jobKey, attempt: job.attempt });
          offerJob(ctx, job, element.jobTimeoutMs);
        } else if (job.state === JobState.BACKING_OFF && job.retryAt !== undefined && ctx.now >= job.retryAt) {
          ctx.record(Intent.JOB_RETRIED, instance, { jobKey, retries: job.retries });
          offerJob(ctx, job, element.jobTimeoutMs);
        }
      });
    } catch (error) {
      this.logger.error({ err: error, jobKey }, 'job timer step failed');
    }
  }

  /** Calls `listener` in this process whenever an instance ends here, after its end is committed. Returns
   *  a function that removes the listener. */
  onInstanceEnded(listener: InstanceEndedListener): () => void {
    this.endedListeners.add(listener);
    return () => this.endedListeners.delete(listener);
  }

  private tellEnded(state: InstanceState): void {
    if (state.status === InstanceStatus.ACTIVE) return;
    const ended: InstanceEnded = { key: state.key, bpmnProcessId: state.bpmnProcessId, status: state.status, startedAt: state.startedAt, endedAt: state.endedAt ?? Date.now() };
    for (const listener of this.endedListeners) {
      try {
        listener(ended);
      } catch (error) {
        this.logger.warn({ err: error, instanceKey: state.key }, 'an instance-ended listener threw');
      }
    }
  }

  // ---- the step: one serial change of one instance

  /**
   * Runs `change` on the instance, drains the work it queued, and commits the result. Steps of one instance
   * run one after another; the next may start while this one's commit is being written (group commit).
   */
  /** Resolves with the state's JSON as the step committed it (undefined when the step changed nothing). */
  private async step(key: string, change: (ctx: InstanceContext) => Promise<void>, what = 'Process instance'): Promise<string | undefined> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    let release!: () => void;
    const turn = new Promise<void>((resolve) => (release = resolve));
    const queued = previous.then(() => turn);
    this.queues.set(key, queued);
    let committed: Promise<string> | undefined;
    let ended: InstanceState | undefined;
    try {
      await previous;
      const state = this.instances.get(key);
      if (!state) {
        const stored = await this.options.store.getInstance(key);
        if (stored) throw new ConflictError(`Process instance '${key}' is ${stored.status.toLowerCase()}`);
        throw new NotFoundError(what, key);
      }
      const ctx = new InstanceContext(state, await this.definitions.process(state.definitionKey));
      ctx.maxVariablesBytes = this.maxVariablesBytes;
      this.commits.beforeChange(key);
      try {
        await change(ctx);
        await drain(ctx);
      } catch (error) {
        if (ctx.history.length > 0) this.evict(key, error);
        throw error;
      }
      if (ctx.history.length === 0) return undefined;
      committed = this.commits.submit(state, ctx.history, ctx.outbox);
      for (const jobKey of ctx.canceledTimers) this.timers.cancel(jobKey);
      for (const timer of ctx.timers) this.timers.arm(timer.jobKey, timer.dueAt);
      if (state.status !== InstanceStatus.ACTIVE) {
        this.instances.delete(key);
        if (this.endedListeners.size > 0) ended = state;
      }
      if (this.options.elementEvents) this.publishElementEvents(ctx);
    } finally {
      release();
      if (this.queues.get(key) === queued) this.queues.delete(key);
    }
    let document: string | undefined;
    try {
      document = await committed;
    } catch (error) {
      this.evict(key, error);
      throw error;
    }
    if (ended) this.tellEnded(ended);
    return document;
  }

  private get maxVariablesBytes(): number {
    return this.options.maxVariablesBytes ?? DEFAULT_MAX_VARIABLES_BYTES;
  }

  /** A request's variables (merged into `current`) must fit the limit: 400 otherwise, nothing changed. */
  private assertVariablesFit(current: Variables, variables: Variables): void {
    const bytes = jsonBytes({ ...current, ...variables }, this.maxVariablesBytes);
    if (bytes > this.maxVariablesBytes) {
      const message = variablesLimitMessage(bytes, this.maxVariablesBytes);
      throw new ValidationError(message, [{ code: 'VARIABLES_TOO_LARGE', message, pointer: '/variables' }]);
    }
  }

  /** A step failed half-way (a bug or a failed commit): forget the in-memory state, reload it from the store. */
  private evict(key: string, error: unknown): void {
    this.logger.error({ err: error, instanceKey: key }, 'step failed; reloading the instance from the store');
    this.instances.delete(key);
    void this.reload(key);
  }

  /** Reads an evicted instance back, retrying while the store is away, and re-arms its job timers. */
  private async reload(key: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const stored = await this.options.store.getInstance(key);
        if (stored && stored.status === InstanceStatus.ACTIVE && !this.instances.has(key)) {
          this.instances.set(key, stored);
          this.armTimers(stored);
        }
        return;
      } catch (error) {
        if (this.stopping) return;
        const delay = Math.min(5_000, 100 * 2 ** Math.min(attempt, 6));
        this.logger.warn({ err: error, instanceKey: key, retryInMs: delay }, 'reloading an instance failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private armTimers(state: InstanceState): void {
    for (const job of Object.values(state.jobs)) {
      if (job.state === JobState.ACTIVATABLE) this.timers.arm(job.key, job.deadline);
      if (job.state === JobState.BACKING_OFF && job.retryAt !== undefined) this.timers.arm(job.key, job.retryAt);
    }
  }

  private publishElementEvents(ctx: InstanceContext): void {
    for (const event of ctx.elementEvents) {
      void this.options.bus
        .publishEvent({
          protocol: PROTOCOL_VERSION,
          kind: event.kind,
          time: ctx.now,
          processInstanceKey: ctx.state.key,
          bpmnProcessId: ctx.state.bpmnProcessId,
          elementId: event.elementId,
          elementInstanceKey: event.elementInstanceKey,
        })
        .catch(() => undefined);
    }
  }
}
