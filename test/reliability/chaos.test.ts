/**
 * The chaos harness, short (about 24 s of load, under a minute in all), so CI guards it: Baton in
 * distributed mode as a child process, two chaos workers, a nats-server of the harness's own; the engine
 * is SIGKILLed and restarted, a worker SIGKILLed mid-job, nats-server restarted, while instances are
 * started and their user tasks completed over REST. Then nothing may be lost, stuck, doubled or left in
 * the outbox. The long version is `npm run chaos`.
 */
import { runChaos } from '../../chaos/harness';

jest.setTimeout(150_000);

test('under SIGKILLs and broker restarts nothing is lost, stuck, doubled or left unsent', async () => {
  const lines: string[] = [];
  const report = await runChaos({
    durationMs: 24_000,
    rate: 6,
    workers: 2,
    gapMs: [3_000, 4_000],
    actions: ['kill-engine', 'kill-worker', 'restart-nats'],
    seed: 7,
    drainTimeoutMs: 60_000,
    log: (line) => lines.push(line),
  });
  const summary = { ...report, log: lines };
  expect({ violations: report.violations, summary }).toEqual({ violations: [], summary });
  expect(report.engineKills).toBeGreaterThanOrEqual(1);
  expect(report.workerKills).toBeGreaterThanOrEqual(1);
  expect(report.natsRestarts).toBeGreaterThanOrEqual(1);
  expect(report.instancesStarted).toBeGreaterThan(20);
  expect(report.instancesCompleted).toBe(report.instancesStarted);
  expect(report.instancesStarted).toBeGreaterThanOrEqual(report.startsAcknowledged);
  expect(report.outboxLeft).toBe(0);
});
