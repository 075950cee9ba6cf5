/**
 * One Bus interface for every transport: NATS JetStream (durable, distributed) and in-process (embedded).
 * Both pass the same contract suite (test/bus/bus-contract.ts).
 */
import type { BusHeaders, EngineEvent, JobAnswer, JobMessage } from './protocol';

/** Called per delivery. Resolving acknowledges it; rejecting asks for redelivery later. */
export type BusHandler<T> = (payload: T, headers: BusHeaders) => Promise<void>;

export interface Subscription {
  /** Stops taking new deliveries and resolves once the handlers in flight have finished. */
  stop(): Promise<void>;
}

export interface ConsumeOptions {
  /** Deliveries handled at once by this subscriber. */
  concurrency: number;
}

export interface BusHealth {
  ok: boolean;
  detail: string;
}

export interface Bus {
  readonly kind: 'nats' | 'in-process';
  /** Resolves once the bus holds the job durably (JetStream ack). Re-publishing the same job key and
   *  attempt within the dedupe window is a no-op. */
  publishJob(job: JobMessage, headers: BusHeaders, attempt: number): Promise<void>;
  /** Subscribers of one task type share its jobs as a queue: each job goes to one of them. */
  consumeJobs(taskType: string, handler: BusHandler<JobMessage>, options: ConsumeOptions): Promise<Subscription>;
  publishAnswer(answer: JobAnswer, headers: BusHeaders): Promise<void>;
  /** The engine's side: every answer, shared among engine processes. */
  consumeAnswers(handler: BusHandler<JobAnswer>, options: ConsumeOptions): Promise<Subscription>;
  /** Best effort: an event nobody listens to is dropped. */
  publishEvent(event: EngineEvent): Promise<void>;
  subscribeEvents(handler: (event: EngineEvent) => void): Promise<Subscription>;
  health(): Promise<BusHealth>;
  /** Stops every subscription (waiting for handlers in flight) and closes the connection. */
  close(): Promise<void>;
}
