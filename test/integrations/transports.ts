/** The two transports integration tests run on, and an engine stand-in that collects answers. */
import type { Bus, Subscription } from '../../engine/bus/bus';
import { InProcessBus } from '../../engine/bus/in-process-bus';
import type { BusHeaders, JobAnswer } from '../../engine/bus/protocol';
import { waitFor } from '../bus/bus-contract';
import { deleteStreams, natsBus, uniquePrefix } from '../bus/nats-test-world';

export interface Transport {
  name: string;
  create(): Promise<Bus>;
  cleanup(): Promise<void>;
}

export function transports(): Transport[] {
  const prefix = uniquePrefix();
  return [
    { name: 'in-process bus', create: async () => new InProcessBus({ redeliveryDelayMs: 50 }), cleanup: async () => undefined },
    { name: 'NATS bus', create: () => natsBus(prefix), cleanup: () => deleteStreams(prefix) },
  ];
}

/** Collects the answers the engine would receive. */
export class AnswerCollector {
  readonly answers: Array<{ answer: JobAnswer; headers: BusHeaders }> = [];
  private subscription?: Subscription;

  async start(bus: Bus): Promise<this> {
    this.subscription = await bus.consumeAnswers(async (answer, headers) => void this.answers.push({ answer, headers }), { concurrency: 8 });
    return this;
  }

  async answerOf(jobKey: string, timeoutMs = 5_000): Promise<{ answer: JobAnswer; headers: BusHeaders }> {
    await waitFor(() => this.answers.some((a) => a.answer.jobKey === jobKey), timeoutMs, `the answer of ${jobKey}`);
    return this.answers.find((a) => a.answer.jobKey === jobKey)!;
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
  }
}
