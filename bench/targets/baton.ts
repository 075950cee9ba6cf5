/**
 * Baton in one of its modes, wired on real parts as test/support/worlds.ts does:
 *   memory       MemoryStore + InProcessBus, the worker on the same bus
 *   embedded     SQLite file in a temp dir + InProcessBus, the worker on the same bus
 *   distributed  PostgreSQL (a schema of its own per scenario, dropped afterwards) + NATS JetStream (a subject
 *                prefix of its own, streams deleted afterwards), the worker in ANOTHER process
 *                (bench/worker-process.ts) on its own NATS connection
 * An instance's end is detected with `engine.onInstanceEnded`, in process, after its end is committed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { loadEmbeddedCatalog } from '../../catalog/embedded-catalog';
import type { Bus } from '../../engine/bus/bus';
import { InProcessBus } from '../../engine/bus/in-process-bus';
import { connectNatsBus } from '../../engine/bus/nats-bus';
import { createLogger } from '../../engine/logger';
import { Engine } from '../../engine/runtime/engine';
import { instanceKeyOf } from '../../engine/runtime/keys';
import { createStore } from '../../engine/store/create-store';
import { createWorker, type Worker } from '../../integrations/sdk';
import { BATON_BPMN, START_VARIABLES, TASK_TYPE, type ScenarioId } from '../lib/processes';
import { EndWaiter, type ScenarioRunner, type Target } from './target';

export type BatonMode = 'memory' | 'embedded' | 'distributed';

export interface BatonOptions {
  postgresUrl: string;
  natsUrl: string;
  /** Jobs a worker handles at once. */
  workerConcurrency: number;
}

const logger = createLogger('bench', process.env.LOG_LEVEL ?? 'warn');
const TEMPLATES_DIR = path.resolve(__dirname, '../../element-templates');

export async function openBaton(mode: BatonMode, options: BatonOptions): Promise<Target> {
  const catalog = await loadEmbeddedCatalog(TEMPLATES_DIR);
  const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'baton-bench-'));
  const schemas: string[] = [];
  const prefix = `bench${id}`;
  let workerProcess: ChildProcess | undefined;
  if (mode === 'distributed') workerProcess = await startWorkerProcess(options, prefix);

  return {
    mode,
    async open(scenario: ScenarioId): Promise<ScenarioRunner> {
      let databaseUrl: string;
      let bus: Bus;
      let worker: Worker | undefined;
      if (mode === 'distributed') {
        const schema = `bench_${id}_${scenario}`;
        schemas.push(schema);
        databaseUrl = `${options.postgresUrl}?schema=${schema}`;
        bus = await connectNatsBus({ servers: options.natsUrl, prefix, name: `bench-engine-${prefix}`, logger });
      } else {
        databaseUrl = mode === 'memory' ? 'memory:' : `file:${path.join(dir, `${scenario}.db`)}`;
        bus = new InProcessBus({ logger });
        worker = await createWorker(bus, { taskType: TASK_TYPE, concurrency: options.workerConcurrency, logger, handler: async () => ({ ok: true }) });
      }
      const store = await createStore({ databaseUrl, dataDir: dir, logger });
      await store.migrate();
      const engine = await Engine.start({ store, bus, catalog, logger });
      const deployed = await engine.deploy(BATON_BPMN[scenario], `bench-${scenario}.bpmn`);
      const bpmnProcessId = deployed.definitions[0].bpmnProcessId;
      const ends = new EndWaiter();
      engine.onInstanceEnded((ended) => ends.ended(ended.key));
      const start = () => engine.startInstance({ bpmnProcessId, variables: { ...START_VARIABLES } });
      return {
        async runOne() {
          const state = await start();
          await ends.expect(state.key);
        },
        async startWaiting() {
          const state = await start();
          const [taskKey] = Object.keys(state.userTasks);
          if (!taskKey) throw new Error(`instance ${state.key} is not waiting at a user task`);
          return taskKey;
        },
        async completeWaiting(handle: unknown) {
          const taskKey = handle as string;
          const end = ends.expect(instanceKeyOf(taskKey));
          await engine.completeUserTask(taskKey, { approved: true });
          await end;
        },
        async close() {
          await worker?.stop();
          await engine.stop();
          await bus.close();
          await store.close();
        },
      };
    },
    async close() {
      if (workerProcess) await stopProcess(workerProcess);
      if (mode === 'distributed') {
        await dropSchemas(options.postgresUrl, schemas).catch((err: unknown) => logger.warn({ err }, 'dropping the bench schemas failed'));
        await deleteStreams(options.natsUrl, prefix).catch((err: unknown) => logger.warn({ err }, 'deleting the bench streams failed'));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The worker of the distributed mode: another process, its own NATS connection. Resolves once it serves. */
async function startWorkerProcess(options: BatonOptions, prefix: string): Promise<ChildProcess> {
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${path.join(process.env.BENCH_PROFILE_DIR, 'worker')}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', path.join(__dirname, '../worker-process.ts')], {
    env: { ...process.env, BENCH_NATS_URL: options.natsUrl, BENCH_PREFIX: prefix, BENCH_CONCURRENCY: String(options.workerConcurrency) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the bench worker process exited (${String(code)}) before it was ready`)));
  });
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

async function dropSchemas(url: string, schemas: string[]): Promise<void> {
  if (schemas.length === 0) return;
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

async function deleteStreams(natsUrl: string, prefix: string): Promise<void> {
  const { connect } = await import('@nats-io/transport-node');
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    for (const name of [`${prefix.toUpperCase()}_JOBS`, `${prefix.toUpperCase()}_ANSWERS`]) await jsm.streams.delete(name).catch(() => undefined);
  } finally {
    await nc.close();
  }
}
