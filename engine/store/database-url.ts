/**
 * What a database URL means to Baton: the one place that reads `DATABASE_URL`-style strings.
 * - none: SQLite file `<dataDir>/baton.db`; `file:PATH`: SQLite file PATH;
 * - `postgres://` / `postgresql://`: PostgreSQL, `?schema=NAME` selects (and creates) a schema;
 * - `memory:`: the in-memory store.
 */
import path from 'node:path';
import { ValidationError } from '../errors';

export type DatabaseTarget =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgresql'; connectionString: string; schema: string }
  | { kind: 'memory' };

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function parseDatabaseUrl(databaseUrl: string | undefined, dataDir: string): DatabaseTarget {
  const url = databaseUrl?.trim();
  if (!url) return { kind: 'sqlite', file: path.resolve(dataDir, 'baton.db') };
  if (url === 'memory:' || url.startsWith('memory:')) return { kind: 'memory' };
  if (url.startsWith('file:')) {
    const file = url.slice('file:'.length).replace(/\?.*$/, '');
    if (!file) throw new ValidationError(`Database URL '${url}' names no file (write file:PATH)`);
    return { kind: 'sqlite', file: path.resolve(file) };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ValidationError(`Database URL is no valid URL (expected postgresql://user@host:port/database)`);
    }
    const schema = parsed.searchParams.get('schema') ?? 'public';
    if (!SCHEMA_NAME.test(schema)) {
      throw new ValidationError(`Database URL schema '${schema}' is not a plain identifier (letters, digits, _; at most 63)`);
    }
    parsed.searchParams.delete('schema');
    return { kind: 'postgresql', connectionString: parsed.toString(), schema };
  }
  throw new ValidationError(
    `Database URL '${url.replace(/\/\/[^@/]*@/, '//***@')}' has an unknown scheme: use file:PATH (SQLite), postgresql://... or memory:`,
  );
}

/** The search_path option for every PostgreSQL connection of a schema. */
export function pgSearchPathOptions(schema: string): string {
  return `-c search_path="${schema}"`;
}
