/**
 * The store on PostgreSQL (distributed mode). One pg Pool serves both Prisma's client (adapter-pg, cold paths)
 * and the hot path. Every connection gets `search_path` set to the store's schema, so one database can hold
 * several isolated Batons (or test runs). A commit is ONE statement: data-modifying CTEs that upsert the
 * instances, insert history and outbox and delete published outbox rows; the rows of each table travel as ONE
 * JSON array parameter (rows as arrays) read with `json_array_elements`. A single statement is atomic by
 * itself, needs one round trip, has a fixed text (a named prepared statement per connection) and 4 parameters
 * whatever the batch size, so no chunking is needed. JSON rather than one array parameter per column: pg
 * turns a JS array into a PostgreSQL array literal by escaping every element in JavaScript, which for the
 * state documents (full of quotes) cost more CPU than the rest of the commit; JSON.stringify is native.
 */
import { Pool } from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import type { Logger } from '../logger';
import type { HistoryRecord, InstanceState } from '../runtime/instance-state';
import { pgSearchPathOptions } from './database-url';
import { PrismaClient } from './generated/postgresql/client';
import { migratePostgres } from './migrate';
import {
  HISTORY_COLUMNS,
  INSTANCE_COLUMNS,
  INSTANCE_SUMMARY_SELECT,
  INSTANCE_UPSERT_SET,
  definitionError,
  definitionToRow,
  instanceWhere,
  parseState,
  prepareBatch,
  quotedColumns,
  rowToDefinition,
  rowToHistory,
  rowToOutbox,
  rowToSummary,
  storeError,
  type HistoryRow,
  type OutboxRow,
} from './sql-rows';
import type { CommitBatch, DefinitionRecord, InstanceFilter, InstanceSummary, OutboxEntry, Store } from './store';

export interface PostgresStoreOptions {
  /** A postgres:// URL without the `schema` parameter. */
  connectionString: string;
  /** The schema the tables live in (default public); created by migrate() if missing. */
  schema?: string;
  logger: Logger;
  /** Pool size (default 10). */
  maxConnections?: number;
}

const INSTANCE_TYPES = ['text', 'text', 'text', 'int4', 'text', 'int4', 'int8', 'int8', 'text'];
const HISTORY_TYPES = ['text', 'int4', 'int8', 'text', 'text', 'text', 'text'];

/** The rows of JSON array parameter `$param` (each row an array), as a SELECT list of typed columns. */
function jsonRows(types: string[], param: number): string {
  return `SELECT ${types.map((t, i) => `(r->>${i})::${t}`).join(', ')} FROM json_array_elements($${param}::json) AS r`;
}

const COMMIT_SQL = [
  'WITH upserted AS (',
  `  INSERT INTO instances (${quotedColumns(INSTANCE_COLUMNS)}) ${jsonRows(INSTANCE_TYPES, 1)}`,
  `  ON CONFLICT ("key") DO UPDATE SET ${INSTANCE_UPSERT_SET}),`,
  'appended AS (',
  `  INSERT INTO history (${quotedColumns(HISTORY_COLUMNS)}) ${jsonRows(HISTORY_TYPES, 2)}),`,
  'queued AS (',
  `  INSERT INTO outbox ("id", "message") ${jsonRows(['text', 'text'], 3)}),`,
  'removed AS (',
  '  DELETE FROM outbox WHERE "id" = ANY($4::text[]))',
  'SELECT 1',
].join('\n');

export class PostgresStore implements Store {
  readonly kind = 'postgresql' as const;
  private closed = false;

  private constructor(
    readonly schema: string,
    private readonly pool: Pool,
    private readonly prisma: PrismaClient,
    private readonly logger: Logger,
  ) {}

