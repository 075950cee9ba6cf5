/**
 * The store on a SQLite file (embedded mode). Prisma's client (adapter-better-sqlite3) serves the cold paths;
 * the hot path (commit) and the instance reads go through better-sqlite3 directly, on a second connection to
 * the same file in WAL mode with synchronous=NORMAL: one transaction per commit, multi-row statements.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import type { Logger } from '../logger';
import type { HistoryRecord, InstanceState } from '../runtime/instance-state';
import { PrismaClient } from './generated/sqlite/client';
import { migrateSqlite } from './migrate';
import {
  HISTORY_COLUMNS,
  INSTANCE_COLUMNS,
  INSTANCE_SUMMARY_SELECT,
  INSTANCE_UPSERT_SET,
  OUTBOX_COLUMNS,
  definitionError,
  definitionToRow,
  instanceWhere,
  parseState,
  powerOfTwoChunks,
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

export interface SqliteStoreOptions {
  /** Path of the database file; its folder is created if missing. */
  file: string;
  logger: Logger;
  /** How long a writer waits for another connection's lock, in ms (default 5000). */
  busyTimeoutMs?: number;
}

/** Rows per statement at most; a power of two (SQLite allows 32766 parameters; 256 x 9 = 2304). */
const MAX_ROWS = 256;

