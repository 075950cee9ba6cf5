/** Process instances: start, read (state and history), list, cancel, set variables. */
import { Router } from 'express';
import { ValidationError } from '../../errors';
import type { Engine } from '../../runtime/engine';
import { InstanceStatus } from '../../runtime/instance-state';
import { parseBody, startInstanceSchema, variablesSchema } from '../schemas';
import { historyView, instanceSummaryView, instanceView } from '../views';

const STATUSES = Object.values(InstanceStatus) as string[];

export function instanceRoutes(engine: Engine): Router {
  const router = Router();

  router.post('/api/instances', async (req, res) => {
    const body = parseBody(startInstanceSchema, req.body);
    const state = await engine.startInstance(body);
    res.status(201).json({ key: state.key, definitionKey: state.definitionKey, bpmnProcessId: state.bpmnProcessId, version: state.version, status: state.status });
  });

  router.get('/api/instances', async (req, res) => {
    const status = req.query.status === undefined ? undefined : String(req.query.status).toUpperCase();
    if (status !== undefined && !STATUSES.includes(status)) {
      throw new ValidationError(`status must be one of ${STATUSES.join(', ')}`, [{ code: 'ENUM', message: `unknown status '${status}'`, pointer: '/status' }]);
    }
    const limit = integer(req.query.limit, 'limit', 100, 1, 1000);
    const offset = integer(req.query.offset, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
    const items = await engine.listInstances({
      status: status as InstanceStatus | undefined,
      bpmnProcessId: optionalString(req.query.bpmnProcessId),
      definitionKey: optionalString(req.query.definitionKey),
      limit,
      offset,
    });
    res.json({ items: items.map(instanceSummaryView), limit, offset });
  });

  router.get('/api/instances/:key', async (req, res) => {
    const state = await engine.getInstance(req.params.key);
    res.json(instanceView(state, await engine.history(state.key)));
  });

  router.get('/api/instances/:key/history', async (req, res) => {
    res.json({ items: (await engine.history(req.params.key)).map(historyView) });
  });

  router.post('/api/instances/:key/cancel', async (req, res) => {
    await engine.cancelInstance(req.params.key);
    res.status(204).end();
  });

  router.post('/api/instances/:key/variables', async (req, res) => {
    const body = parseBody(variablesSchema, req.body);
    await engine.setVariables(req.params.key, body.variables ?? {});
    res.status(204).end();
  });

  return router;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function integer(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new ValidationError(`${name} must be an integer from ${min} to ${max}`, [{ code: 'RANGE', message: `${name}=${String(value)}`, pointer: `/${name}` }]);
  }
  return parsed;
}
