/** GET /health: the database and the bus; 503 when either is down. */
import { Router } from 'express';
import type { Bus } from '../../bus/bus';
import type { Store } from '../../store/store';

export function healthRoutes(store: Store, bus: Bus): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const [database, busHealth] = await Promise.all([
      store.health().catch((error: unknown) => ({ ok: false, detail: String(error) })),
      bus.health().catch((error: unknown) => ({ ok: false, detail: String(error) })),
    ]);
    const ok = database.ok && busHealth.ok;
    res.status(ok ? 200 : 503).json({
      status: ok ? 'UP' : 'DOWN',
      database: { kind: store.kind, ...database },
      bus: { kind: bus.kind, ...busHealth },
    });
  });
  return router;
}
