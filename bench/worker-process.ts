/**
 * The distributed mode's worker: another process with its own NATS connection, serving the benchmark's task
 * type with the worker SDK. Prints `ready` on stdout once it serves; SIGTERM stops it cleanly.
 *   BENCH_NATS_URL, BENCH_PREFIX, BENCH_CONCURRENCY
 */
import { connectNatsBus } from '../engine/bus/nats-bus';
import { createLogger } from '../engine/logger';
import { createWorker } from '../integrations/sdk';
import { TASK_TYPE } from './lib/processes';

async function main(): Promise<void> {
  const logger = createLogger('bench-worker', process.env.LOG_LEVEL ?? 'warn');
  const bus = await connectNatsBus({
    servers: process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222',
    prefix: process.env.BENCH_PREFIX ?? 'bench',
    name: 'bench-worker',
    logger,
  });
  const worker = await createWorker(bus, {
    taskType: TASK_TYPE,
    concurrency: Number(process.env.BENCH_CONCURRENCY ?? 256),
    logger,
    handler: async () => ({ ok: true }),
  });
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    void (async () => {
      await worker.stop();
      await bus.close();
      process.exit(0);
    })();
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench worker failed: ${String(err)}\n`);
  process.exit(1);
});
