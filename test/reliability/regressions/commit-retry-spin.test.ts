/**
 * Regression (found while testing a failed commit for answer-during-reload.test.ts): when a commit failed
 * while published outbox ids were waiting to be deleted, the commit queue put the ids back and tried
 * again at once, in a loop. A store that fails fast (the database away) made that a microtask spin that
 * starved the event loop: no timer, no HTTP request, no NATS heartbeat ran until the database came back
 * (on PostgreSQL a hot retry loop flooding the log). Now a failed commit is retried after a back-off.
 */
import { createLogger } from '../../../engine/logger';
import { CommitQueue } from '../../../engine/runtime/commit-queue';
import { MemoryStore } from '../../../engine/store/memory-store';
import type { CommitBatch } from '../../../engine/store/store';

class AwayStore extends MemoryStore {
  down = false;
  attempts = 0;
  override async commit(batch: CommitBatch): Promise<void> {
    if (this.down) {
      this.attempts += 1;
      throw new Error('database away');
    }
    return super.commit(batch);
  }
}

test('a failing store is retried with a back-off, the event loop keeps running, and the ids are deleted later', async () => {
  const store = new AwayStore();
  const queue = new CommitQueue(store, () => undefined, createLogger('test'), { maxBatch: 100, idleFlushMs: 10 });
  store.down = true;
  queue.markPublished(['outbox-1', 'outbox-2']);

  // A timer of 300 ms must fire on time while the queue keeps failing.
  const started = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(Date.now() - started).toBeLessThan(1_000);
  expect(store.attempts).toBeGreaterThan(0);
  expect(store.attempts).toBeLessThan(20); // backed off, not thousands of tries

  const deleted: string[][] = [];
  const commit = store.commit.bind(store);
  store.commit = async (batch: CommitBatch) => {
    await commit(batch);
    deleted.push(batch.published);
  };
  store.down = false;
  const deadline = Date.now() + 10_000;
  while (deleted.flat().length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(deleted.flat().sort()).toEqual(['outbox-1', 'outbox-2']);
  await queue.stop();
});
