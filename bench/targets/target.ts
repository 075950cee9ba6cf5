/** What the runner drives: an engine (Baton in one mode, or bpmn-engine) prepared for one scenario. */
import type { ScenarioId } from '../lib/processes';

export interface ScenarioRunner {
  /** Starts one instance; resolves when it has ended. */
  runOne(): Promise<void>;
  /** Scenario d: starts one instance; resolves once it waits at its user task, with what completes it. */
  startWaiting(): Promise<unknown>;
  /** Scenario d: completes the user task of `handle`; resolves when the instance has ended. */
  completeWaiting(handle: unknown): Promise<void>;
  close(): Promise<void>;
}

export interface Target {
  readonly mode: string;
  open(scenario: ScenarioId): Promise<ScenarioRunner>;
  close(): Promise<void>;
}

/**
 * Matches instance ends to the callers waiting for them. An end may arrive before the caller knows the
 * instance key (start -> end finishes inside startInstance), so early ends are kept until claimed.
 */
export class EndWaiter {
  private readonly waiting = new Map<string, () => void>();
  private readonly early = new Set<string>();

  ended(key: string): void {
    const resolve = this.waiting.get(key);
    if (resolve) {
      this.waiting.delete(key);
      resolve();
    } else {
      this.early.add(key);
    }
  }

  /** Resolves when `key` has ended (at once if it has already). */
  expect(key: string): Promise<void> {
    if (this.early.delete(key)) return Promise.resolve();
    return new Promise<void>((resolve) => this.waiting.set(key, resolve));
  }
}
