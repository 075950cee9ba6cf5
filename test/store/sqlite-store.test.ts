import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { createLogger } from '../../engine/logger';
import { createStore } from '../../engine/store/create-store';
import { SqliteStore } from '../../engine/store/sqlite-store';
import type { Store } from '../../engine/store/store';
import { storeContract } from './store-contract';

const logger = createLogger('test', 'silent');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-sqlite-'));
let count = 0;

function fileOf(store: Store): string {
  if (!(store instanceof SqliteStore)) throw new Error('not a SqliteStore');
  return store.file;
}

storeContract('sqlite', () => ({
  fresh: async () => createStore({ databaseUrl: `file:${path.join(dir, `contract-${++count}.db`)}`, dataDir: dir, logger }),
  reopen: async (store) => {
    const file = fileOf(store);
    await store.close();
    return createStore({ databaseUrl: `file:${file}`, dataDir: dir, logger });
  },
  migrationRows: async (store) => {
    const db = new Database(fileOf(store), { readonly: true });
    try {
      return db.prepare('SELECT migration_name, finished_at, checksum, applied_steps_count FROM _prisma_migrations').all() as {
        migration_name: string;
        finished_at: unknown;
        checksum: string;
        applied_steps_count: unknown;
      }[];
    } finally {
      db.close();
    }
  },
  cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
}));

describe('sqlite store specifics', () => {
  const own = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-sqlite-own-'));
  afterAll(() => fs.rmSync(own, { recursive: true, force: true }));

  it('defaults to <dataDir>/baton.db, creating the folder, in WAL mode', async () => {
    const dataDir = path.join(own, 'nested', 'data');
    const store = await createStore({ dataDir, logger });
    await store.migrate();
    expect(store.kind).toBe('sqlite');
    expect(fs.existsSync(path.join(dataDir, 'baton.db'))).toBe(true);
    await store.close();
    const db = new Database(path.join(dataDir, 'baton.db'), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it("leaves nothing for Prisma's own `migrate deploy` to apply", async () => {
    const file = path.join(own, 'prisma-check.db');
    const store = await createStore({ databaseUrl: `file:${file}`, dataDir: own, logger });
    await store.migrate();
    await store.close();
    const root = path.resolve(__dirname, '..', '..');
    const { stdout } = await promisify(execFile)(process.execPath, [require.resolve('prisma/build/index.js', { paths: [root] }), 'migrate', 'deploy'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: `file:${file}`, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    });
    expect(stdout).toMatch(/No pending migrations to apply/);
  });
});
