/**
 * Opens the store a database URL names (see database-url.ts). Opening connects lazily and changes nothing;
 * the caller runs `await store.migrate()` before use.
 */
import type { Logger } from '../logger';
import { parseDatabaseUrl } from './database-url';
import { MemoryStore } from './memory-store';
import { PostgresStore } from './postgres-store';
import { SqliteStore } from './sqlite-store';
import type { Store } from './store';

export interface CreateStoreOptions {
  /** file:PATH (SQLite), postgres(ql)://...[?schema=NAME] (PostgreSQL), memory:; none: SQLite in dataDir. */
  databaseUrl?: string;
  /** Folder of the default SQLite file `<dataDir>/baton.db` (created if missing). */
  dataDir: string;
  logger: Logger;
}

export async function createStore(options: CreateStoreOptions): Promise<Store> {
  const target = parseDatabaseUrl(options.databaseUrl, options.dataDir);
  const logger = options.logger;
  switch (target.kind) {
    case 'memory':
      return new MemoryStore();
    case 'sqlite':
      return SqliteStore.open({ file: target.file, logger });
    case 'postgresql':
      return PostgresStore.open({ connectionString: target.connectionString, schema: target.schema, logger });
  }
}
