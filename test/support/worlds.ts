/**
 * Test worlds: an engine on real parts. Embedded: a SQLite file and the in-process bus. Distributed:
 * PostgreSQL (a schema of its own, dropped afterwards) and NATS JetStream (a subject prefix of its own,
 * streams deleted afterwards).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { loadEmbeddedCatalog } from '../../catalog/embedded-catalog';
import type { TemplateCatalog } from '../../catalog/catalog';
import type { Bus } from '../../engine/bus/bus';
import { InProcessBus } from '../../engine/bus/in-process-bus';
import { connectNatsBus } from '../../engine/bus/nats-bus';
import { createLogger } from '../../engine/logger';
import { Engine } from '../../engine/runtime/engine';
import { createStore } from '../../engine/store/create-store';
import type { Store } from '../../engine/store/store';

export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
export const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
export const TEMPLATES_DIR = path.resolve(__dirname, '../../element-templates');

export type WorldKind = 'embedded' | 'distributed';

export interface World {
  readonly kind: WorldKind;
  engine: Engine;
  store: Store;
  /** The engine's bus. */
  bus: Bus;
  catalog: TemplateCatalog;
  /** A second connection, as an integration service in another process would have (same bus when embedded). */
  serviceBus(): Promise<Bus>;
  /** Stops the engine and its bus connection, then starts a new engine on the same database and broker. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

const logger = createLogger('test');

export function unique(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
}

export async function openWorld(kind: WorldKind, options: { templatesDir?: string } = {}): Promise<World> {
  const catalog = await loadEmbeddedCatalog(options.templatesDir ?? TEMPLATES_DIR);
  const cleanups: (() => Promise<void>)[] = [];
  let databaseUrl: string;
  let connectBus: () => Promise<Bus>;
  if (kind === 'embedded') {
    const dir = mkdtempSync(path.join(tmpdir(), 'baton-test-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    databaseUrl = `file:${path.join(dir, 'baton.db')}`;
    const shared = new InProcessBus({ redeliveryDelayMs: 20 });
    connectBus = async () => shared;
    cleanups.push(() => shared.close());
  } else {
    const schema = unique('t_');
    databaseUrl = `${PG_URL}?schema=${schema}`;
    cleanups.push(() => dropSchema(schema));
    const prefix = unique('t');
    connectBus = () => connectNatsBus({ servers: NATS_URL, prefix, name: `test-${prefix}`, logger, redeliveryDelayMs: 50, ackWaitMs: 5000 });
    cleanups.push(() => deleteStreams(prefix));
  }
  const extraBuses: Bus[] = [];
  const open = async () => {
    const store = await createStore({ databaseUrl, dataDir: tmpdir(), logger });
    await store.migrate();
    const bus = await connectBus();
    const engine = await Engine.start({ store, bus, catalog, logger });
    return { store, bus, engine };
  };
  let parts = await open();
  const stopParts = async () => {
    await parts.engine.stop();
    if (kind === 'distributed') await parts.bus.close();
    await parts.store.close();
  };
  const world: World = {
    kind,
    catalog,
    get engine() {
      return parts.engine;
    },
    get store() {
      return parts.store;
    },
    get bus() {
      return parts.bus;
    },
    async serviceBus() {
      if (kind === 'embedded') return parts.bus;
      const bus = await connectBus();
      extraBuses.push(bus);
      return bus;
    },
    async restart() {
      await stopParts();
      parts = await open();
    },
    async close() {
      await stopParts();
      for (const bus of extraBuses) await bus.close();
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    },
  } as World;
  return world;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}

export async function deleteStreams(prefix: string): Promise<void> {
  const { connect } = await import('@nats-io/transport-node');
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const nc = await connect({ servers: NATS_URL });
  const jsm = await jetstreamManager(nc);
  for (const name of [`${prefix.toUpperCase()}_JOBS`, `${prefix.toUpperCase()}_ANSWERS`]) await jsm.streams.delete(name).catch(() => undefined);
  await nc.close();
}

/** Polls until `check` returns a value (not undefined) or the time is up. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
