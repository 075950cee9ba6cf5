/** API keys in the `api_keys` table (prisma/models.prisma, model ApiKey). */
import type { ApiKeyRecord, KeyStore } from '../access/key-store';
import type { Role } from '../access/roles';
import type { SqlDatabase } from './sql-database';

interface KeyRow {
  id: string;
  name: string;
  hash: string;
  role: string;
  namespaces: string;
  created_at: number | string;
  created_by: string | null;
  revoked_at: number | string | null;
}

export class SqlKeyStore implements KeyStore {
  constructor(private readonly db: SqlDatabase) {}

  async insert(record: ApiKeyRecord): Promise<void> {
    await this.db.run(
      'INSERT INTO "api_keys" ("id", "name", "hash", "role", "namespaces", "created_at", "created_by", "revoked_at") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [record.id, record.name, record.hash, record.role, JSON.stringify(record.namespaces), record.createdAt, record.createdBy ?? null, record.revokedAt ?? null],
    );
  }

  async findByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    const rows = await this.db.all<KeyRow>('SELECT * FROM "api_keys" WHERE "hash" = $1', [hash]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async list(): Promise<ApiKeyRecord[]> {
    return (await this.db.all<KeyRow>('SELECT * FROM "api_keys" ORDER BY "created_at", "id"')).map(toRecord);
  }

  async revoke(id: string, at: number): Promise<boolean> {
    return (await this.db.run('UPDATE "api_keys" SET "revoked_at" = COALESCE("revoked_at", $1) WHERE "id" = $2', [at, id])) > 0;
  }

}

function toRecord(row: KeyRow): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    hash: row.hash,
    role: row.role as Role,
    namespaces: JSON.parse(row.namespaces) as string[],
    createdAt: Number(row.created_at),
    ...(row.created_by !== null && { createdBy: row.created_by }),
    ...(row.revoked_at !== null && { revokedAt: Number(row.revoked_at) }),
  };
}
