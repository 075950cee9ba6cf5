/** Baton's configuration, from the environment. Secrets (NATS credentials) are never logged. */
import path from 'node:path';

export interface BatonConfig {
  port: number;
  host: string;
  /** Unset: SQLite under dataDir. `postgresql://...`: PostgreSQL. `file:...`: SQLite at that path. */
  databaseUrl?: string;
  dataDir: string;
  /** Unset: the in-process bus. */
  natsUrl?: string;
  nats: { user?: string; pass?: string; token?: string };
  subjectPrefix: string;
  templatesDir: string;
  /** Run the reference integration services inside this process (default: in embedded mode only). */
  inProcessWorkers: boolean;
  elementEvents: boolean;
  /** GET routes without an API key (BATON_ANONYMOUS_READ, default true). */
  anonymousRead: boolean;
  /** The admin key to register at start (BATON_ADMIN_KEY); unset: one is generated on the first start. */
  adminKey?: string;
  /** A standalone catalog (`npm run catalog`) to use instead of the embedded one (CATALOG_URL). */
  catalogUrl?: string;
  /** The key the engine reads a standalone catalog with, when it does not allow anonymous reads (CATALOG_KEY). */
  catalogKey?: string;
  /** How long NATS waits for the engine to ack an answer before redelivering it (BATON_NATS_ACK_WAIT_MS, default 30 s). */
  natsAckWaitMs?: number;
  /** Most bytes of JSON an instance's variables may take (BATON_MAX_VARIABLES_BYTES, default 1 MiB). */
  maxVariablesBytes?: number;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): BatonConfig {
  const natsUrl = nonEmpty(env.NATS_URL);
  return {
    port: env.PORT === undefined ? 8080 : Number(env.PORT),
    host: env.BATON_HOST ?? '127.0.0.1',
    databaseUrl: nonEmpty(env.DATABASE_URL),
    dataDir: path.resolve(env.BATON_DATA_DIR ?? 'data'),
    natsUrl,
    nats: { user: nonEmpty(env.NATS_USER), pass: nonEmpty(env.NATS_PASS), token: nonEmpty(env.NATS_TOKEN) },
    subjectPrefix: env.BATON_SUBJECT_PREFIX ?? 'baton',
    templatesDir: path.resolve(env.BATON_TEMPLATES_DIR ?? 'element-templates'),
    inProcessWorkers: env.BATON_WORKERS === undefined ? natsUrl === undefined : env.BATON_WORKERS === 'true',
    elementEvents: env.BATON_ELEMENT_EVENTS === 'true',
    anonymousRead: env.BATON_ANONYMOUS_READ === undefined ? true : env.BATON_ANONYMOUS_READ !== 'false',
    adminKey: nonEmpty(env.BATON_ADMIN_KEY),
    catalogUrl: nonEmpty(env.CATALOG_URL),
    catalogKey: nonEmpty(env.CATALOG_KEY),
    natsAckWaitMs: positiveInteger(env.BATON_NATS_ACK_WAIT_MS, 'BATON_NATS_ACK_WAIT_MS'),
    maxVariablesBytes: positiveInteger(env.BATON_MAX_VARIABLES_BYTES, 'BATON_MAX_VARIABLES_BYTES'),
  };
}

function positiveInteger(value: string | undefined, name: string): number | undefined {
  const text = nonEmpty(value);
  if (text === undefined) return undefined;
  const parsed = Number(text);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`${name} must be a positive integer, got '${text}'`);
  return parsed;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
