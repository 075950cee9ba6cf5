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
  /** Instances that completed inside the measuring window. */
  completed: number;
  seconds: number;
  perSecond: number;
  /** Start-to-end latency in ms. */
  p50: number;
  p99: number;
}

/**
 * A closed loop: `inFlight` lanes each start an instance and wait for its end, then start the next. The loop
 * runs without a break through a warm-up and then `windows` measuring windows of `windowMs` each; an instance
 * counts in the window its end falls in (its latency too). The instances in flight after the last window
 * are waited for, so the next loop starts clean, but not counted. One continuous loop means no window starts
 * from an empty engine or ends with a drain, which matters for an engine whose latency is close to a window.
 */
export async function closedLoop(
  runOne: () => Promise<void>,
  options: { inFlight: number; warmupMs: number; windowMs: number; windows: number; onWindow?: (index: number, result: LoopResult) => void },
): Promise<{ warmup: LoopResult; windows: LoopResult[] }> {
  const { inFlight, warmupMs, windowMs, windows } = options;
  const started = performance.now();
  const bounds = [started + warmupMs];
  for (let i = 1; i <= windows; i++) bounds.push(started + warmupMs + i * windowMs);
  const end = bounds[bounds.length - 1];
  // latencies[0] is the warm-up, latencies[i] window i
  const latencies: number[][] = bounds.map(() => []);
  const reported = new Set<number>();
  const report = (index: number) => {
    if (index < 1 || reported.has(index)) return;
    reported.add(index);
    options.onWindow?.(index - 1, summarise(latencies[index], windowMs));
  };
  let current = 0;
  const lane = async (): Promise<void> => {
    while (performance.now() < end) {
      const t0 = performance.now();
      await runOne();
      const t1 = performance.now();
      while (current < bounds.length && t1 > bounds[current]) report(current++);
      if (current < bounds.length) latencies[current].push(t1 - t0);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  while (current < bounds.length) report(current++);
  return { warmup: summarise(latencies[0], warmupMs), windows: latencies.slice(1).map((l) => summarise(l, windowMs)) };
}

function summarise(latencies: number[], windowMs: number): LoopResult {
  const seconds = windowMs / 1000;
  return { completed: latencies.length, seconds, perSecond: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
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
