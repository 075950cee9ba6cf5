/**
 * The embedded transport: the same contract as NatsBus (test/bus/bus-contract.ts), in memory.
 * Jobs queue per task type until a subscriber takes them; answers queue until the engine takes them.
 * Every payload goes through JSON on the way, as on a wire, so publisher and consumer never share an object.
 * Nothing survives the process: durability across restarts is the NATS transport's job.
 */
import { BusError } from '../errors';
import { createLogger, type Logger } from '../logger';
import type { Bus, BusHandler, BusHealth, ConsumeOptions, Subscription } from './bus';
import { assertConcurrency, assertTaskType, InFlight, redeliveryDelay, stampHeaders } from './delivery';
import { PROTOCOL_VERSION, type BusHeaders, type EngineEvent, type JobAnswer, type JobMessage } from './protocol';

export interface InProcessBusOptions {
  /** First delay before a rejected delivery is offered again (doubles per delivery, capped at 30 s). Default 100 ms. */
  redeliveryDelayMs?: number;
  /** How long a published (jobKey, attempt) is remembered to drop re-publications. Default 2 minutes. */
  dedupeWindowMs?: number;
  logger?: Logger;
}

interface Delivery {
  readonly body: string;
  readonly headers: BusHeaders;
  /** Times handed to a handler so far. */
  count: number;
}

interface Member {
  readonly handler: BusHandler<unknown>;
  readonly inFlight: InFlight;
}

/** One queue (a task type's jobs, or the answers): each delivery goes to one member with room. */
class WorkQueue {
  private readonly pending: Delivery[] = [];
  private members: Member[] = [];
  private turn = 0;

  constructor(
    private readonly name: string,
    private readonly host: InProcessBus,
  ) {}

  push(delivery: Delivery): void {
    this.pending.push(delivery);
    this.dispatch();
  }

  join(member: Member): void {
    this.members.push(member);
    this.dispatch();
  }

  leave(member: Member): void {
    this.members = this.members.filter((m) => m !== member);
  }

  private dispatch(): void {
    while (this.pending.length > 0) {
      const member = this.pickMember();
      if (!member) return;
      this.run(member, this.pending.shift()!);
    }
  }

  private pickMember(): Member | undefined {
    for (let i = 0; i < this.members.length; i++) {
      const member = this.members[(this.turn + i) % this.members.length];
      if (member.inFlight.tryAcquire()) {
        this.turn = (this.turn + i + 1) % this.members.length;
        return member;
      }
    }
    return undefined;
  }

  private run(member: Member, delivery: Delivery): void {
    delivery.count++;
    // As on NATS: a body that is not JSON, or not of this protocol version, is logged and dropped (a throw
    // here used to lose the slot and break the dispatch loop of every later delivery).
    let payload: unknown;
    try {
      payload = JSON.parse(delivery.body);
    } catch (err) {
      this.host.logger.error({ queue: this.name, err }, 'message is not JSON; dropped');
      member.inFlight.release();
      return;
    }
    const version = (payload as { protocol?: unknown } | null)?.protocol;
    if (version !== PROTOCOL_VERSION) {
      this.host.logger.error({ queue: this.name, protocol: version }, `message is not protocol ${PROTOCOL_VERSION}; dropped`);
      member.inFlight.release();
      return;
    }
    Promise.resolve()
      .then(() => member.handler(payload, { ...delivery.headers }))
      .then(
        () => {
          member.inFlight.release();
          this.dispatch();
        },
        (err: unknown) => {
          this.host.logger.warn({ queue: this.name, deliveries: delivery.count, err }, 'handler rejected, redelivering later');
          member.inFlight.release();
          this.host.later(redeliveryDelay(this.host.redeliveryDelayMs, delivery.count), () => this.push(delivery));
          this.dispatch();
        },
      );
  }
}

