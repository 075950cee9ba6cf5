/** Small statistics helpers for the benchmark. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The p-th percentile (0..100), nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export interface LoopResult {
  /** Instances that completed inside the window. */
  completed: number;
  seconds: number;
  /** Completed instances per second: in flight / mean start-to-end latency (Little's law, see closedLoop). */
  perSecond: number;
  /** completed / seconds, for comparison. */
  countedPerSecond: number;
  /** Start-to-end latency in ms. */
  p50: number;
  p99: number;
  mean: number;
}

/**
 * A closed loop: `inFlight` lanes each start an instance and wait for its end, then start the next. The loop
 * runs without a break through a warm-up and then `windows` measuring windows; an instance counts in the
 * window its end falls in. The warm-up lasts at least `warmupMs` and until every lane has finished an
 * instance; a window lasts at least `windowMs` and 1.5 x the warm-up's p99 latency, so that every lane ends
 * instances in every window. The instances in flight after the last window are waited for but not counted.
 *
 * Throughput is in flight / mean latency (Little's law, exact for a closed loop in a steady state). Counting
 * ends per window would say the same for Baton (thousands per window) but not for an engine that advances all
 * its instances together, as bpmn-engine does: its 100 instances end in bursts seconds apart, and a count
 * depends on how many bursts a window happens to catch.
 */
export async function closedLoop(
  runOne: () => Promise<void>,
  options: { inFlight: number; warmupMs: number; windowMs: number; windows: number; onWindow?: (index: number, result: LoopResult) => void },
): Promise<{ warmup: LoopResult; windows: LoopResult[] }> {
  const { inFlight, warmupMs, windows } = options;
  const MAX_WARMUP_MS = 60_000;
  const MAX_WINDOW_MS = 30_000;
  const started = performance.now();
  const warm: number[] = [];
  const measured: number[][] = Array.from({ length: windows }, () => []);
  let bounds: number[] | undefined; // end of window i; set when the warm-up ends
  let warmEnd = 0;
  let windowMs = options.windowMs;
  let current = 0;
  const report = (index: number) => options.onWindow?.(index, summarise(measured[index], windowMs, inFlight));
  const endWarmup = (now: number) => {
    warmEnd = now;
    windowMs = Math.min(MAX_WINDOW_MS, Math.max(options.windowMs, 1.5 * percentile(warm, 99) || 0));
    bounds = Array.from({ length: windows }, (_, i) => now + (i + 1) * windowMs);
  };
  const lane = async (): Promise<void> => {
    for (;;) {
      if (bounds && performance.now() >= bounds[windows - 1]) return;
      const t0 = performance.now();
      await runOne();
      const t1 = performance.now();
      const latency = t1 - t0;
      if (!bounds) {
        warm.push(latency);
        if ((t1 - started >= warmupMs && warm.length >= inFlight) || t1 - started >= MAX_WARMUP_MS) endWarmup(t1);
        continue;
      }
      if (t0 < warmEnd) continue; // started in the warm-up: its latency belongs to neither
      while (current < windows && t1 > bounds[current]) report(current++);
      if (current < windows) measured[current].push(latency);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  while (current < windows) report(current++);
  return { warmup: summarise(warm, warmEnd - started, inFlight), windows: measured.map((l) => summarise(l, windowMs, inFlight)) };
}

function summarise(latencies: number[], windowMs: number, inFlight: number): LoopResult {
  const seconds = windowMs / 1000;
  const mean = latencies.length ? latencies.reduce((a, b) => a + b, 0) / latencies.length : Number.NaN;
  return {
    completed: latencies.length,
    seconds,
    perSecond: latencies.length ? (inFlight * 1000) / mean : 0,
    countedPerSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    mean,
  };
}

/** Runs `task` for each of `items` with at most `limit` at once. */
export async function forEachLimited<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

export function heapUsed(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  return process.memoryUsage().heapUsed;
}
