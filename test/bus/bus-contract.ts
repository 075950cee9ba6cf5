/**
 * The Bus contract, run on every transport (in-process-bus.test.ts, nats-bus.test.ts).
 * Real deliveries only: each case publishes and consumes through the bus under test.
 */
import type { Bus, Subscription } from '../../engine/bus/bus';
import { AnswerKind, EngineEventKind, PROTOCOL_VERSION, type BusHeaders, type EngineEvent, type JobAnswer, type JobMessage } from '../../engine/bus/protocol';

export interface BusFactory {
  /** A bus on the shared test world (same streams / same memory for one test). */
  create(): Promise<Bus>;
}

let counter = 0;
/** A task type no other case uses, so leftovers never leak between cases. */
export function uniqueType(label: string): string {
  counter++;
  return `test.${label}:${process.pid}-${counter}-${Math.random().toString(36).slice(2, 7)}`;
}

export function makeJob(type: string, jobKey: string, variables: Record<string, unknown> = {}): JobMessage {
  return {
    protocol: PROTOCOL_VERSION,
    jobKey,
    type,
    processInstanceKey: 'pi-1',
    elementInstanceKey: `ei-${jobKey}`,
    elementId: 'Task_1',
    bpmnProcessId: 'order-process',
    processDefinitionKey: 'pd-1',
    retries: 3,
    deadline: Date.now() + 60_000,
    customHeaders: { resultVariable: 'result' },
    variables,
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function waitFor(condition: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const HEADERS: BusHeaders = {
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  'baton-corr-order': 'order-4711',
};

export function runBusContract(name: string, factory: BusFactory): void {
  describe(`Bus contract: ${name}`, () => {
    let bus: Bus;
    const subs: Subscription[] = [];
    const track = (s: Subscription) => (subs.push(s), s);

    beforeEach(async () => {
      bus = await factory.create();
    });
    afterEach(async () => {
      await Promise.all(subs.splice(0).map((s) => s.stop()));
      await bus.close();
    });

    it('delivers a job to a consumer of its type with payload and headers intact, and not to other types', async () => {
      const type = uniqueType('intact');
      const other = uniqueType('other');
      const got: Array<{ job: JobMessage; headers: BusHeaders }> = [];
      track(await bus.consumeJobs(type, async (job, headers) => void got.push({ job, headers }), { concurrency: 1 }));
      const job = makeJob(type, 'k-intact', { order: { id: 4711, lines: [1, 2] }, note: 'ü✓' });
      await bus.publishJob(makeJob(other, 'k-other'), HEADERS, 1);
      await bus.publishJob(job, HEADERS, 1);
      await waitFor(() => got.length === 1, 5_000, 'the job');
      await sleep(150);
      expect(got).toHaveLength(1);
      expect(got[0].job).toEqual(job);
      expect(got[0].job).not.toBe(job);
      expect(got[0].headers).toEqual({ ...HEADERS, 'baton-protocol': '1' });
    });

    it('shares the jobs of one type among its consumers: each job once, all delivered', async () => {
      const type = uniqueType('share');
      const seen: string[] = [];
      const byConsumer = [0, 0];
      for (const index of [0, 1]) {
        track(
          await bus.consumeJobs(
            type,
            async (job) => {
              seen.push(job.jobKey);
              byConsumer[index]++;
              await sleep(5);
            },
            { concurrency: 2 },
          ),
        );
      }
      await Promise.all(Array.from({ length: 20 }, (_, i) => bus.publishJob(makeJob(type, `share-${i}`), HEADERS, 1)));
      await waitFor(() => seen.length >= 20, 10_000, '20 jobs');
      await sleep(200);
      expect(seen).toHaveLength(20);
      expect(new Set(seen).size).toBe(20);
      expect(byConsumer[0] + byConsumer[1]).toBe(20);
    });

    it('keeps a job published before any consumer exists until one subscribes', async () => {
      const type = uniqueType('durable');
      await bus.publishJob(makeJob(type, 'early'), HEADERS, 1);
      await sleep(50);
      const got: string[] = [];
      track(await bus.consumeJobs(type, async (job) => void got.push(job.jobKey), { concurrency: 1 }));
      await waitFor(() => got.length === 1, 5_000, 'the early job');
      expect(got).toEqual(['early']);
    });

    it('redelivers a job whose handler rejected', async () => {
      const type = uniqueType('reject');
      const deliveries: string[] = [];
      track(
        await bus.consumeJobs(
          type,
          async (job) => {
            deliveries.push(job.jobKey);
            if (deliveries.length === 1) throw new Error('not now');
          },
          { concurrency: 1 },
        ),
      );
      await bus.publishJob(makeJob(type, 'again'), HEADERS, 1);
      await waitFor(() => deliveries.length === 2, 5_000, 'the redelivery');
      await sleep(150);
      expect(deliveries).toEqual(['again', 'again']);
    });

    it('drops a re-published (jobKey, attempt) and delivers a new attempt', async () => {
      const type = uniqueType('dedupe');
      const got: string[] = [];
      track(await bus.consumeJobs(type, async (job) => void got.push(job.jobKey), { concurrency: 1 }));
      const job = makeJob(type, 'dup');
      await bus.publishJob(job, HEADERS, 1);
      await bus.publishJob(job, HEADERS, 1);
      await waitFor(() => got.length === 1, 5_000, 'the job');
      await sleep(200);
      expect(got).toEqual(['dup']);
      await bus.publishJob(job, HEADERS, 2);
      await waitFor(() => got.length === 2, 5_000, 'the second attempt');
      await sleep(100);
      expect(got).toEqual(['dup', 'dup']);
    });

    it('never runs more handlers at once than the concurrency', async () => {
      const type = uniqueType('concurrency');
      let running = 0;
      let peak = 0;
      let done = 0;
      track(
        await bus.consumeJobs(
          type,
          async () => {
            running++;
            peak = Math.max(peak, running);
            await sleep(30);
            running--;
            done++;
          },
          { concurrency: 3 },
        ),
      );
      await Promise.all(Array.from({ length: 12 }, (_, i) => bus.publishJob(makeJob(type, `c-${i}`), HEADERS, 1)));
      await waitFor(() => done === 12, 10_000, '12 jobs');
      expect(peak).toBeLessThanOrEqual(3);
      expect(peak).toBeGreaterThan(1);
    });

    it('delivers answers of all three kinds to consumeAnswers, headers echoed', async () => {
      const got: Array<{ answer: JobAnswer; headers: BusHeaders }> = [];
      const base = `ans-${Math.random().toString(36).slice(2, 8)}`;
      track(await bus.consumeAnswers(async (answer, headers) => void got.push({ answer, headers }), { concurrency: 4 }));
      const answers: JobAnswer[] = [
        { protocol: 1, kind: AnswerKind.COMPLETE, jobKey: `${base}-1`, variables: { ok: true } },
        { protocol: 1, kind: AnswerKind.FAIL, jobKey: `${base}-2`, retries: 2, retryBackoffMs: 500, errorMessage: 'down' },
        { protocol: 1, kind: AnswerKind.ERROR, jobKey: `${base}-3`, errorCode: 'NOT_FOUND', errorMessage: 'no order', variables: { id: 1 } },
      ];
      for (const answer of answers) await bus.publishAnswer(answer, HEADERS);
      await waitFor(() => got.filter((g) => g.answer.jobKey.startsWith(base)).length === 3, 5_000, '3 answers');
      const mine = got.filter((g) => g.answer.jobKey.startsWith(base)).sort((a, b) => a.answer.jobKey.localeCompare(b.answer.jobKey));
      expect(mine.map((g) => g.answer)).toEqual(answers);
      for (const g of mine) expect(g.headers).toEqual({ ...HEADERS, 'baton-protocol': '1' });
    });

    it('stop() waits for a handler in flight and takes no new jobs', async () => {
      const type = uniqueType('stop');
      let started = 0;
      let finished = 0;
      const sub = await bus.consumeJobs(
        type,
        async () => {
          started++;
          await sleep(300);
          finished++;
        },
        { concurrency: 1 },
      );
      await bus.publishJob(makeJob(type, 'slow'), HEADERS, 1);
      await waitFor(() => started === 1, 5_000, 'the handler to start');
      await sub.stop();
      expect(finished).toBe(1);
      await bus.publishJob(makeJob(type, 'after-stop'), HEADERS, 1);
      await sleep(200);
      expect(started).toBe(1);
      // the job published after stop waits for the next subscriber
      const later: string[] = [];
      track(await bus.consumeJobs(type, async (job) => void later.push(job.jobKey), { concurrency: 1 }));
      await waitFor(() => later.includes('after-stop'), 5_000, 'the job after stop');
    });

    it('sends events to current subscribers only', async () => {
      const got: EngineEvent[] = [];
      const sub = await bus.subscribeEvents((event) => void got.push(event));
      const event: EngineEvent = {
        protocol: 1,
        kind: EngineEventKind.INSTANCE_STARTED,
        time: Date.now(),
        processInstanceKey: 'pi-ev',
        bpmnProcessId: 'order-process',
      };
      await bus.publishEvent(event);
      await waitFor(() => got.length === 1, 5_000, 'the event');
      expect(got[0]).toEqual(event);
      await sub.stop();
      await bus.publishEvent({ ...event, kind: EngineEventKind.INSTANCE_COMPLETED });
      await sleep(100);
      expect(got).toHaveLength(1);
    });

    it('reports health', async () => {
      const health = await bus.health();
      expect(health.ok).toBe(true);
      expect(typeof health.detail).toBe('string');
    });
  });
}
