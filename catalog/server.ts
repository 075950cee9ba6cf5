/**
 * The catalog as its own process: the catalog routes, API keys and the same access policy as Baton, on a
 * database of its own (or Baton's). Engines use it through CATALOG_URL (RemoteCatalog).
 */
import express from 'express';
import { AccessControl, accessMiddleware, MemoryKeyStore } from '../engine/access';
import { MAX_JSON_BYTES } from '../engine/api/app';
import { errorHandler, notFoundHandler } from '../engine/api/problem';
import { catalogRoutes } from '../engine/api/routes/catalog';
import { keyRoutes } from '../engine/api/routes/keys';
import type { Logger } from '../engine/logger';
import { createLogger } from '../engine/logger';
import { SqlCatalogStore } from '../engine/store/catalog-store';
import { createStore } from '../engine/store/create-store';
import { SqlKeyStore } from '../engine/store/key-store';
import { openSqlDatabase } from '../engine/store/sql-database';
import { CatalogService } from './catalog-service';
import { MemoryCatalogStore } from './catalog-store';
import { loadEmbeddedCatalog } from './embedded-catalog';
import { listen } from '../engine/server/listen';

export interface CatalogServerConfig {
  port: number;
  host: string;
  databaseUrl?: string;
  dataDir: string;
  templatesDir: string;
  anonymousRead: boolean;
  adminKey?: string;
}

export interface RunningCatalog {
  url: string;
  catalog: CatalogService;
  access: AccessControl;
  adminKey?: string;
  stop(): Promise<void>;
}

export async function startCatalogServer(config: CatalogServerConfig, logger: Logger = createLogger('catalog')): Promise<RunningCatalog> {
  const store = await createStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
  await store.migrate().finally(() => store.close());
  const database = openSqlDatabase(config.databaseUrl, config.dataDir);
  try {
    const access = new AccessControl(database ? new SqlKeyStore(database) : new MemoryKeyStore(), { anonymousRead: config.anonymousRead });
    const adminKey = await access.ensureAdminKey(config.adminKey);
    const catalog = new CatalogService(database ? new SqlCatalogStore(database) : new MemoryCatalogStore(), logger);
    await catalog.seed((await loadEmbeddedCatalog(config.templatesDir)).all());

    const app = express();
    app.disable('x-powered-by');
    app.use(accessMiddleware(access));
    app.post('/api/catalog/templates', express.text({ type: 'application/json', limit: MAX_JSON_BYTES }));
    app.use(express.json({ limit: MAX_JSON_BYTES }));
    app.get('/health', (_req, res) => void res.json({ status: 'UP', service: 'catalog' }));
    app.use(catalogRoutes(catalog, catalog, access));
    app.use(keyRoutes(access));
    app.use(notFoundHandler);
    app.use(errorHandler(logger));
    const { server, url } = await listen(app, config.port, config.host);
    logger.info({ url }, 'the catalog is running');
    return {
      url,
      catalog,
      access,
      ...(adminKey !== undefined && { adminKey }),
      async stop() {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await database?.close();
      },
    };
  } catch (error) {
    await database?.close();
    throw error;
  }
}
