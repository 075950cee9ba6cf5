/**
 * Keys. An instance key is unique across engine processes and restarts (time + randomness, sortable by
 * creation); every key inside an instance is `<instanceKey>-<seq>`, so a job key alone routes an answer
 * to its instance without a lookup table.
 */
import { randomFillSync } from 'node:crypto';

/** Random bytes are drawn from a pool filled 4 KiB at a time: one call into the CSPRNG per 4 KiB instead of
 *  one per key (a call per key cost about a tenth of the engine's CPU time at 100 instances in flight). */
const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let poolOffset = POOL_SIZE;

/** `bytes` random bytes (from the CSPRNG) as lowercase hex. */
export function randomHex(bytes: number): string {
  if (bytes > POOL_SIZE) throw new Error(`bug: randomHex(${bytes}) asks for more than the pool holds`);
  if (poolOffset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const hex = pool.toString('hex', poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return hex;
}

let lastMillis = 0;
let counter = 0;

export function newRootKey(): string {
  const now = Date.now();
  counter = now === lastMillis ? counter + 1 : 0;
  lastMillis = now;
  return now.toString(36).padStart(9, '0') + counter.toString(36).padStart(3, '0') + randomHex(4);
}

export function childKey(instanceKey: string, seq: number): string {
  return `${instanceKey}-${seq}`;
}

/** The instance a child key (job, element instance, user task, incident) belongs to. */
export function instanceKeyOf(childKey: string): string {
  const dash = childKey.indexOf('-');
  return dash < 0 ? childKey : childKey.slice(0, dash);
}