type Table = 'instances' | 'history' | 'outbox' | 'published';

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly statements = new Map<string, Database.Statement>();
  /** A write through Prisma in flight. Prisma runs a write as BEGIN / INSERT / COMMIT with awaits between, so
   *  its connection may hold the write lock while the event loop runs; a (synchronous) commit on the raw
   *  connection then would block the thread until the busy timeout. Commits wait for it instead. */
  private prismaWrite: Promise<unknown> | undefined;
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly db: Database.Database,
    private readonly prisma: PrismaClient,
    private readonly logger: Logger,
  ) {}

  static open(options: SqliteStoreOptions): SqliteStore {
    const file = path.resolve(options.file);
    const timeout = options.busyTimeoutMs ?? 5000;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const db = new Database(file, { timeout });
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      const prisma = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: `file:${file}`, timeout }) });
      return new SqliteStore(file, db, prisma, options.logger);
    } catch (error) {
      throw storeError(`Opening the SQLite database ${file}`, error);
    }
  }

  async migrate(): Promise<void> {
    migrateSqlite(this.db, this.logger);
  }

  // definitions: cold path, Prisma

  async insertDefinitions(definitions: DefinitionRecord[]): Promise<void> {
    if (!definitions.length) return;
    while (this.prismaWrite) await this.prismaWrite.catch(() => undefined);
    const write = this.prisma.definition.createMany({ data: definitions.map(definitionToRow) });
    this.prismaWrite = write;
    try {
      await write;
    } catch (error) {
      throw definitionError(error, definitions);
    } finally {
      this.prismaWrite = undefined;
    }
  }

  async latestDefinition(bpmnProcessId: string): Promise<DefinitionRecord | null> {
    const row = await this.cold('Reading the latest definition', () =>
      this.prisma.definition.findFirst({ where: { bpmnProcessId }, orderBy: { version: 'desc' } }),
    );
    return row ? rowToDefinition(row) : null;
  }

  async getDefinition(key: string): Promise<DefinitionRecord | null> {
    const row = await this.cold('Reading a definition', () => this.prisma.definition.findUnique({ where: { key } }));
    return row ? rowToDefinition(row) : null;
  }

  async listDefinitions(): Promise<DefinitionRecord[]> {
    const rows = await this.cold('Listing definitions', () =>
      this.prisma.definition.findMany({ orderBy: [{ bpmnProcessId: 'asc' }, { version: 'asc' }] }),
    );
    return rows.map(rowToDefinition);
  }

  async listInstances(filter: InstanceFilter): Promise<InstanceSummary[]> {
    const rows = await this.cold('Listing instances', () =>
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

  // instances: hot path, better-sqlite3

  async commit(batch: CommitBatch): Promise<void> {
    const rows = prepareBatch(batch);
    while (this.prismaWrite) await this.prismaWrite.catch(() => undefined);
    try {
      this.db.transaction(() => {
        this.runChunks('instances', rows.instances);
        this.runChunks('history', rows.history);
        this.runChunks('outbox', rows.outbox);
        this.runChunks('published', rows.published.map((id) => [id]));
      })();
    } catch (error) {
      throw storeError('Committing a batch (nothing was written)', error);
    }
  }

  async loadActiveInstances(): Promise<InstanceState[]> {
    const rows = this.read('Loading active instances', () =>
      this.db.prepare<[], { key: string; state: string }>(`SELECT key, state FROM instances WHERE status = 'ACTIVE' ORDER BY started_at, key`).all(),
    );
    return rows.map((r) => parseState(r.state, r.key));
  }

  async getInstance(key: string): Promise<InstanceState | null> {
    const row = this.read('Reading an instance', () => this.db.prepare<[string], { state: string }>('SELECT state FROM instances WHERE key = ?').get(key));
    return row ? parseState(row.state, key) : null;
  }

  async history(instanceKey: string): Promise<HistoryRecord[]> {
    const rows = this.read('Reading history', () =>
      this.db.prepare<[string], HistoryRow>(`SELECT ${quotedColumns(HISTORY_COLUMNS)} FROM history WHERE instance_key = ? ORDER BY position`).all(instanceKey),
    );
    return rows.map(rowToHistory);
  }

  async pendingOutbox(): Promise<OutboxEntry[]> {
    const rows = this.read('Reading the outbox', () => this.db.prepare<[], OutboxRow>('SELECT id, message FROM outbox ORDER BY seq').all());
    return rows.map(rowToOutbox);
  }

  async health(): Promise<{ ok: boolean; detail: string }> {
    try {
      this.db.prepare('SELECT 1').get();
      return { ok: true, detail: `sqlite ${this.file}` };
    } catch (error) {
      return { ok: false, detail: `sqlite ${this.file}: ${(error as Error).message}` };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.prisma.$disconnect().catch((error: unknown) => this.logger.warn({ err: error }, 'closing the Prisma client failed'));
    this.statements.clear();
    this.db.close();
  }

  private async cold<T>(action: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw storeError(action, error);
    }
  }

  private read<T>(action: string, run: () => T): T {
    try {
      return run();
    } catch (error) {
      throw storeError(action, error);
    }
  }

  private runChunks(table: Table, rows: readonly (readonly unknown[])[]): void {
    let offset = 0;
    for (const size of powerOfTwoChunks(rows.length, MAX_ROWS)) {
      const values: unknown[] = [];
      for (let i = offset; i < offset + size; i++) values.push(...rows[i]);
      this.statement(table, size).run(values);
      offset += size;
    }
  }

  private statement(table: Table, rows: number): Database.Statement {
    const id = `${table}:${rows}`;
    let statement = this.statements.get(id);
    if (!statement) {
      statement = this.db.prepare(sqliteStatement(table, rows));
      this.statements.set(id, statement);
    }
    return statement;
  }
}

function placeholders(columns: number, rows: number): string {
  const row = `(${new Array(columns).fill('?').join(', ')})`;
  return new Array(rows).fill(row).join(', ');
}

function sqliteStatement(table: Table, rows: number): string {
  switch (table) {
    case 'instances':
      return (
        `INSERT INTO instances (${quotedColumns(INSTANCE_COLUMNS)}) VALUES ${placeholders(INSTANCE_COLUMNS.length, rows)} ` +
        `ON CONFLICT ("key") DO UPDATE SET ${INSTANCE_UPSERT_SET}`
      );
    case 'history':
      return `INSERT INTO history (${quotedColumns(HISTORY_COLUMNS)}) VALUES ${placeholders(HISTORY_COLUMNS.length, rows)}`;
    case 'outbox':
      return `INSERT INTO outbox (${quotedColumns(OUTBOX_COLUMNS)}) VALUES ${placeholders(OUTBOX_COLUMNS.length, rows)}`;
    case 'published':
      return `DELETE FROM outbox WHERE id IN (${new Array(rows).fill('?').join(', ')})`;
  }
}
