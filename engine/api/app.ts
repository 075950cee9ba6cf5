/** The express application: JSON in and out, every route's errors as problem bodies. */
import express, { type Express, type RequestHandler } from 'express';
import type { TemplateCatalog } from '../../catalog/catalog';
import type { CatalogAdmin } from '../../catalog/catalog-service';
import { accessMiddleware, type AccessControl } from '../access';
import type { Bus } from '../bus/bus';
import { BatonError, ErrorCode } from '../errors';
import type { Logger } from '../logger';
import type { Engine } from '../runtime/engine';
import type { Store } from '../store/store';
import { errorHandler, notFoundHandler } from './problem';
import { openApiDocument } from './openapi';
import { catalogRoutes } from './routes/catalog';
import { catalogUsageRoutes } from './routes/catalog-usages';
import { deploymentRoutes } from './routes/deployments';
import { healthRoutes } from './routes/health';
import { incidentRoutes } from './routes/incidents';
import { instanceRoutes } from './routes/instances';
import { keyRoutes } from './routes/keys';
import { userTaskRoutes } from './routes/user-tasks';

export const MAX_JSON_BYTES = 1024 * 1024;

export interface AppParts {
  engine: Engine;
  store: Store;
  bus: Bus;
  catalog: TemplateCatalog;
  /** Publish, deprecate, withdraw; absent when the engine reads a standalone catalog (CATALOG_URL). */
  catalogAdmin?: CatalogAdmin;
  /** API keys and the route policy: every route passes it. */
  access: AccessControl;
  logger: Logger;
  version?: string;
}

/** JSON routes take JSON only: a body of another type is 415, not silently ignored. */
const jsonOnly: RequestHandler = (req, _res, next) => {
  const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
  if (req.method === 'POST' && hasBody && !req.path.startsWith('/api/deployments') && !req.is('application/json')) {
    next(new BatonError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 415, `Send JSON (application/json), not '${req.get('content-type') ?? 'nothing'}'`));
    return;
  }
  next();
};

export function createApp(parts: AppParts): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(accessMiddleware(parts.access));
  app.use(jsonOnly);
  // Publishing reads its JSON as text, so template problems can name line and column.
  app.post('/api/catalog/templates', express.text({ type: 'application/json', limit: MAX_JSON_BYTES }));
  app.use(express.json({ limit: MAX_JSON_BYTES }));
  app.get('/openapi.json', (_req, res) => void res.json(openApiDocument(parts.version ?? '0.0.0')));
  app.use(healthRoutes(parts.store, parts.bus));
  app.use(deploymentRoutes(parts.engine));
  app.use(instanceRoutes(parts.engine));
  app.use(userTaskRoutes(parts.engine));
  app.use(incidentRoutes(parts.engine));
  app.use(catalogUsageRoutes(parts.engine, parts.catalog));
  app.use(catalogRoutes(parts.catalog, parts.catalogAdmin, parts.access));
  app.use(keyRoutes(parts.access));
  app.use(notFoundHandler);
  app.use(errorHandler(parts.logger));
  return app;
}
