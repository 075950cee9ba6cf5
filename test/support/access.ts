/** Real API keys for tests: one of each role, created through AccessControl like any key. */
import { AccessControl, MemoryKeyStore, Role, type KeyStore } from '../../engine/access';

export interface TestKeys {
  access: AccessControl;
  admin: string;
  designer: string;
  /** A team key owning the namespace `io.test.` (and `de.muenchen.mail.`). */
  team: string;
  reader: string;
}

export async function testKeys(options: { anonymousRead?: boolean; store?: KeyStore } = {}): Promise<TestKeys> {
  const access = new AccessControl(options.store ?? new MemoryKeyStore(), { anonymousRead: options.anonymousRead });
  const create = async (role: Role, namespaces: string[] = []) => (await access.createKey({ role, name: `test ${role}`, namespaces })).key;
  return {
    access,
    admin: await create(Role.ADMIN),
    designer: await create(Role.DESIGNER),
    team: await create(Role.TEAM, ['io.test.', 'de.muenchen.mail.']),
    reader: await create(Role.READER),
  };
}

export function bearer(key: string): { Authorization: string } {
  return { Authorization: `Bearer ${key}` };
}
