/**
 * Where published templates live. The SQL implementation is engine/store/catalog-store.ts (table
 * catalog_templates); MemoryCatalogStore is the in-memory twin.
 */
import type { ElementTemplate } from './element-template';

export const TemplateStatus = {
  PUBLISHED: 'PUBLISHED',
  DEPRECATED: 'DEPRECATED',
  WITHDRAWN: 'WITHDRAWN',
} as const;
export type TemplateStatus = (typeof TemplateStatus)[keyof typeof TemplateStatus];

/** One published version: its content never changes, its status may. */
export interface StoredTemplate {
  id: string;
  version: number;
  name: string;
  taskType: string;
  template: ElementTemplate;
  contentHash: string;
  publishedBy: string;
  publishedAt: number;
  status: TemplateStatus;
  statusMessage?: string;
  replacementVersion?: number;
  statusChangedAt?: number;
}

export interface StatusChange {
  status: TemplateStatus;
  message?: string;
  replacementVersion?: number;
  at: number;
}

export interface CatalogStore {
  /** Inserts a new version; throws DuplicateVersionError when id+version exists. */
  insert(entry: StoredTemplate): Promise<void>;
  get(id: string, version: number): Promise<StoredTemplate | undefined>;
  /** Every version of an id, highest first. */
  versions(id: string): Promise<StoredTemplate[]>;
  /** Every version of every template. */
  all(): Promise<StoredTemplate[]>;
  setStatus(id: string, version: number, change: StatusChange): Promise<void>;
}

/** id+version is already stored (a concurrent publish won). */
export class DuplicateVersionError extends Error {
  constructor(id: string, version: number, options?: { cause?: unknown }) {
    super(`template '${id}' version ${version} exists`, options);
    this.name = 'DuplicateVersionError';
  }
}

export class MemoryCatalogStore implements CatalogStore {
  private readonly entries = new Map<string, StoredTemplate>();

  async insert(entry: StoredTemplate): Promise<void> {
    const key = `${entry.id}@${entry.version}`;
    if (this.entries.has(key)) throw new DuplicateVersionError(entry.id, entry.version);
    this.entries.set(key, structuredClone(entry));
  }

  async get(id: string, version: number): Promise<StoredTemplate | undefined> {
    const entry = this.entries.get(`${id}@${version}`);
    return entry && structuredClone(entry);
  }

  async versions(id: string): Promise<StoredTemplate[]> {
    return (await this.all()).filter((entry) => entry.id === id).sort((a, b) => b.version - a.version);
  }

  async all(): Promise<StoredTemplate[]> {
    return [...this.entries.values()].map((entry) => structuredClone(entry));
  }

  async setStatus(id: string, version: number, change: StatusChange): Promise<void> {
    const entry = this.entries.get(`${id}@${version}`);
    if (!entry) return;
    entry.status = change.status;
    entry.statusMessage = change.message;
    entry.replacementVersion = change.replacementVersion;
    entry.statusChangedAt = change.at;
  }
}
