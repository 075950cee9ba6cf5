/**
 * Applies Prisma's migration files (prisma/migrations/<provider>/<name>/migration.sql) without Prisma's CLI,
 * and records them in Prisma's own `_prisma_migrations` table (same columns, checksum = sha256 of the file),
 * so `prisma migrate deploy` later sees them as applied, and migrations Prisma applied are not run again.
 * Each migration runs in its own transaction together with its bookkeeping row: it is applied whole or not at
 * all. Idempotent; safe at every start, also with several engines starting at once on PostgreSQL (Prisma's
 * advisory lock) or SQLite (BEGIN IMMEDIATE).
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { Pool } from 'pg';
import { StoreError } from '../errors';
import type { Logger } from '../logger';

export type SqlProvider = 'sqlite' | 'postgresql';

export interface MigrationFile {
  /** The folder name, e.g. `20250101000000_init`; migrations apply in name order. */
  name: string;
  sql: string;
  /** sha256 hex of migration.sql, as Prisma computes it. */
  checksum: string;
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

export const MIGRATIONS_ROOT = path.resolve(__dirname, '..', '..', 'prisma', 'migrations');

/** The key Prisma's schema engine locks with on PostgreSQL, so our runner and `prisma migrate deploy` exclude
 *  each other. */
const PRISMA_ADVISORY_LOCK = 72707369;

const SQLITE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

const POSTGRES_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`;

/** The migration folders of a provider, in the order they apply. */
export function readMigrations(provider: SqlProvider, root: string = MIGRATIONS_ROOT): MigrationFile[] {
  const dir = path.join(root, provider);
  if (!fs.existsSync(dir)) throw new StoreError(`No migrations folder at ${dir}`);
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const bytes = fs.readFileSync(path.join(dir, name, 'migration.sql'));
      return { name, sql: bytes.toString('utf8'), checksum: createHash('sha256').update(bytes).digest('hex') };
    });
}

/** Which migrations still have to run; throws on a migration that failed earlier (Prisma's P3009 case). */
function pending(migrations: MigrationFile[], applied: AppliedRow[], logger: Logger): MigrationFile[] {
  const done = new Map<string, AppliedRow>();
  for (const row of applied) {
    if (row.rolled_back_at !== null) continue;
    if (row.finished_at === null) {
      throw new StoreError(
        `Migration '${row.migration_name}' started but did not finish; repair the database, then mark it with ` +
          '`prisma migrate resolve` before starting again',
      );
    }
    done.set(row.migration_name, row);
  }
  for (const [name, row] of done) {
    const file = migrations.find((m) => m.name === name);
    if (!file) logger.warn({ migration: name }, 'an applied migration is missing from the migrations folder');
    else if (file.checksum !== row.checksum) logger.warn({ migration: name }, 'an applied migration was edited since it was applied');
  }
  return migrations.filter((m) => !done.has(m.name));
}

/** Prisma writes SQLite timestamps as RFC 3339 text with an explicit offset. */
function sqliteNow(): string {
  return new Date().toISOString().replace('Z', '+00:00');
}

/** Applies pending migrations to a SQLite database; returns the names applied. */
export function migrateSqlite(db: BetterSqlite3.Database, logger: Logger, root?: string): string[] {
  const migrations = readMigrations('sqlite', root);
  const appliedNow: string[] = [];
  try {
    db.exec(SQLITE_TABLE);
    const selectApplied = db.prepare<[], AppliedRow>('SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"');
    const insert = db.prepare(
      'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, 0)',
    );
    const finish = db.prepare('UPDATE "_prisma_migrations" SET finished_at = ?, applied_steps_count = 1 WHERE id = ?');
    for (const migration of migrations) {
      const apply = db.transaction(() => {
        // Checked again inside the write lock: another process may have applied it meanwhile.
        if (!pending([migration], selectApplied.all(), logger).length) return false;
        const id = randomUUID();
        insert.run(id, migration.checksum, migration.name, sqliteNow());
        db.exec(migration.sql);
        finish.run(sqliteNow(), id);
        return true;
      });
      if (apply.immediate()) {
        appliedNow.push(migration.name);
        logger.info({ migration: migration.name }, 'migration applied (sqlite)');
      }
    }
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError(`Applying the SQLite migrations failed: ${(error as Error).message}`, { cause: error });
  }
  return appliedNow;
}

/** Applies pending migrations to the PostgreSQL schema the pool's search_path names (created if missing). */
export async function migratePostgres(pool: Pool, schema: string, logger: Logger, root?: string): Promise<string[]> {
  const migrations = readMigrations('postgresql', root);
  const appliedNow: string[] = [];
  const client = await pool.connect().catch((error: Error) => {
    throw new StoreError(`Cannot connect to PostgreSQL: ${error.message}`, { cause: error });
  });
  let locked = false;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);
    locked = true;
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(POSTGRES_TABLE);
    const { rows } = await client.query<AppliedRow>('SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"');
    for (const migration of pending(migrations, rows, logger)) {
      const id = randomUUID();
      try {
        await client.query('BEGIN');
        await client.query(
          'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)',
          [id, migration.checksum, migration.name],
        );
        await client.query(migration.sql);
        await client.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [id]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new StoreError(`Migration '${migration.name}' failed and was rolled back: ${(error as Error).message}`, { cause: error });
      }
      appliedNow.push(migration.name);
      logger.info({ migration: migration.name, schema }, 'migration applied (postgresql)');
    }
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError(`Applying the PostgreSQL migrations failed: ${(error as Error).message}`, { cause: error });
  } finally {
    if (locked) await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK]).catch(() => undefined);
    client.release();
  }
  return appliedNow;
}
