/**
 * The reference integration services as their own process (`npm run worker`), against NATS JetStream.
 *   NATS_URL              default 127.0.0.1:4222 (comma-separated for several servers)
 *   BATON_SUBJECT_PREFIX  default baton (must match the engine's)
 *   NATS_USER / NATS_PASS or NATS_TOKEN   optional credentials
 *   HTTP_JSON_CONCURRENCY default 8
 *   SMTP_HOST, SMTP_PORT, SMTP_SECURE, SMTP_USER, SMTP_PASS, MAIL_FROM   the mail service (started when SMTP_HOST is set)
 *   SQL_DATABASE_URL      the SQL service's PostgreSQL (started when set)
 * SIGTERM / SIGINT: takes no new jobs, finishes the ones in flight, closes the connection, exits 0.
 */
import { connectNatsBus } from '../engine/bus/nats-bus';
import { DEFAULT_SUBJECT_PREFIX } from '../engine/bus/protocol';
import { createLogger } from '../engine/logger';
import { startReferenceServices } from './services';

async function main(): Promise<void> {
  const logger = createLogger('baton-worker');
  const servers = (process.env.NATS_URL ?? '127.0.0.1:4222').split(',').map((s) => s.trim()).filter(Boolean);
  const prefix = process.env.BATON_SUBJECT_PREFIX || DEFAULT_SUBJECT_PREFIX;
  const bus = await connectNatsBus({
    servers,
    prefix,
    name: 'baton-integrations',
    logger,
    user: process.env.NATS_USER || undefined,
    pass: process.env.NATS_PASS || undefined,
    token: process.env.NATS_TOKEN || undefined,
  });
  const services = await startReferenceServices(bus, logger);
  logger.info({ servers, prefix, taskTypes: services.map((s) => s.taskType) }, 'integration services ready');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing the jobs in flight');
    await Promise.all(services.map((s) => s.stop()));
    await bus.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  createLogger('baton-worker').fatal({ err }, 'integration services failed to start');
  process.exit(1);
});
