/**
 * A small SQL connection for the cold catalog and key tables (migrated by Prisma's migration files like
 * every table). SQLite: its own better-sqlite3 connection; each statement runs synchronously and so never
 * holds the write lock across an await, which would stall the store's synchronous group commit on the
 * same file (see sqlite-store.ts). PostgreSQL: a small pg pool on the store's schema.
 * Statements are written with `$1, $2, ...` placeholders in order; SQLite gets them as `?`.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Pool } from 'pg';
import { StoreError } from '../errors';
import { parseDatabaseUrl, pgSearchPathOptions } from './database-url';

export interface SqlDatabase {
  readonly kind: 'sqlite' | 'postgresql';
  all<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a write; returns the number of rows changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  close(): Promise<void>;
}

/** The SQL database a database URL names, or undefined for `memory:`. */
export function openSqlDatabase(databaseUrl: string | undefined, dataDir: string): SqlDatabase | undefined {
  const target = parseDatabaseUrl(databaseUrl, dataDir);
  if (target.kind === 'memory') return undefined;
  if (target.kind === 'sqlite') return new SqliteDatabase(target.file);
  return new PostgresDatabase(new Pool({ connectionString: target.connectionString, options: pgSearchPathOptions(target.schema), max: 2 }));
}

class SqliteDatabase implements SqlDatabase {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;

  constructor(file: string) {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      this.db = new Database(file, { timeout: 5000 });
      this.db.pragma('journal_mode = WAL');
    } catch (error) {
      throw new StoreError(`Opening the SQLite database ${file} failed: ${(error as Error).message}`, { cause: error });
    }
  }

  async all<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.db.prepare(toSqlite(sql)).all(...params) as T[];
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return this.db.prepare(toSqlite(sql)).run(...params).changes;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

class PostgresDatabase implements SqlDatabase {
  readonly kind = 'postgresql' as const;
  constructor(private readonly pool: Pool) {}

  async all<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.pool.query(sql, params as unknown[])).rows as T[];
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return (await this.pool.query(sql, params as unknown[])).rowCount ?? 0;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function toSqlite(sql: string): string {
  return sql.replace(/\$\d+/g, '?');
}
