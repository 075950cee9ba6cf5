/** Incidents: list the open ones, resolve one (run again what failed). */
import { Router } from 'express';
import type { Engine } from '../../runtime/engine';
import { parseBody, resolveIncidentSchema } from '../schemas';

export function incidentRoutes(engine: Engine): Router {
  const router = Router();

  router.get('/api/incidents', (req, res) => {
    const processInstanceKey = typeof req.query.processInstanceKey === 'string' ? req.query.processInstanceKey : undefined;
    const items = engine
      .listIncidents({ processInstanceKey })
      .map(({ result: _result, ...incident }) => ({ ...incident, createdAt: new Date(incident.createdAt).toISOString() }));
    res.json({ items });
  });

  router.post('/api/incidents/:key/resolve', async (req, res) => {
    const body = parseBody(resolveIncidentSchema, req.body);
    await engine.resolveIncident(req.params.key, body);
    res.status(204).end();
  });

  return router;
}
