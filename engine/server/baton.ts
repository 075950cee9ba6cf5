/**
 * Wires one Baton process: store (migrated), bus, catalog, engine, the reference services when they run
 * in-process, and the HTTP API. Used by the CLI (main.ts) and by the end-to-end tests.
 */
import { CatalogService } from '../../catalog/catalog-service';
import { MemoryCatalogStore } from '../../catalog/catalog-store';
import { loadEmbeddedCatalog } from '../../catalog/embedded-catalog';
import { RemoteCatalog } from '../../catalog/remote-catalog';
import { startReferenceServices } from '../../integrations/services';
import { AccessControl, MemoryKeyStore } from '../access';
import { createApp } from '../api/app';
import type { Bus } from '../bus/bus';
import { InProcessBus } from '../bus/in-process-bus';
import { connectNatsBus } from '../bus/nats-bus';
import { createLogger, type Logger } from '../logger';
import { Engine } from '../runtime/engine';
import { createStore } from '../store/create-store';
import { SqlCatalogStore } from '../store/catalog-store';
import { SqlKeyStore } from '../store/key-store';
import { openSqlDatabase } from '../store/sql-database';
import type { Store } from '../store/store';
import type { BatonConfig } from './config';
import { listen } from './listen';

export interface RunningBaton {
  url: string;
  engine: Engine;
  store: Store;
  bus: Bus;
  access: AccessControl;
  /** The admin key generated on this (first) start, to print once; Baton keeps only its hash. */
  adminKey?: string;
  stop(): Promise<void>;
}

export async function startBaton(config: BatonConfig, logger: Logger = createLogger('baton')): Promise<RunningBaton> {
  const store = await createStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
  const stops: (() => Promise<void>)[] = [() => store.close()];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => logger.error({ err: error }, 'stop failed'));
  };
  try {
    await store.migrate();
    const database = openSqlDatabase(config.databaseUrl, config.dataDir);
    if (database) stops.push(() => database.close());
    const access = new AccessControl(database ? new SqlKeyStore(database) : new MemoryKeyStore(), { anonymousRead: config.anonymousRead });
    const adminKey = await access.ensureAdminKey(config.adminKey);
    const catalogService = config.catalogUrl ? undefined : new CatalogService(database ? new SqlCatalogStore(database) : new MemoryCatalogStore(), logger);
    if (catalogService) await catalogService.seed((await loadEmbeddedCatalog(config.templatesDir)).all());
    const catalog = catalogService ?? new RemoteCatalog(config.catalogUrl!, { key: config.catalogKey });
    const bus: Bus = config.natsUrl
      ? await connectNatsBus({ servers: config.natsUrl, prefix: config.subjectPrefix, name: 'baton-engine', logger, ackWaitMs: config.natsAckWaitMs, ...config.nats })
      : new InProcessBus();
    stops.push(() => bus.close());
    const engine = await Engine.start({ store, bus, catalog, logger, elementEvents: config.elementEvents, maxVariablesBytes: config.maxVariablesBytes });
    stops.push(() => engine.stop());
    if (config.inProcessWorkers) {
      const services = await startReferenceServices(bus, logger);
      stops.push(async () => void (await Promise.all(services.map((service) => service.stop()))));
    }
    const app = createApp({ engine, store, bus, catalog, catalogAdmin: catalogService, access, logger, version: process.env.npm_package_version });
    const { server, url } = await listen(app, config.port, config.host);
    stops.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    logger.info({ url, store: store.kind, bus: bus.kind, inProcessWorkers: config.inProcessWorkers }, 'Baton is running');
    return { url, engine, store, bus, access, ...(adminKey !== undefined && { adminKey }), stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
