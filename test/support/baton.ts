/**
 * A whole Baton process for end-to-end tests: startBaton on real parts, listening on a free port, with a
 * known admin key (BATON_ADMIN_KEY). Embedded: a SQLite file and the in-process bus (services in-process).
 * Distributed: a PostgreSQL schema of its own and NATS JetStream under a subject prefix of its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createLogger } from '../../engine/logger';
import { startBaton, type RunningBaton } from '../../engine/server/baton';
import { configFromEnv, type BatonConfig } from '../../engine/server/config';
import { bearer } from './access';
import { deleteStreams, dropSchema, NATS_URL, PG_URL, TEMPLATES_DIR, unique, type WorldKind } from './worlds';

export interface TestBaton {
  baton: RunningBaton;
  url: string;
  adminKey: string;
  config: BatonConfig;
  /** Creates a key over REST with the admin key. */
  createKey(role: string, namespaces?: string[]): Promise<string>;
  close(): Promise<void>;
}

export async function startTestBaton(kind: WorldKind, overrides: Partial<BatonConfig> = {}): Promise<TestBaton> {
  const adminKey = `baton_${unique('test-admin-')}`;
  const cleanups: (() => Promise<void>)[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'baton-e2e-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const base = { ...configFromEnv({}), port: 0, dataDir: dir, templatesDir: TEMPLATES_DIR, adminKey };
  let config: BatonConfig;
  if (kind === 'embedded') {
    config = { ...base, databaseUrl: `file:${path.join(dir, 'baton.db')}`, inProcessWorkers: true, ...overrides };
  } else {
    const schema = unique('t_');
    const prefix = unique('t');
    cleanups.push(() => dropSchema(schema), () => deleteStreams(prefix));
    config = { ...base, databaseUrl: `${PG_URL}?schema=${schema}`, natsUrl: NATS_URL, subjectPrefix: prefix, inProcessWorkers: false, ...overrides };
  }
  const baton = await startBaton(config, createLogger('test'));
  return {
    baton,
    url: baton.url,
    adminKey,
    config,
    async createKey(role, namespaces = []) {
      const res = await request(baton.url).post('/api/keys').set(bearer(adminKey)).send({ role, namespaces });
      if (res.status !== 201) throw new Error(`creating a ${role} key failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.key as string;
    },
    async close() {
      await baton.stop();
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    },
  };
}
