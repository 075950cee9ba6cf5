/**
 * The reference integration services, started together (integrations/main.ts, and in-process in embedded
 * mode): HTTP JSON (versions 1 and 2) always; mail when SMTP_HOST is set; SQL when SQL_DATABASE_URL is set.
 */
import type { Bus } from '../engine/bus/bus';
import type { Logger } from '../engine/logger';
import { startHttpJsonServices } from './http-json';
import { mailOptionsFromEnv, startMailService } from './mail/mail-service';
import type { Worker } from './sdk';
import { startSqlService } from './sql/sql-service';

export async function startReferenceServices(bus: Bus, logger: Logger, env: NodeJS.ProcessEnv = process.env): Promise<Worker[]> {
  const services: Worker[] = [];
  try {
    services.push(...(await startHttpJsonServices(bus, { concurrency: Number(env.HTTP_JSON_CONCURRENCY ?? 8), logger: logger.child({ service: 'http-json' }) })));
    const mail = mailOptionsFromEnv(env);
    if (mail) services.push(await startMailService(bus, { ...mail, logger: logger.child({ service: 'mail' }) }));
    if (env.SQL_DATABASE_URL) services.push(await startSqlService(bus, { connectionString: env.SQL_DATABASE_URL, logger: logger.child({ service: 'sql' }) }));
  } catch (error) {
    await Promise.all(services.map((s) => s.stop()));
    throw error;
  }
  return services;
}
