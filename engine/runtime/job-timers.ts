/**
 * One timer per job (its timeout or its back-off); re-armed from state after a restart.
 * A timer never fires before its due time: Node measures timers on libuv's coarse loop clock, and about
 * one in twenty fires a millisecond before Date.now() reaches the epoch time it was armed for; the job
 * step would find the job not yet due and do nothing, so an early wake-up re-arms for the rest
 * (test/reliability/regressions/job-timer-fires-early.test.ts).
 */
const MAX_DELAY_MS = 2 ** 31 - 1;

export class JobTimers {
  private timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly fire: (jobKey: string) => void) {}

  arm(jobKey: string, dueAt: number): void {
    this.cancel(jobKey);
    const delay = Math.max(0, dueAt - Date.now());
    const timer = setTimeout(() => {
      this.timers.delete(jobKey);
      if (Date.now() < dueAt) this.arm(jobKey, dueAt); // early (coarse loop clock) or capped at MAX_DELAY_MS
      else this.fire(jobKey);
    }, Math.min(delay, MAX_DELAY_MS));
    timer.unref();
    this.timers.set(jobKey, timer);
  }

  cancel(jobKey: string): void {
    const timer = this.timers.get(jobKey);
    if (timer) clearTimeout(timer);
    this.timers.delete(jobKey);
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
