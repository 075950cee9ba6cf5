/**
 * Keys. An instance key is unique across engine processes and restarts (time + randomness, sortable by
 * creation); every key inside an instance is `<instanceKey>-<seq>`, so a job key alone routes an answer
 * to its instance without a lookup table.
 */
import { randomBytes } from 'node:crypto';

let lastMillis = 0;
let counter = 0;

export function newRootKey(): string {
  const now = Date.now();
  counter = now === lastMillis ? counter + 1 : 0;
  lastMillis = now;
  return now.toString(36).padStart(9, '0') + counter.toString(36).padStart(3, '0') + randomBytes(4).toString('hex');
}

export function childKey(instanceKey: string, seq: number): string {
  return `${instanceKey}-${seq}`;
}

/** The instance a child key (job, element instance, user task, incident) belongs to. */
export function instanceKeyOf(childKey: string): string {
  const dash = childKey.indexOf('-');
  return dash < 0 ? childKey : childKey.slice(0, dash);
}
