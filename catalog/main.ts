/**
 * `npm run catalog`: the catalog as its own process. Engines use it with CATALOG_URL=http://host:port.
 *   CATALOG_PORT (default 8081), BATON_HOST, DATABASE_URL / BATON_DATA_DIR, BATON_TEMPLATES_DIR,
 *   BATON_ANONYMOUS_READ, BATON_ADMIN_KEY: as for Baton.
 */
import { createLogger } from '../engine/logger';
import { configFromEnv } from '../engine/server/config';
import { startCatalogServer } from './server';

async function main(): Promise<void> {
  const logger = createLogger('catalog');
  const base = configFromEnv();
  const catalog = await startCatalogServer(
    { ...base, port: process.env.CATALOG_PORT === undefined ? 8081 : Number(process.env.CATALOG_PORT) },
    logger,
  );
  process.stdout.write(`\nThe Baton catalog is listening on ${catalog.url}  (engines: CATALOG_URL=${catalog.url})\n\n`);
  if (catalog.adminKey) process.stdout.write(`First start: the catalog's admin API key is\n\n    ${catalog.adminKey}\n\nIt is shown this once (only its hash is kept).\n\n`);
  const stop = () => void catalog.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`The catalog failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
