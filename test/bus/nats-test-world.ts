/** A NATS test world: a unique subject prefix per run, its streams deleted afterwards. */
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { connectNatsBus, type NatsBus, type NatsBusOptions } from '../../engine/bus/nats-bus';

export const NATS_URL = process.env.NATS_URL ?? '127.0.0.1:4222';

export function uniquePrefix(): string {
  return `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

export function natsBus(prefix: string, extra: Partial<NatsBusOptions> = {}): Promise<NatsBus> {
  return connectNatsBus({ servers: NATS_URL, prefix, name: `test-${prefix}`, redeliveryDelayMs: 50, ackWaitMs: 5_000, ...extra });
}

/** A raw connection for what a bus does not do (raw publishes, deleting streams). */
export async function rawNats(): Promise<{ nc: NatsConnection; jsm: JetStreamManager }> {
  const nc = (await connect({ servers: NATS_URL })) as NatsConnection;
  return { nc, jsm: await jetstreamManager(nc) };
}

export async function deleteStreams(prefix: string): Promise<void> {
  const { nc, jsm } = await rawNats();
  for (const name of [`${prefix.toUpperCase()}_JOBS`, `${prefix.toUpperCase()}_ANSWERS`]) {
    await jsm.streams.delete(name).catch(() => undefined);
  }
  await nc.close();
}
