/** The template catalog as far as the core needs it: list the templates loaded at start. */
import { Router } from 'express';
import type { TemplateCatalog } from '../../../catalog/catalog';

export function catalogRoutes(catalog: TemplateCatalog): Router {
  const router = Router();
  router.get('/api/catalog/templates', async (_req, res) => {
    res.json({ items: await catalog.list() });
  });
  return router;
}
