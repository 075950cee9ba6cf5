/** API keys (admin only, see engine/access/policy.ts): create (the key is shown once), list, revoke. */
import { Router } from 'express';
import { keyView, requirePrincipal, type AccessControl } from '../../access';
import { NotFoundError } from '../../errors';
import { createKeySchema, parseBody } from '../schemas';

export function keyRoutes(access: AccessControl): Router {
  const router = Router();

  router.post('/api/keys', async (req, res) => {
    const body = parseBody(createKeySchema, req.body);
    const { key, record } = await access.createKey(body, requirePrincipal(res));
    res.status(201).json({ ...keyView(record), key, note: 'The key is shown this once; Baton keeps only its hash.' });
  });

  router.get('/api/keys', async (_req, res) => {
    res.json({ items: await access.listKeys() });
  });

  router.delete('/api/keys/:id', async (req, res) => {
    if (!(await access.revokeKey(req.params.id))) throw new NotFoundError('API key', req.params.id);
    res.status(204).end();
  });

  return router;
}
