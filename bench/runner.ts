/**
 * One mode of the benchmark, in a process of its own (started by bench/main.ts with --expose-gc): runs the
 * chosen scenarios, shows progress on stderr and writes its figures as JSON to BENCH_OUT.
 */
import { writeFileSync } from 'node:fs';
import type { BenchConfig, FlowCell, Mode, ModeResult, WaitingResult } from './lib/config';
import type { ScenarioId } from './lib/processes';
import { closedLoop, forEachLimited, heapUsed, median, type LoopResult } from './lib/stats';
import { openBaton } from './targets/baton';
import { openBpmnEngine } from './targets/bpmn-engine';
import type { ScenarioRunner, Target } from './targets/target';

const config = JSON.parse(process.env.BENCH_CONFIG ?? '{}') as BenchConfig;
const mode = process.env.BENCH_MODE as Mode;
const out = process.env.BENCH_OUT ?? '';

function progress(message: string): void {
  process.stderr.write(`[${mode}] ${message}\n`);
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

async function flow(runner: ScenarioRunner, scenario: ScenarioId, inFlight: number): Promise<FlowCell> {
  progress(`${scenario} ${inFlight} in flight: warm-up ${config.warmupSeconds} s, then ${config.repetitions} x ${config.seconds} s`);
  const { warmup, windows: reps } = await closedLoop(() => runner.runOne(), {
    inFlight,
    warmupMs: config.warmupSeconds * 1000,
    windowMs: config.seconds * 1000,
    windows: config.repetitions,
    onWindow: (i, rep) =>
      progress(`${scenario} ${inFlight} in flight: rep ${i + 1}/${config.repetitions} (${fmt(rep.seconds, 1)} s) ${fmt(rep.perSecond, 0)}/s (${rep.completed} ended), p50 ${fmt(rep.p50, 2)} ms, p99 ${fmt(rep.p99, 2)} ms`),
  });
  return {
    inFlight,
    perSecond: median(reps.map((r) => r.perSecond)),
    p50: median(reps.map((r) => r.p50)),
    p99: median(reps.map((r) => r.p99)),
    warmup,
    reps,
  };
}

async function waiting(runner: ScenarioRunner): Promise<WaitingResult> {
  const n = mode === 'bpmn-engine' ? config.referenceWaiting : config.waiting;
  // warm the code paths first, so the heap figure holds instances, not freshly compiled code
  const warm: unknown[] = [];
  await forEachLimited(Array.from({ length: Math.min(200, n) }), config.waitingInFlight, async () => void warm.push(await runner.startWaiting()));
  await forEachLimited(warm, config.waitingInFlight, (h) => runner.completeWaiting(h));
  warm.length = 0;
  await new Promise((resolve) => setTimeout(resolve, 500));
  const heapBefore = heapUsed();
  const handles: unknown[] = new Array(n);
  const t0 = performance.now();
  let done = 0;
  await forEachLimited(handles, config.waitingInFlight, async (_h, i) => {
    handles[i] = await runner.startWaiting();
    if (++done % Math.max(1, Math.floor(n / 4)) === 0) progress(`d: ${done}/${n} waiting`);
  });
  const startSeconds = (performance.now() - t0) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 500)); // let outbox deletions and idle flushes settle
  const heapAfter = heapUsed();
  const bytesPerInstance = (heapAfter - heapBefore) / n;
  progress(`d: ${n} waiting, started in ${fmt(startSeconds, 2)} s, heap ${fmt(bytesPerInstance / 1024, 2)} KiB per waiting instance`);
  const t1 = performance.now();
  await forEachLimited(handles, config.waitingInFlight, (h) => runner.completeWaiting(h));
  const completeSeconds = (performance.now() - t1) / 1000;
  progress(`d: completed ${n} in ${fmt(completeSeconds, 2)} s (${fmt(n / completeSeconds, 0)}/s)`);
  return { waiting: n, heapBefore, heapAfter, bytesPerInstance, startSeconds, completeSeconds, completePerSecond: n / completeSeconds };
}

async function main(): Promise<void> {
  const result: ModeResult = { mode, flows: {} };
  let target: Target | undefined;
  try {
    target =
      mode === 'bpmn-engine'
        ? await openBpmnEngine()
        : await openBaton(mode, { postgresUrl: config.postgresUrl, natsUrl: config.natsUrl, workerConcurrency: config.workerConcurrency });
    for (const scenario of config.scenarios) {
      const runner = await target.open(scenario);
      try {
        if (scenario === 'd') {
          result.waiting = await waiting(runner);
        } else {
          const cells: FlowCell[] = [];
          for (const inFlight of config.inFlight) cells.push(await flow(runner, scenario, inFlight));
          result.flows[scenario] = cells;
        }
      } finally {
        await runner.close();
      }
    }
  } catch (error) {
    result.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
    progress(`failed: ${result.error}`);
  } finally {
    await target?.close().catch((error: unknown) => progress(`closing failed: ${String(error)}`));
  }
  writeFileSync(out, JSON.stringify(result));
  process.exit(result.error ? 1 : 0);
}

void main();
