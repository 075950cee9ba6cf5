/**
 * Sends committed outbox entries to the bus, many in flight at once, retrying with back-off while the
 * bus is away; reports what it sent so the commit queue deletes it.
 */
import type { Bus } from '../bus/bus';
import type { Logger } from '../logger';
import type { OutboxEntry } from '../store/store';

export class OutboxPublisher {
  private inFlight = new Set<Promise<void>>();
  private sent: string[] = [];
  private reportScheduled = false;
  private stopped = false;

  constructor(
    private readonly bus: Bus,
    private readonly onPublished: (ids: string[]) => void,
    private readonly logger: Logger,
  ) {}

  publish(entries: OutboxEntry[]): void {
    for (const entry of entries) {
      const sending = this.send(entry).finally(() => this.inFlight.delete(sending));
      this.inFlight.add(sending);
    }
  }

  /** Waits for every send in flight; what is still unsent stays in the outbox for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    this.report();
  }

  private async send(entry: OutboxEntry): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const { message } = entry;
        if (message.kind === 'job') await this.bus.publishJob(message.job, message.headers, message.attempt);
        else await this.bus.publishEvent(message.event);
        this.sent.push(entry.id);
        this.scheduleReport();
        return;
      } catch (error) {
        if (this.stopped) return;
        const delay = Math.min(5000, 100 * 2 ** attempt);
        this.logger.warn({ err: error, outboxId: entry.id, retryInMs: delay }, 'publishing an outbox entry failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
        if (this.stopped) return;
      }
    }
  }

  private scheduleReport(): void {
    if (this.reportScheduled) return;
    this.reportScheduled = true;
    setImmediate(() => {
      this.reportScheduled = false;
      this.report();
    });
  }

  private report(): void {
    if (this.sent.length === 0) return;
    this.onPublished(this.sent.splice(0));
  }
}
