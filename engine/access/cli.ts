/**
 * `npm run keys -- <command>`: API keys on the database Baton uses (DATABASE_URL, or SQLite under
 * BATON_DATA_DIR), for admins at the console.
 *   create --role admin|designer|team|reader [--namespace PREFIX ...] [--name NAME]   prints the key once
 *   list                                                                                 keys without hashes
 *   revoke ID
 */
import { createLogger } from '../logger';
import { configFromEnv } from '../server/config';
import { createStore } from '../store/create-store';
import { SqlKeyStore } from '../store/key-store';
import { openSqlDatabase } from '../store/sql-database';
import { AccessControl } from './access-control';
import type { Role } from './roles';

const USAGE = 'usage: npm run keys -- create --role admin|designer|team|reader [--namespace de.example.mail.]... [--name NAME] | list | revoke ID';

export async function runKeysCli(argv: string[], out: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<number> {
  const [command, ...rest] = argv;
  const options = parseOptions(rest);
  if (!command || !['create', 'list', 'revoke'].includes(command)) {
    out(USAGE);
    return 2;
  }
  const config = configFromEnv();
  const logger = createLogger('baton-keys');
  const store = await createStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
  try {
    await store.migrate();
  } finally {
    await store.close();
  }
  const database = openSqlDatabase(config.databaseUrl, config.dataDir);
  if (!database) {
    out('The memory: store keeps no keys between processes; point DATABASE_URL at SQLite or PostgreSQL');
    return 2;
  }
  try {
    const access = new AccessControl(new SqlKeyStore(database));
    if (command === 'create') {
      const role = options.role?.[0];
      if (!role) {
        out(USAGE);
        return 2;
      }
      const { key, record } = await access.createKey({ role: role as Role, name: options.name?.[0], namespaces: options.namespace ?? [] });
      out(`created ${record.role} key ${record.id}${record.namespaces.length ? ` for ${record.namespaces.join(', ')}` : ''}`);
      out(`key (shown this once; Baton keeps only its hash):\n\n    ${key}\n`);
    } else if (command === 'list') {
      for (const key of await access.listKeys()) {
        out(`${key.id}  ${key.role.padEnd(8)}  ${key.name}${key.namespaces.length ? `  [${key.namespaces.join(', ')}]` : ''}${key.revokedAt ? `  revoked ${key.revokedAt}` : ''}`);
      }
    } else {
      const id = options._?.[0];
      if (!id || !(await access.revokeKey(id))) {
        out(`no key '${id ?? ''}'`);
        return 1;
      }
      out(`revoked ${id}`);
    }
    return 0;
  } finally {
    await database.close();
  }
}

function parseOptions(args: string[]): Record<string, string[]> {
  const options: Record<string, string[]> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split('=', 2);
      const value = inline ?? args[++i] ?? '';
      (options[name] ??= []).push(value);
    } else {
      (options._ ??= []).push(arg);
    }
  }
  return options;
}

if (require.main === module) {
  runKeysCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
