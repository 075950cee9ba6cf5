/** One timer per job (its timeout or its back-off); re-armed from state after a restart. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export class JobTimers {
  private timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly fire: (jobKey: string) => void) {}

  arm(jobKey: string, dueAt: number): void {
    this.cancel(jobKey);
    const delay = Math.max(0, dueAt - Date.now());
    const timer = setTimeout(() => {
      this.timers.delete(jobKey);
      if (delay === MAX_DELAY_MS) this.arm(jobKey, dueAt);
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
