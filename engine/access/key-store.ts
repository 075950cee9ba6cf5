/** Where API keys live: hashed, never the key itself. SQL implementation: engine/store/key-store.ts. */
import type { Role } from './roles';

export interface ApiKeyRecord {
  id: string;
  name: string;
  /** sha256 hex of the key. */
  hash: string;
  role: Role;
  namespaces: string[];
  createdAt: number;
  createdBy?: string;
  revokedAt?: number;
}

export interface KeyStore {
  insert(record: ApiKeyRecord): Promise<void>;
  findByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  list(): Promise<ApiKeyRecord[]>;
  /** Marks a key revoked; false when there is no such key. */
  revoke(id: string, at: number): Promise<boolean>;
}

/** The in-memory twin, for unit tests and the memory: store. */
export class MemoryKeyStore implements KeyStore {
  private readonly byId = new Map<string, ApiKeyRecord>();

  async insert(record: ApiKeyRecord): Promise<void> {
    if ([...this.byId.values()].some((r) => r.hash === record.hash)) throw new Error('an API key with this hash exists');
    this.byId.set(record.id, { ...record, namespaces: [...record.namespaces] });
  }

  async findByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    return [...this.byId.values()].find((r) => r.hash === hash);
  }

  async list(): Promise<ApiKeyRecord[]> {
    return [...this.byId.values()].sort((a, b) => a.createdAt - b.createdAt);
  }

  async revoke(id: string, at: number): Promise<boolean> {
    const record = this.byId.get(id);
    if (!record) return false;
    record.revokedAt ??= at;
    return true;
  }

}
