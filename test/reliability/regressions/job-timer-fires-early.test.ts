/**
 * Regression (found by the chaos harness): a job whose back-off timer fired a little early stayed
 * BACKING_OFF forever and its instance never completed.
 *
 * Node measures timers on libuv's loop clock, a coarse monotonic clock in whole milliseconds, while the
 * due times are Date.now() epoch milliseconds; measured here, about one timer in twenty fires 1 ms before
 * Date.now() reaches the time it was armed for. The engine's timer step checks `now >= retryAt` (or
 * `>= deadline`), found the job not yet due, did nothing, and nothing armed the timer again. JobTimers now
 * never fires before the due time: an early wake-up re-arms for the rest.
 */
import { JobTimers } from '../../../engine/runtime/job-timers';

describe('JobTimers', () => {
  test('never fires before the due time (2,000 timers of 1 to 30 ms)', async () => {
    const early: number[] = [];
    let fired = 0;
    const due = new Map<string, number>();
    const timers = new JobTimers((jobKey) => {
      fired += 1;
      const ahead = due.get(jobKey)! - Date.now();
      if (ahead > 0) early.push(ahead);
    });
    for (let i = 0; i < 2_000; i++) {
      const at = Date.now() + 1 + Math.floor(Math.random() * 30);
      due.set(`job-${i}`, at);
      timers.arm(`job-${i}`, at);
      if (i % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const deadline = Date.now() + 5_000;
    while (fired < 2_000 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    timers.stop();
    expect(fired).toBe(2_000);
    expect(early).toEqual([]);
  });

  test('a canceled timer does not fire, a re-armed one fires once at its new time', async () => {
    const fired: string[] = [];
    const timers = new JobTimers((jobKey) => fired.push(jobKey));
    timers.arm('a', Date.now() + 10);
    timers.cancel('a');
    timers.arm('b', Date.now() + 10);
    timers.arm('b', Date.now() + 30);
    await new Promise((resolve) => setTimeout(resolve, 80));
    timers.stop();
    expect(fired).toEqual(['b']);
  });
});
