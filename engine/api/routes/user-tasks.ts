/** User tasks: list the open ones, complete one with variables. */
import { Router } from 'express';
import type { Engine } from '../../runtime/engine';
import { parseBody, variablesSchema } from '../schemas';

export function userTaskRoutes(engine: Engine): Router {
  const router = Router();

  router.get('/api/user-tasks', (req, res) => {
    const processInstanceKey = typeof req.query.processInstanceKey === 'string' ? req.query.processInstanceKey : undefined;
    const items = engine.listUserTasks({ processInstanceKey }).map((task) => ({ ...task, createdAt: new Date(task.createdAt).toISOString() }));
    res.json({ items });
  });

  router.post('/api/user-tasks/:key/complete', async (req, res) => {
    const body = parseBody(variablesSchema, req.body);
    await engine.completeUserTask(req.params.key, body.variables ?? {});
    res.status(204).end();
  });

  return router;
}
