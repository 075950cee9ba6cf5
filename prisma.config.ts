/**
 * Prisma's CLI configuration (Prisma 6.19, JS schema engine through a driver adapter: no native engine).
 * The provider follows DATABASE_URL (postgres:// or postgresql:// -> PostgreSQL, else SQLite), or
 * BATON_DB_PROVIDER=sqlite|postgresql when set. Schemas and migrations live per provider:
 * prisma/<provider>/schema.prisma and prisma/migrations/<provider>/.
 * The engine itself does not need this file: engine/store/migrate.ts applies the same migrations at start.
 */
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';
import { parseDatabaseUrl, pgSearchPathOptions } from './engine/store/database-url';

const databaseUrl = process.env.DATABASE_URL;
const provider =
  process.env.BATON_DB_PROVIDER === 'postgresql' || /^postgres(ql)?:\/\//.test(databaseUrl ?? '') ? 'postgresql' : 'sqlite';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: `prisma/${provider}/schema.prisma`,
  migrations: { path: `prisma/migrations/${provider}` },
  async adapter() {
    const target = parseDatabaseUrl(databaseUrl, 'data');
    if (target.kind === 'postgresql') {
      return new PrismaPg({ connectionString: target.connectionString, options: pgSearchPathOptions(target.schema) }, { schema: target.schema });
    }
    if (target.kind === 'sqlite') return new PrismaBetterSQLite3({ url: `file:${target.file}` });
    throw new Error(`Prisma's CLI needs a SQLite or PostgreSQL DATABASE_URL, not '${databaseUrl}'`);
  },
});
