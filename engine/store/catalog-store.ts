/** Published element templates in the `catalog_templates` table (prisma/models.prisma, model CatalogTemplate). */
import { DuplicateVersionError, type CatalogStore, type StatusChange, type StoredTemplate, type TemplateStatus } from '../../catalog/catalog-store';
import type { ElementTemplate } from '../../catalog/element-template';
import type { SqlDatabase } from './sql-database';

interface TemplateRow {
  id: string;
  version: number;
  name: string;
  task_type: string;
  content: string;
  content_hash: string;
  published_by: string;
  published_at: number | string;
  status: string;
  status_message: string | null;
  replacement_version: number | null;
  status_changed_at: number | string | null;
}

const COLUMNS = '"id", "version", "name", "task_type", "content", "content_hash", "published_by", "published_at", "status", "status_message", "replacement_version", "status_changed_at"';

export class SqlCatalogStore implements CatalogStore {
  constructor(private readonly db: SqlDatabase) {}

  async insert(entry: StoredTemplate): Promise<void> {
    try {
      await this.db.run(`INSERT INTO "catalog_templates" (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`, [
        entry.id,
        entry.version,
        entry.name,
        entry.taskType,
        JSON.stringify(entry.template),
        entry.contentHash,
        entry.publishedBy,
        entry.publishedAt,
        entry.status,
        entry.statusMessage ?? null,
        entry.replacementVersion ?? null,
        entry.statusChangedAt ?? null,
      ]);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new DuplicateVersionError(entry.id, entry.version, { cause: error });
      }
      throw error;
    }
  }

  async get(id: string, version: number): Promise<StoredTemplate | undefined> {
    const rows = await this.db.all<TemplateRow>(`SELECT ${COLUMNS} FROM "catalog_templates" WHERE "id" = $1 AND "version" = $2`, [id, version]);
    return rows[0] && toEntry(rows[0]);
  }

  async versions(id: string): Promise<StoredTemplate[]> {
    const rows = await this.db.all<TemplateRow>(`SELECT ${COLUMNS} FROM "catalog_templates" WHERE "id" = $1 ORDER BY "version" DESC`, [id]);
    return rows.map(toEntry);
  }

  async all(): Promise<StoredTemplate[]> {
    return (await this.db.all<TemplateRow>(`SELECT ${COLUMNS} FROM "catalog_templates" ORDER BY "id", "version" DESC`)).map(toEntry);
  }

  async setStatus(id: string, version: number, change: StatusChange): Promise<void> {
    await this.db.run(
      'UPDATE "catalog_templates" SET "status" = $1, "status_message" = $2, "replacement_version" = $3, "status_changed_at" = $4 WHERE "id" = $5 AND "version" = $6',
      [change.status, change.message ?? null, change.replacementVersion ?? null, change.at, id, version],
    );
  }
}

function toEntry(row: TemplateRow): StoredTemplate {
  return {
    id: row.id,
    version: Number(row.version),
    name: row.name,
    taskType: row.task_type,
    template: JSON.parse(row.content) as ElementTemplate,
    contentHash: row.content_hash,
    publishedBy: row.published_by,
    publishedAt: Number(row.published_at),
    status: row.status as TemplateStatus,
    ...(row.status_message !== null && { statusMessage: row.status_message }),
    ...(row.replacement_version !== null && { replacementVersion: Number(row.replacement_version) }),
    ...(row.status_changed_at !== null && { statusChangedAt: Number(row.status_changed_at) }),
  };
}
