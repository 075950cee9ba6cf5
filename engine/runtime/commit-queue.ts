/**
 * Group commit. Steps hand in their output (instance snapshot, history, outbox messages) and wait; while
 * one transaction is being written the next batch gathers, so under load many steps share one commit.
 * After a commit the outbox entries go to the publisher; ids it has published are deleted with the next
 * commit (or by an idle flush), so a crash re-sends at most what was in flight.
 */
import type { Logger } from '../logger';
import type { CommitBatch, OutboxEntry, OutboxMessage, Store } from '../store/store';
import type { HistoryRecord, InstanceState } from './instance-state';
import { newRootKey } from './keys';

interface PendingStep {
  /** The live state until a later step is about to change it (see `beforeChange`), then a top-level copy
   *  (its columns) with `document`, the state's JSON at that moment. */
  instance: InstanceState;
  document?: string;
  history: HistoryRecord[];
  outbox: OutboxEntry[];
  /** Called with the state's JSON as written. */
  done: (document: string) => void;
  failed: (error: unknown) => void;
}

export interface CommitQueueOptions {
  /** Most steps in one transaction. */
  maxBatch: number;
  /** How long published outbox ids may wait for a commit to carry their deletion. */
  idleFlushMs: number;
}

export class CommitQueue {
  private pending: PendingStep[] = [];
  private lastSubmitted: Promise<void> = Promise.resolve();
  /** Submitted steps not yet taken into a commit whose `instance` is still the live state, by instance key. */
  private readonly live = new Map<string, PendingStep>();
  private published: string[] = [];
  private flushing: Promise<void> | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Commits failed in a row, and the timer of the next try (test/reliability/regressions/commit-retry-spin.test.ts). */
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly onCommitted: (entries: OutboxEntry[]) => void,
    private readonly logger: Logger,
    private readonly options: CommitQueueOptions = { maxBatch: 1000, idleFlushMs: 200 },
  ) {}

  /**
   * Resolves once the step is durable. The state is not copied now: the commit serialises it when it is
   * written, unless a later step is about to change it first, which must call `beforeChange` (copy on
   * write), so later steps cannot leak into this one. Most steps are written before their instance changes
   * again (the next step waits for an answer to a job this commit publishes), so most are never copied.
   */
  submit(instance: InstanceState, history: HistoryRecord[], messages: OutboxMessage[]): Promise<string> {
    if (this.stopped) return Promise.reject(new Error('the engine is stopping'));
    const outbox = messages.map((message) => ({ id: newRootKey(), message }));
    const written = new Promise<string>((done, failed) => {
      const step: PendingStep = { instance, history, outbox, done, failed };
      this.live.set(instance.key, step);
      this.pending.push(step);
      this.schedule();
    });
    this.lastSubmitted = written.then(
      () => undefined,
      () => undefined,
    );
    return written;
  }

  /** Resolves once every step submitted so far is written (or failed): steps are written in order. */
  settled(): Promise<void> {
    return this.lastSubmitted;
  }

  /** A step is about to change the instance: a submitted step of it not yet written keeps a copy of its state
   *  (its JSON, which the commit needs anyway, and a top-level copy for the columns). */
  beforeChange(instanceKey: string): void {
    const step = this.live.get(instanceKey);
    if (!step) return;
    this.live.delete(instanceKey);
    step.document = JSON.stringify(step.instance);
    step.instance = { ...step.instance, incidents: { ...step.instance.incidents } };
  }

  markPublished(ids: string[]): void {
    this.published.push(...ids);
    if (!this.idleTimer && !this.stopped) {
      this.idleTimer = setTimeout(() => {
        this.idleTimer = undefined;
        this.schedule();
      }, this.options.idleFlushMs);
      this.idleTimer.unref();
    }
  }

  /** Writes everything pending; used at stop. */
  async flush(): Promise<void> {
    while (this.flushing || this.pending.length > 0 || this.published.length > 0) {
      if (!this.flushing) {
        if (this.failures > 0) await new Promise((resolve) => setTimeout(resolve, 100)); // the store is away
        this.schedule();
      }
      await this.flushing;
    }
  }

  async stop(): Promise<void> {
    await this.flush();
    this.stopped = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  private schedule(): void {
    if (this.flushing) return;
    this.flushing = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.writeAll());
  }

  private async writeAll(): Promise<void> {
    try {
      while (this.pending.length > 0 || this.published.length > 0) {
        const steps = this.pending.splice(0, this.options.maxBatch);
        const published = this.published.splice(0);
        if (!(await this.write(steps, published))) {
          // The store is away. A failing commit returns fast, so trying again at once (the published ids
          // are still to delete) would spin, starving the event loop and hammering the database: back off.
          this.retryLater();
          return;
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private retryLater(): void {
    if (this.retryTimer || this.stopped) return;
    const delay = Math.min(5_000, 50 * 2 ** Math.min(this.failures - 1, 10));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.schedule();
    }, delay);
    this.retryTimer.unref();
  }

  /** Writes one batch; false when the store failed it (the steps are failed, the published ids kept). */
  private async write(steps: PendingStep[], published: string[]): Promise<boolean> {
    const latest = new Map<string, PendingStep>();
    for (const step of steps) {
      latest.set(step.instance.key, step);
      if (this.live.get(step.instance.key) === step) this.live.delete(step.instance.key);
    }
    // Serialised here, synchronously: a live state may change again once this method awaits. The instances
    // handed over are top-level copies, so the columns the stores read from them are fixed now too.
    const instances: InstanceState[] = [];
    const documents: string[] = [];
    for (const step of latest.values()) {
      step.document ??= JSON.stringify(step.instance);
      instances.push({ ...step.instance, incidents: { ...step.instance.incidents } });
      documents.push(step.document);
    }
    const batch: CommitBatch = {
      instances,
      documents,
      history: steps.flatMap((step) => step.history),
      outbox: steps.flatMap((step) => step.outbox),
      published,
    };
    try {
      await this.store.commit(batch);
    } catch (error) {
      this.logger.error({ err: error, steps: steps.length }, 'commit failed; the steps are not applied');
      this.published.unshift(...published);
      this.failures += 1;
      for (const step of steps) step.failed(error);
      return false;
    }
    this.failures = 0;
    for (const step of steps) step.done(step.document ?? JSON.stringify(step.instance));
    if (batch.outbox.length > 0) this.onCommitted(batch.outbox);
    return true;
  }
}
