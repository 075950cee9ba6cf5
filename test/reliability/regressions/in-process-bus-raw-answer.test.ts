/**
 * Regression (found by test/reliability/bus-hostile.test.ts): a delivery on the in-process bus whose body
 * was not JSON (`publishAnswer(undefined)` makes one, as does a broken publisher in the process) threw
 * inside the dispatch loop: the caller got a SyntaxError, the subscriber's slot was never released, and
 * a subscriber with concurrency 1 took no delivery ever again. Now such a body, like one of another
 * protocol version, is logged and dropped, as the NATS transport does.
 */
import { InProcessBus } from '../../../engine/bus/in-process-bus';
import { PROTOCOL_VERSION, type JobAnswer } from '../../../engine/bus/protocol';

type RawQueue = { push(delivery: { body: string | undefined; headers: Record<string, string>; count: number }): void };

describe('in-process bus: a body that is not JSON', () => {
  test('is dropped, and the subscriber keeps taking deliveries', async () => {
    const bus = new InProcessBus({ redeliveryDelayMs: 10 });
    const seen: unknown[] = [];
    await bus.consumeAnswers(async (answer) => void seen.push(answer), { concurrency: 1 });
    const queue = (bus as unknown as { answerQueue: RawQueue }).answerQueue;

    expect(() => queue.push({ body: '\u0000 not json', headers: {}, count: 0 })).not.toThrow();
    expect(() => queue.push({ body: undefined, headers: {}, count: 0 })).not.toThrow();
    await expect(bus.publishAnswer(undefined as unknown as JobAnswer, {})).resolves.toBeUndefined();
    await bus.publishAnswer({ protocol: 2, kind: 'complete', jobKey: 'k-0', variables: {} } as unknown as JobAnswer, {});
    for (let i = 1; i <= 3; i++) await bus.publishAnswer({ protocol: PROTOCOL_VERSION, kind: 'complete', jobKey: `k-${i}`, variables: {} }, {});

    const deadline = Date.now() + 2_000;
    while (seen.length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(seen.map((a) => (a as JobAnswer).jobKey)).toEqual(['k-1', 'k-2', 'k-3']);
    await bus.close();
  });
});
