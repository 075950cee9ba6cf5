/**
 * Who may do what: API keys (Authorization: Bearer <key>) checked against the key store, roles checked
 * by the route policy (policy.ts). Keys are kept as sha256 hashes (api-key.ts says why that suffices).
 */
import { ValidationError } from '../errors';
import { generateApiKey, hashApiKey, newKeyId } from './api-key';
import { ForbiddenError, UnauthorizedError } from './errors';
import type { ApiKeyRecord, KeyStore } from './key-store';
import { NAMESPACE_PATTERN, normalizeNamespace, ownsTemplateId, Role, ROLES, type Principal } from './roles';

export interface AccessOptions {
  /** GET routes without a key (default true). */
  anonymousRead?: boolean;
}

export interface NewKey {
  role: Role;
  name?: string;
  namespaces?: string[];
}

/** A key as the API shows it: everything but the hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  role: Role;
  namespaces: string[];
  createdAt: string;
  createdBy?: string;
  revokedAt?: string;
}

export class AccessControl {
  readonly anonymousRead: boolean;

  constructor(
    readonly keys: KeyStore,
    options: AccessOptions = {},
  ) {
    this.anonymousRead = options.anonymousRead ?? true;
  }

  /**
   * The principal an Authorization header names; undefined when there is none.
   * Throws 401 for a header that is not `Bearer <key>` or a key Baton does not know.
   */
  async authenticate(authorization: string | undefined): Promise<Principal | undefined> {
    if (authorization === undefined || authorization.trim() === '') return undefined;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw new UnauthorizedError('The Authorization header must be `Bearer <API key>`');
    const record = await this.keys.findByHash(hashApiKey(match[1]));
    if (!record || record.revokedAt !== undefined) throw new UnauthorizedError('The API key is not valid (unknown or revoked)');
    return { keyId: record.id, name: record.name, role: record.role, namespaces: record.namespaces };
  }

  /** Creates a key; the key itself is in the answer only, the store keeps its hash. */
  async createKey(input: NewKey, createdBy?: Principal, key: string = generateApiKey()): Promise<{ key: string; record: ApiKeyRecord }> {
    if (!ROLES.includes(input.role)) throw new ValidationError(`role must be one of ${ROLES.join(', ')}`, [{ code: 'ENUM', pointer: '/role', message: `unknown role '${String(input.role)}'` }]);
    const namespaces = (input.namespaces ?? []).map(normalizeNamespace);
    const bad = namespaces.findIndex((namespace) => !NAMESPACE_PATTERN.test(namespace));
    if (bad >= 0) {
      throw new ValidationError(`namespace '${namespaces[bad]}' is not a template id prefix such as 'de.muenchen.mail.'`, [
        { code: 'PATTERN', pointer: `/namespaces/${bad}`, message: 'letters, digits, _ and - in dot-separated parts' },
      ]);
    }
    if (input.role === Role.TEAM && namespaces.length === 0) {
      throw new ValidationError('A team key needs at least one namespace (the template id prefixes the team owns)', [
        { code: 'REQUIRED', pointer: '/namespaces', message: 'give the team a namespace such as de.muenchen.mail.' },
      ]);
    }
    const record: ApiKeyRecord = {
      id: newKeyId(),
      name: input.name?.trim() || `${input.role} key`,
      hash: hashApiKey(key),
      role: input.role,
      namespaces,
      createdAt: Date.now(),
      ...(createdBy && { createdBy: createdBy.keyId }),
    };
    await this.keys.insert(record);
    return { key, record };
  }

  /**
   * The admin key of a first start: `presetKey` (BATON_ADMIN_KEY) is registered when its hash is not yet
   * stored; without it, a key is generated when no admin key exists. Returns the key only when it was
   * generated now (to print it once), undefined otherwise.
   */
  async ensureAdminKey(presetKey?: string): Promise<string | undefined> {
    if (presetKey !== undefined) {
      if (presetKey.length < 16) throw new ValidationError('BATON_ADMIN_KEY must be at least 16 characters of random text');
      if (!(await this.keys.findByHash(hashApiKey(presetKey)))) await this.createKey({ role: Role.ADMIN, name: 'admin (BATON_ADMIN_KEY)' }, undefined, presetKey);
      return undefined;
    }
    const admins = (await this.keys.list()).filter((record) => record.role === Role.ADMIN && record.revokedAt === undefined);
    if (admins.length > 0) return undefined;
    return (await this.createKey({ role: Role.ADMIN, name: 'admin (first start)' })).key;
  }

  async listKeys(): Promise<ApiKeyView[]> {
    return (await this.keys.list()).map(keyView);
  }

  async revokeKey(id: string): Promise<boolean> {
    return this.keys.revoke(id, Date.now());
  }

  /** 403 unless the principal owns the template id's namespace (admins own every namespace). */
  assertOwns(principal: Principal, templateId: string): void {
    if (ownsTemplateId(principal, templateId)) return;
    const owned = principal.namespaces.length ? principal.namespaces.join(', ') : 'none';
    throw new ForbiddenError(`The key '${principal.name}' may not change template '${templateId}': it lies outside the key's namespaces (${owned})`);
  }
}

export function keyView(record: ApiKeyRecord): ApiKeyView {
  return {
    id: record.id,
    name: record.name,
    role: record.role,
    namespaces: record.namespaces,
    createdAt: new Date(record.createdAt).toISOString(),
    ...(record.createdBy && { createdBy: record.createdBy }),
    ...(record.revokedAt !== undefined && { revokedAt: new Date(record.revokedAt).toISOString() }),
  };
}
