/**
 * The chaos harness's integration service, as its own process: serves the chaos process's task types on
 * the worker SDK over NATS JetStream and reports every execution on stdout, one line each, written
 * synchronously (a pipe on Linux), so a line printed before a SIGKILL reaches the harness:
 *   START <jobKey> <type>    the handler began (the job is in flight)
 *   EXEC <jobKey> <type>     the handler finished; its answer is about to be published
 *   READY                    every worker is consuming
 * Env: NATS_URL, BATON_SUBJECT_PREFIX, CHAOS_ACK_WAIT_MS (default 3000), CHAOS_MIN_MS / CHAOS_MAX_MS (handler
 * time, default 20..200 ms), CHAOS_FAIL_RATE (share of executions answered with a retryable failure).
 * SIGTERM: finishes the jobs in flight, then exits 0.
 */
import { connectNatsBus } from '../engine/bus/nats-bus';
import { createLogger } from '../engine/logger';
import { createWorker, JobFailure, type Worker } from '../integrations/sdk';

export const CHAOS_TASK_TYPES = ['chaos.reserve', 'chaos.charge', 'chaos.pack', 'chaos.ship'] as const;

async function main(): Promise<void> {
  const logger = createLogger('chaos-worker');
  const minMs = Number(process.env.CHAOS_MIN_MS ?? 20);
  const maxMs = Number(process.env.CHAOS_MAX_MS ?? 200);
  const failRate = Number(process.env.CHAOS_FAIL_RATE ?? 0);
  const bus = await connectNatsBus({
    servers: process.env.NATS_URL ?? '127.0.0.1:4222',
    prefix: process.env.BATON_SUBJECT_PREFIX ?? 'baton',
    name: `chaos-worker-${process.pid}`,
    logger,
    ackWaitMs: Number(process.env.CHAOS_ACK_WAIT_MS ?? 3000),
    redeliveryDelayMs: 200,
  });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const workers: Worker[] = [];
  for (const taskType of CHAOS_TASK_TYPES) {
    workers.push(
      await createWorker(bus, {
        taskType,
        concurrency: 8,
        logger,
        handler: async (job) => {
          out(`START ${job.key} ${taskType}`);
          await new Promise((resolve) => setTimeout(resolve, minMs + Math.random() * (maxMs - minMs)));
          if (Math.random() < failRate) {
            out(`FAIL ${job.key} ${taskType}`);
            throw new JobFailure('chaos: a planned failure', { retryBackoffMs: 50 });
          }
          out(`EXEC ${job.key} ${taskType}`);
          return { token: `${taskType}:${job.key}`, worker: process.pid };
        },
      }),
    );
  }
  out('READY');
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await Promise.all(workers.map((w) => w.stop()));
    await bus.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`chaos worker failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
