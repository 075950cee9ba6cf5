import { Client } from 'pg';
import { createLogger } from '../../engine/logger';
import { createStore } from '../../engine/store/create-store';
import { PostgresStore } from '../../engine/store/postgres-store';
import type { Store } from '../../engine/store/store';
import { storeContract } from './store-contract';

const DATABASE = process.env.BATON_TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const RUN = `baton_test_${process.pid}_${Date.now().toString(36)}`;
const logger = createLogger('test', 'silent');
const schemas: string[] = [];

function schemaOf(store: Store): string {
  if (!(store instanceof PostgresStore)) throw new Error('not a PostgresStore');
  return store.schema;
}

async function withClient<T>(run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: DATABASE });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

async function dropSchemas(): Promise<void> {
  await withClient(async (client) => {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });
}

function open(schema: string): Promise<Store> {
  return createStore({ databaseUrl: `${DATABASE}?schema=${schema}`, dataDir: '/nonexistent', logger });
}

storeContract('postgresql', () => ({
  fresh: async () => {
    const schema = `${RUN}_${schemas.length}`;
    schemas.push(schema);
    return open(schema);
  },
  reopen: async (store) => {
    await store.close();
    return open(schemaOf(store));
  },
  migrationRows: (store) =>
    withClient(async (client) => {
      const { rows } = await client.query(
        `SELECT migration_name, finished_at, checksum, applied_steps_count FROM "${schemaOf(store)}"."_prisma_migrations"`,
      );
      return rows;
    }),
  cleanup: dropSchemas,
}));

describe('postgresql store specifics', () => {
  afterAll(dropSchemas);

  it('creates the schema named by ?schema= and keeps its tables there, apart from other schemas', async () => {
    const first = `${RUN}_iso_a`;
    const second = `${RUN}_iso_b`;
    schemas.push(first, second);
    const a = await open(first);
    const b = await open(second);
    await a.migrate();
    await b.migrate();
    await a.insertDefinitions([
      { key: 'k', bpmnProcessId: 'p', version: 1, hash: 'h', resourceName: 'p.bpmn', xml: '<x/>', deployedAt: 1, templates: [] },
    ]);
    expect(await a.listDefinitions()).toHaveLength(1);
    expect(await b.listDefinitions()).toHaveLength(0);
    await a.close();
    await b.close();
    const tables = await withClient(async (client) => {
      const { rows } = await client.query<{ table_name: string }>(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
        [first],
      );
      return rows.map((r) => r.table_name);
    });
    expect(tables).toEqual(['_prisma_migrations', 'api_keys', 'catalog_templates', 'definitions', 'history', 'instances', 'outbox']);
  });

  it('reports an unreachable server as a StoreError and an unhealthy store', async () => {
    const store = await createStore({ databaseUrl: 'postgresql://postgres@127.0.0.1:1/test', dataDir: '/nonexistent', logger });
    await expect(store.migrate()).rejects.toMatchObject({ code: 'STORE' });
    await expect(store.health()).resolves.toMatchObject({ ok: false });
    await store.close();
  });
});