export class InProcessBus implements Bus {
  readonly kind = 'in-process' as const;
  readonly logger: Logger;
  readonly redeliveryDelayMs: number;
  private readonly dedupeWindowMs: number;
  private readonly jobQueues = new Map<string, WorkQueue>();
  private readonly answerQueue: WorkQueue;
  private readonly eventHandlers = new Set<(event: EngineEvent) => void>();
  private readonly subscriptions = new Set<Subscription>();
  /** `jobKey:attempt` -> when it may be published again. Insertion order is expiry order. */
  private readonly published = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(options: InProcessBusOptions = {}) {
    this.logger = options.logger ?? createLogger('in-process-bus');
    this.redeliveryDelayMs = options.redeliveryDelayMs ?? 100;
    this.dedupeWindowMs = options.dedupeWindowMs ?? 120_000;
    this.answerQueue = new WorkQueue('answers', this);
  }

  async publishJob(job: JobMessage, headers: BusHeaders, attempt: number): Promise<void> {
    this.assertOpen();
    assertTaskType(job.type);
    const id = `${job.jobKey}:${attempt}`;
    const now = Date.now();
    this.forgetExpired(now);
    if (this.published.has(id)) {
      this.logger.debug({ id }, 'duplicate job publication dropped');
      return;
    }
    const delivery = { body: toJson(job, 'job'), headers: stampHeaders(headers), count: 0 };
    this.published.set(id, now + this.dedupeWindowMs);
    this.jobQueue(job.type).push(delivery);
  }

  async consumeJobs(taskType: string, handler: BusHandler<JobMessage>, options: ConsumeOptions): Promise<Subscription> {
    this.assertOpen();
    assertTaskType(taskType);
    return this.join(this.jobQueue(taskType), handler as BusHandler<unknown>, options);
  }

  async publishAnswer(answer: JobAnswer, headers: BusHeaders): Promise<void> {
    this.assertOpen();
    this.answerQueue.push({ body: toJson(answer, 'answer'), headers: stampHeaders(headers), count: 0 });
  }

  async consumeAnswers(handler: BusHandler<JobAnswer>, options: ConsumeOptions): Promise<Subscription> {
    this.assertOpen();
    return this.join(this.answerQueue, handler as BusHandler<unknown>, options);
  }

  async publishEvent(event: EngineEvent): Promise<void> {
    if (this.closed || this.eventHandlers.size === 0) return; // nobody listens: nothing to serialise
    const body = toJson(event, 'event');
    for (const handler of [...this.eventHandlers]) {
      queueMicrotask(() => {
        try {
          handler(JSON.parse(body) as EngineEvent);
        } catch (err) {
          this.logger.warn({ err, kind: event.kind }, 'event handler threw');
        }
      });
    }
  }

  async subscribeEvents(handler: (event: EngineEvent) => void): Promise<Subscription> {
    this.assertOpen();
    this.eventHandlers.add(handler);
    const subscription: Subscription = {
      stop: async () => {
        this.eventHandlers.delete(handler);
        this.subscriptions.delete(subscription);
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async health(): Promise<BusHealth> {
    return this.closed ? { ok: false, detail: 'in-process bus is closed' } : { ok: true, detail: 'in-process bus' };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** Runs `fn` after `ms` unless the bus closes first. */
  later(ms: number, fn: () => void): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) fn();
    }, ms);
    this.timers.add(timer);
  }

  private join(queue: WorkQueue, handler: BusHandler<unknown>, options: ConsumeOptions): Subscription {
    assertConcurrency(options.concurrency);
    const member: Member = { handler, inFlight: new InFlight(options.concurrency) };
    let stopping: Promise<void> | undefined;
    const subscription: Subscription = {
      stop: () => {
        stopping ??= (async () => {
          queue.leave(member);
          await member.inFlight.idle();
          this.subscriptions.delete(subscription);
        })();
        return stopping;
      },
    };
    this.subscriptions.add(subscription);
    queue.join(member);
    return subscription;
  }

  private jobQueue(taskType: string): WorkQueue {
    let queue = this.jobQueues.get(taskType);
    if (!queue) {
      queue = new WorkQueue(`job ${taskType}`, this);
      this.jobQueues.set(taskType, queue);
    }
    return queue;
  }

  private forgetExpired(now: number): void {
    for (const [id, expiry] of this.published) {
      if (expiry > now) break;
      this.published.delete(id);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new BusError('The in-process bus is closed');
  }
}

function toJson(value: unknown, what: string): string {
  try {
    return JSON.stringify(value);
  } catch (err) {
    throw new BusError(`The ${what} cannot be serialized as JSON`, { cause: err });
  }
}
