/** `npm start`: runs Baton until SIGINT/SIGTERM. Embedded by default; DATABASE_URL and NATS_URL switch. */
import { createLogger } from '../logger';
import { startBaton } from './baton';
import { configFromEnv } from './config';

async function main(): Promise<void> {
  const logger = createLogger('baton');
  const config = configFromEnv();
  const baton = await startBaton(config, logger);
  process.stdout.write(`\nBaton is listening on ${baton.url}  (store: ${baton.store.kind}, bus: ${baton.bus.kind})\n\n`);
  if (baton.adminKey) {
    process.stdout.write(
      `First start: the admin API key is\n\n    ${baton.adminKey}\n\nIt is shown this once (Baton keeps only its hash). Use it as  export BATON_KEY=${baton.adminKey}\n` +
        'and send  -H "Authorization: Bearer $BATON_KEY"  with every change (npm run keys -- create ... makes more keys).\n\n',
    );
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    baton.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Baton failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
