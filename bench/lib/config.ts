/** The benchmark's options (flags of `npm run bench`) and the shape of its results. */
import type { LoopResult } from './stats';
import type { ScenarioId } from './processes';

export const MODES = ['bpmn-engine', 'memory', 'embedded', 'distributed'] as const;
export type Mode = (typeof MODES)[number];

export interface BenchConfig {
  modes: Mode[];
  scenarios: ScenarioId[];
  /** In-flight levels of the closed loop. */
  inFlight: number[];
  /** Seconds per measured repetition. */
  seconds: number;
  /** Seconds of the warm-up before each cell. */
  warmupSeconds: number;
  repetitions: number;
  /** Instances waiting at the user task in scenario d. */
  waiting: number;
  /** The same for bpmn-engine, whose waiting instances take about half a MiB each (10,000 do not fit a 4 GiB
   *  heap, and a heap that large makes its collector, not the engine, the figure). */
  referenceWaiting: number;
  /** In flight while starting and completing the waiting instances of d. */
  waitingInFlight: number;
  workerConcurrency: number;
  postgresUrl: string;
  natsUrl: string;
  /** Write a CPU profile per mode process into this folder. */
  profileDir?: string;
}

export interface FlowCell {
  inFlight: number;
  /** Medians over the repetitions. */
  perSecond: number;
  p50: number;
  p99: number;
  warmup: LoopResult;
  reps: LoopResult[];
}

export interface WaitingResult {
  waiting: number;
  heapBefore: number;
  heapAfter: number;
  bytesPerInstance: number;
  startSeconds: number;
  completeSeconds: number;
  completePerSecond: number;
}

export interface ModeResult {
  mode: Mode;
  flows: Partial<Record<ScenarioId, FlowCell[]>>;
  waiting?: WaitingResult;
  error?: string;
}