  static open(options: PostgresStoreOptions): PostgresStore {
    const schema = options.schema ?? 'public';
    const pool = new Pool({
      connectionString: options.connectionString,
      options: pgSearchPathOptions(schema),
      max: options.maxConnections ?? 10,
    });
    pool.on('error', (error) => options.logger.warn({ err: error }, 'an idle PostgreSQL connection failed'));
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { schema }) });
    return new PostgresStore(schema, pool, prisma, options.logger);
  }

  async migrate(): Promise<void> {
    await migratePostgres(this.pool, this.schema, this.logger);
  }

  // definitions: cold path, Prisma

  async insertDefinitions(definitions: DefinitionRecord[]): Promise<void> {
    if (!definitions.length) return;
    try {
      await this.prisma.definition.createMany({ data: definitions.map(definitionToRow) });
    } catch (error) {
      throw definitionError(error, definitions);
    }
  }

  async latestDefinition(bpmnProcessId: string): Promise<DefinitionRecord | null> {
    const row = await this.run('Reading the latest definition', () =>
      this.prisma.definition.findFirst({ where: { bpmnProcessId }, orderBy: { version: 'desc' } }),
    );
    return row ? rowToDefinition(row) : null;
  }

  async getDefinition(key: string): Promise<DefinitionRecord | null> {
    const row = await this.run('Reading a definition', () => this.prisma.definition.findUnique({ where: { key } }));
    return row ? rowToDefinition(row) : null;
  }

  async listDefinitions(): Promise<DefinitionRecord[]> {
    const rows = await this.run('Listing definitions', () =>
      this.prisma.definition.findMany({ orderBy: [{ bpmnProcessId: 'asc' }, { version: 'asc' }] }),
    );
    return rows.map(rowToDefinition);
  }

  async listInstances(filter: InstanceFilter): Promise<InstanceSummary[]> {
    const rows = await this.run('Listing instances', () =>
      this.prisma.instance.findMany({
        where: instanceWhere(filter),
        select: INSTANCE_SUMMARY_SELECT,
        orderBy: [{ startedAt: 'desc' }, { key: 'desc' }],
        take: filter.limit,
        skip: filter.offset,
      }),
    );
    return rows.map(rowToSummary);
  }

  // instances: hot path, pg

  async commit(batch: CommitBatch): Promise<void> {
    const rows = prepareBatch(batch);
    if (!rows.instances.length && !rows.history.length && !rows.outbox.length && !rows.published.length) return;
    const values = [JSON.stringify(rows.instances), JSON.stringify(rows.history), JSON.stringify(rows.outbox), rows.published];
    await this.run('Committing a batch (nothing was written)', () => this.pool.query({ name: 'baton-commit', text: COMMIT_SQL, values }));
  }

  async loadActiveInstances(): Promise<InstanceState[]> {
    const { rows } = await this.run('Loading active instances', () =>
      this.pool.query<{ key: string; state: string }>(`SELECT key, state FROM instances WHERE status = 'ACTIVE' ORDER BY started_at, key`),
    );
    return rows.map((r) => parseState(r.state, r.key));
  }

  async getInstance(key: string): Promise<InstanceState | null> {
    const { rows } = await this.run('Reading an instance', () =>
      this.pool.query<{ state: string }>({ name: 'baton-get-instance', text: 'SELECT state FROM instances WHERE key = $1', values: [key] }),
    );
    return rows.length ? parseState(rows[0].state, key) : null;
  }

  async history(instanceKey: string): Promise<HistoryRecord[]> {
    const { rows } = await this.run('Reading history', () =>
      this.pool.query<HistoryRow>(`SELECT ${quotedColumns(HISTORY_COLUMNS)} FROM history WHERE instance_key = $1 ORDER BY position`, [instanceKey]),
    );
    return rows.map(rowToHistory);
  }

  async pendingOutbox(): Promise<OutboxEntry[]> {
    const { rows } = await this.run('Reading the outbox', () => this.pool.query<OutboxRow>('SELECT id, message FROM outbox ORDER BY seq'));
    return rows.map(rowToOutbox);
  }

  async health(): Promise<{ ok: boolean; detail: string }> {
    try {
      await this.pool.query('SELECT 1');
      return { ok: true, detail: `postgresql schema ${this.schema}` };
    } catch (error) {
      return { ok: false, detail: `postgresql schema ${this.schema}: ${(error as Error).message}` };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.prisma.$disconnect().catch((error: unknown) => this.logger.warn({ err: error }, 'closing the Prisma client failed'));
    await this.pool.end();
  }

  private async run<T>(action: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw storeError(action, error);
    }
  }
}
