/**
 * The distributed transport: NATS JetStream for jobs and answers (durable, shared by replicas), core NATS
 * for engine events (best effort). The protocol is docs/PROTOCOL.md; subjects come from protocol.ts.
 *
 * Streams: `<PREFIX>_JOBS` (`<prefix>.job.>`) and `<PREFIX>_ANSWERS` (`<prefix>.answer.>`), work-queue
 * retention, file storage, a duplicate window for `<jobKey>:<attempt>` message ids.
 * Consumers: one durable pull consumer per task type on the jobs stream, one (`engine`) on the answers
 * stream; every subscriber of the same consumer shares its messages.
 */
import { AckPolicy, DeliverPolicy, JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import type { JetStreamClient, JetStreamManager, JsMsg, StreamConfig } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
// nats-core is the package transport-node and jetstream are built on (same installed copy); its types are
// imported directly because transport-node's re-export points at a subpath `moduleResolution: node10` cannot see.
import { headers as natsHeaders, nanos } from '@nats-io/nats-core';
import type { MsgHdrs, NatsConnection, Subscription as NatsSubscription } from '@nats-io/nats-core';
import { BusError } from '../errors';
import { createLogger, type Logger } from '../logger';
import type { Bus, BusHandler, BusHealth, ConsumeOptions, Subscription } from './bus';
import { assertConcurrency, assertTaskType, InFlight, redeliveryDelay, stampHeaders } from './delivery';
import { DEFAULT_SUBJECT_PREFIX, PROTOCOL_VERSION, subjects, type BusHeaders, type EngineEvent, type JobAnswer, type JobMessage } from './protocol';

export interface NatsBusOptions {
  /** One or more `host:port` (or `nats://...`) URLs. */
  servers: string | string[];
  /** Subject prefix; streams are named after it in upper case. Default `baton`. */
  prefix?: string;
  /** Connection name, shown by the server's monitoring. */
  name?: string;
  logger?: Logger;
  user?: string;
  pass?: string;
  token?: string;
  /** How long the server waits for an ack before redelivering; handlers in flight extend it. Default 30 s. */
  ackWaitMs?: number;
  /** First delay before a rejected message is redelivered (doubles per delivery, capped at 30 s). Default 1 s. */
  redeliveryDelayMs?: number;
  /** Window in which a re-published `<jobKey>:<attempt>` is dropped by the server. Default 2 minutes. */
  duplicateWindowMs?: number;
  /** The durable consumer engine processes share for answers. Default `engine`. */
  answerConsumer?: string;
}

const PREFIX_PATTERN = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** Connects, creates or updates the two streams, and returns the bus. */
export async function connectNatsBus(options: NatsBusOptions): Promise<NatsBus> {
  const prefix = options.prefix ?? DEFAULT_SUBJECT_PREFIX;
  if (!PREFIX_PATTERN.test(prefix)) throw new BusError(`Subject prefix '${prefix}' is not valid: use dot-separated tokens of letters, digits, '-' and '_'`);
  const logger = options.logger ?? createLogger('nats-bus');
  let nc: NatsConnection;
  try {
    nc = (await connect({
      servers: options.servers,
      name: options.name,
      user: options.user,
      pass: options.pass,
      token: options.token,
      maxReconnectAttempts: -1,
      // No Error (with its stack) built up front for every request: every JetStream publish is a request, and
      // capturing those stacks cost 2-5% of the engine's and a worker's CPU. Our errors say what failed anyway.
      noAsyncTraces: true,
    })) as NatsConnection;
  } catch (err) {
    throw new BusError(`Cannot connect to NATS at ${String(options.servers)}: ${errorMessage(err)}`, { cause: err });
  }
  try {
    const jsm = (await jetstreamManager(nc)) as JetStreamManager;
    const bus = new NatsBus(nc, jsm, prefix, logger, options);
    await bus.ensureStreams();
    logger.info({ server: nc.getServer(), prefix }, 'connected to NATS JetStream');
    return bus;
  } catch (err) {
    await nc.close().catch(() => undefined);
    if (err instanceof BusError) throw err;
    throw new BusError(`NATS at ${String(options.servers)} has no usable JetStream: ${errorMessage(err)}`, { cause: err });
  }
}

export class NatsBus implements Bus {
  readonly kind = 'nats' as const;
  readonly streams: { readonly jobs: string; readonly answers: string };
  private readonly subjects: ReturnType<typeof subjects>;
  private readonly js: JetStreamClient;
  private readonly subscriptions = new Set<Subscription>();
  private readonly consumersReady = new Map<string, Promise<void>>();
  private readonly ackWaitMs: number;
  private readonly redeliveryDelayMs: number;
  private readonly duplicateWindowMs: number;
  private readonly answerConsumer: string;
  private connected = true;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    readonly prefix: string,
    private readonly logger: Logger,
    options: Pick<NatsBusOptions, 'ackWaitMs' | 'redeliveryDelayMs' | 'duplicateWindowMs' | 'answerConsumer'> = {},
  ) {
    const upper = prefix.toUpperCase().replace(/[^A-Z0-9_-]/g, '_');
    this.streams = { jobs: `${upper}_JOBS`, answers: `${upper}_ANSWERS` };
    this.subjects = subjects(prefix);
    this.js = jetstream(nc);
    this.ackWaitMs = options.ackWaitMs ?? 30_000;
    this.redeliveryDelayMs = options.redeliveryDelayMs ?? 1_000;
    this.duplicateWindowMs = options.duplicateWindowMs ?? 120_000;
    this.answerConsumer = options.answerConsumer ?? 'engine';
    void this.watchStatus();
  }

  /** Creates the streams, or brings an existing one's subjects and duplicate window up to date. */
  async ensureStreams(): Promise<void> {
    await this.ensureStream(this.streams.jobs, this.subjects.jobs);
    await this.ensureStream(this.streams.answers, this.subjects.answers);
  }

  async publishJob(job: JobMessage, headers: BusHeaders, attempt: number): Promise<void> {
    assertTaskType(job.type);
    const msgID = `${job.jobKey}:${attempt}`;
    try {
      const ack = await this.js.publish(this.subjects.job(job.type), JSON.stringify(job), { msgID, headers: toNatsHeaders(headers) });
      if (ack.duplicate) this.logger.debug({ msgID }, 'duplicate job publication dropped by JetStream');
    } catch (err) {
      throw new BusError(`Publishing job ${job.jobKey} (${job.type}) failed: ${errorMessage(err)}`, { cause: err });
    }
  }

  async consumeJobs(taskType: string, handler: BusHandler<JobMessage>, options: ConsumeOptions): Promise<Subscription> {
    assertTaskType(taskType);
    assertConcurrency(options.concurrency);
    const name = consumerName(taskType);
    await this.ensureConsumer(this.streams.jobs, name, this.subjects.job(taskType));
    return this.consume(this.streams.jobs, name, handler as BusHandler<unknown>, options.concurrency);
  }

  async publishAnswer(answer: JobAnswer, headers: BusHeaders): Promise<void> {
    try {
      await this.js.publish(this.subjects.answer(answer.kind), JSON.stringify(answer), { headers: toNatsHeaders(headers) });
    } catch (err) {
      throw new BusError(`Publishing the ${answer.kind} answer of job ${answer.jobKey} failed: ${errorMessage(err)}`, { cause: err });
    }
  }

  async consumeAnswers(handler: BusHandler<JobAnswer>, options: ConsumeOptions): Promise<Subscription> {
    assertConcurrency(options.concurrency);
    await this.ensureConsumer(this.streams.answers, this.answerConsumer, this.subjects.answers);
    return this.consume(this.streams.answers, this.answerConsumer, handler as BusHandler<unknown>, options.concurrency);
  }

  async publishEvent(event: EngineEvent): Promise<void> {
    if (this.nc.isClosed() || this.nc.isDraining()) return;
    try {
      this.nc.publish(this.subjects.event(event.kind), JSON.stringify(event), { headers: toNatsHeaders({}) });
    } catch (err) {
      this.logger.debug({ err, kind: event.kind }, 'event not published');
    }
  }

  async subscribeEvents(handler: (event: EngineEvent) => void): Promise<Subscription> {
    const sub: NatsSubscription = this.nc.subscribe(this.subjects.events, {
      callback: (err, msg) => {
        if (err) return this.logger.warn({ err }, 'event subscription failed');
        try {
          handler(msg.json<EngineEvent>());
        } catch (handlerErr) {
          this.logger.warn({ err: handlerErr, subject: msg.subject }, 'event handler threw or event is not JSON');
        }
      },
    });
    await this.nc.flush(); // the server knows the subscription before this resolves
    const subscription: Subscription = {
      stop: async () => {
        this.subscriptions.delete(subscription);
        if (!sub.isClosed()) await sub.drain().catch(() => undefined);
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async health(): Promise<BusHealth> {
    if (this.nc.isClosed()) return { ok: false, detail: 'NATS connection is closed' };
    if (!this.connected) return { ok: false, detail: 'NATS connection lost, reconnecting' };
    try {
      await withTimeout(this.jsm.getAccountInfo(), 2_000);
      return { ok: true, detail: `connected to ${this.nc.getServer()}, JetStream reachable` };
    } catch (err) {
      return { ok: false, detail: `connected to ${this.nc.getServer()}, JetStream not reachable: ${errorMessage(err)}` };
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.subscriptions].map((s) => s.stop()));
      if (!this.nc.isClosed()) await this.nc.drain().catch((err: unknown) => this.logger.warn({ err }, 'NATS drain failed'));
    })();
    return this.closing;
  }

  /** Pulls from a durable consumer, at most `concurrency` handlers at once; ack on resolve, nak on reject. */
  private async consume(stream: string, name: string, handler: BusHandler<unknown>, concurrency: number): Promise<Subscription> {
    const consumer = await this.js.consumers.get(stream, name);
    const messages = await consumer.consume({ max_messages: concurrency });
    const inFlight = new InFlight(concurrency);
    let stopped = false;
    // The iterator only sends its next pull once we take the message before it, so waiting for a free
    // slot here keeps this subscriber from hoarding messages other replicas could handle.
    const loop = (async () => {
      try {
        for await (const m of messages) {
          await inFlight.acquire();
          if (stopped) {
            inFlight.release();
            safely(() => m.nak());
            continue;
          }
          void this.handle(m, handler, name).finally(() => inFlight.release());
        }
      } catch (err) {
        if (!stopped) this.logger.error({ err, stream, consumer: name }, 'consumer stopped unexpectedly');
      }
    })();
    let stopping: Promise<void> | undefined;
    const subscription: Subscription = {
      stop: () => {
        stopping ??= (async () => {
          stopped = true;
          void messages.close();
          await loop;
          await inFlight.idle();
          this.subscriptions.delete(subscription);
        })();
        return stopping;
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  private async handle(m: JsMsg, handler: BusHandler<unknown>, consumer: string): Promise<void> {
    let payload: unknown;
    try {
      payload = m.json();
    } catch (err) {
      this.logger.error({ err, subject: m.subject, seq: m.seq, consumer }, 'message is not JSON; dropped');
      safely(() => m.term());
      return;
    }
    const version = (payload as { protocol?: unknown } | null)?.protocol;
    if (version !== PROTOCOL_VERSION) {
      this.logger.error({ subject: m.subject, seq: m.seq, consumer, protocol: version }, `message is not protocol ${PROTOCOL_VERSION}; dropped`);
      safely(() => m.term());
      return;
    }
    // Long handlers keep the message theirs: tell the server we are working before ack_wait runs out.
    const heartbeat = setInterval(() => safely(() => m.working()), Math.max(this.ackWaitMs / 3, 100));
    heartbeat.unref();
    try {
      await handler(payload, fromNatsHeaders(m.headers as MsgHdrs | undefined));
      safely(() => m.ack());
    } catch (err) {
      const delay = redeliveryDelay(this.redeliveryDelayMs, m.info.deliveryCount);
      this.logger.warn({ err, subject: m.subject, deliveries: m.info.deliveryCount, delay }, 'handler rejected, redelivering later');
      safely(() => m.nak(delay));
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async ensureStream(name: string, subject: string): Promise<void> {
    const wanted = { subjects: [subject], duplicate_window: nanos(this.duplicateWindowMs) };
    try {
      const info = await this.jsm.streams.info(name);
      if (info.config.retention !== RetentionPolicy.Workqueue) {
        throw new BusError(`Stream ${name} exists with ${info.config.retention} retention; Baton needs workqueue. Delete it or use another prefix.`);
      }
      const same = info.config.subjects?.length === 1 && info.config.subjects[0] === subject && info.config.duplicate_window === wanted.duplicate_window;
      if (!same) await this.jsm.streams.update(name, wanted);
    } catch (err) {
      if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
      const config: Partial<StreamConfig> & { name: string } = { name, ...wanted, retention: RetentionPolicy.Workqueue, storage: StorageType.File };
      await this.jsm.streams.add(config).catch(async (addErr: unknown) => {
        // Another process may have created it in between: fine if it exists now.
        await this.jsm.streams.info(name).catch(() => Promise.reject(addErr));
      });
    }
  }

  private ensureConsumer(stream: string, name: string, filter: string): Promise<void> {
    const key = `${stream}/${name}`;
    let ready = this.consumersReady.get(key);
    if (!ready) {
      ready = this.createConsumer(stream, name, filter);
      this.consumersReady.set(key, ready);
      ready.catch(() => this.consumersReady.delete(key));
    }
    return ready;
  }

  private async createConsumer(stream: string, name: string, filter: string): Promise<void> {
    const ackWait = nanos(this.ackWaitMs);
    try {
      await this.jsm.consumers.add(stream, {
        durable_name: name,
        filter_subject: filter,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: ackWait,
        max_deliver: -1,
      });
    } catch (err) {
      // Exists with another configuration (e.g. another ack_wait): bring the changeable part up to date.
      const info = await this.jsm.consumers.info(stream, name).catch(() => Promise.reject(err));
      if (info.config.filter_subject !== filter) throw new BusError(`Consumer ${stream}/${name} filters ${info.config.filter_subject}, expected ${filter}`);
      if (info.config.ack_wait !== ackWait) await this.jsm.consumers.update(stream, name, { ack_wait: ackWait });
    }
  }

  private async watchStatus(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'disconnect') {
        this.connected = false;
        this.logger.warn({ server: status.server }, 'NATS disconnected');
      } else if (status.type === 'reconnect') {
        this.connected = true;
        this.logger.info({ server: status.server }, 'NATS reconnected');
      }
    }
  }
}

/** A durable consumer name for a task type: readable, unique (a hash keeps `a.b` and `a_b` apart). */
export function consumerName(taskType: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < taskType.length; i++) hash = Math.imul(hash ^ taskType.charCodeAt(i), 0x01000193) >>> 0;
  return `job_${taskType.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 200)}_${hash.toString(16).padStart(8, '0')}`;
}

function toNatsHeaders(headers: BusHeaders): MsgHdrs {
  const h = natsHeaders();
  for (const [key, value] of Object.entries(stampHeaders(headers))) h.set(key, value);
  return h;
}

/** NATS headers to BusHeaders, leaving out the server's own (`Nats-*`, e.g. `Nats-Msg-Id`). */
function fromNatsHeaders(h: MsgHdrs | undefined): BusHeaders {
  const out: BusHeaders = {};
  if (!h) return out;
  for (const [key, values] of h) {
    if (/^nats-/i.test(key) || values.length === 0) continue;
    out[key] = values[0];
  }
  return out;
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // the connection is gone: the server redelivers after ack_wait
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
