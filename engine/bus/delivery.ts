/**
 * Pieces both transports share: argument checks, the concurrency gate of one subscriber, the redelivery
 * back-off, and the headers every message carries.
 */
import { ValidationError } from '../errors';
import { Header, PROTOCOL_VERSION, TASK_TYPE_PATTERN, type BusHeaders } from './protocol';

export function assertTaskType(taskType: string): void {
  if (typeof taskType !== 'string' || !TASK_TYPE_PATTERN.test(taskType)) {
    throw new ValidationError(
      `Task type '${String(taskType)}' is not valid: use dot-separated tokens of letters, digits, '-', '_' and ':' (e.g. 'io.baton.http.json:1')`,
    );
  }
}

export function assertConcurrency(concurrency: number): void {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ValidationError(`Concurrency must be a positive integer, got ${String(concurrency)}`);
  }
}

/** The headers a message travels with: the caller's plus `baton-protocol`. A fresh object, never shared. */
export function stampHeaders(headers: BusHeaders | undefined): BusHeaders {
  return { ...(headers ?? {}), [Header.PROTOCOL]: String(PROTOCOL_VERSION) };
}

/** Delay before redelivering a rejected delivery: doubles per delivery, capped. */
export function redeliveryDelay(baseMs: number, deliveryCount: number, maxMs = 30_000): number {
  const exponent = Math.min(Math.max(deliveryCount - 1, 0), 16);
  return Math.min(baseMs * 2 ** exponent, maxMs);
}

/**
 * The handlers in flight of one subscriber: at most `limit` at once; `idle()` resolves when none runs.
 */
export class InFlight {
  private running = 0;
  private readonly slotWaiters: Array<() => void> = [];
  private idleWaiters: Array<() => void> = [];

  constructor(readonly limit: number) {}

  get size(): number {
    return this.running;
  }

  get hasRoom(): boolean {
    return this.running < this.limit;
  }

  /** Resolves once a slot is free (the caller then owns it and must `run` or `release`). */
  async acquire(): Promise<void> {
    while (this.running >= this.limit) {
      await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    }
    this.running++;
  }

  /** Takes a slot without waiting; false when full. */
  tryAcquire(): boolean {
    if (this.running >= this.limit) return false;
    this.running++;
    return true;
  }

  release(): void {
    this.running--;
    this.slotWaiters.shift()?.();
    if (this.running === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  idle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
