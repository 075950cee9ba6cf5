/**
 * The chaos harness: Baton in distributed mode (PostgreSQL in a schema of its own, a nats-server of its own
 * with JetStream and its own store dir, a subject prefix of its own) as child processes, chaos workers in
 * other processes, a steady load of instances over REST, and while it runs: the engine SIGKILLed and
 * restarted, a worker SIGKILLed mid-job and restarted, nats-server restarted. Then, with every child
 * stopped, the database is checked (checks.ts). Used by `npm run chaos` (main.ts) and by the jest guard
 * (test/reliability/chaos.test.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { checkRun, type CheckResult } from './checks';
import { Child, freePort, ROOT, tsxChild } from './children';

export interface ChaosOptions {
  /** How long the load runs (chaos happens during it). */
  durationMs: number;
  /** Instances started per second. */
  rate: number;
  /** Worker processes. */
  workers: number;
  /** Pause between two chaos actions, chosen at random in [min, max]. */
  gapMs: [number, number];
  /** Which actions to take (all by default), in a shuffled round robin. */
  actions: ChaosAction[];
  /** Keep the chaos (and the load) going past the duration until every action was taken once. */
  everyActionOnce: boolean;
  /** Seed of the schedule's randomness (the timing of the processes is not reproducible). */
  seed: number;
  /** How long the drain may take after the load stopped. */
  drainTimeoutMs: number;
  /** PostgreSQL URL without schema (a schema chaos_<id> is created and dropped). */
  databaseUrl: string;
  /** The nats-server binary. */
  natsServer: string;
  /** Keep the schema, the logs and the NATS store dir. */
  keep: boolean;
  /** Progress lines (stderr in the CLI). */
  log: (line: string) => void;
}

export type ChaosAction = 'kill-engine' | 'kill-worker' | 'restart-nats';

export const DEFAULT_OPTIONS: ChaosOptions = {
  durationMs: 180_000,
  rate: 10,
  workers: 2,
  gapMs: [4_000, 12_000],
  actions: ['kill-engine', 'kill-worker', 'restart-nats'],
  everyActionOnce: true,
  seed: Date.now() % 100_000,
  drainTimeoutMs: 90_000,
  databaseUrl: process.env.TEST_DATABASE_URL ?? process.env.CHAOS_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test',
  natsServer: process.env.CHAOS_NATS_SERVER ?? '/usr/sbin/nats-server',
  keep: false,
  log: (line) => process.stderr.write(`${line}\n`),
};

export interface ChaosReport extends CheckResult {
  seed: number;
  durationMs: number;
  /** Start requests answered 201. */
  startsAcknowledged: number;
  /** Start requests refused (connection refused: the engine was down, nothing was started). */
  startsRefused: number;
  /** Start requests without an answer (the engine died under them: they may or may not have started). */
  startsUnknown: number;
  userTaskCompletions: number;
  engineKills: number;
  workerKills: number;
  natsRestarts: number;
  engineStarts: number;
  workDir: string;
}

/** mulberry32: a small seeded PRNG for the schedule. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runChaos(partial: Partial<ChaosOptions> = {}): Promise<ChaosReport> {
  const options: ChaosOptions = { ...DEFAULT_OPTIONS, ...partial };
  const { log } = options;
  const rnd = random(options.seed);
  const id = `${Date.now().toString(36)}${Math.floor(rnd() * 1e6).toString(36)}`;
  const workDir = mkdtempSync(path.join(tmpdir(), 'baton-chaos-'));
  const storeDir = path.join(workDir, 'nats-store');
  mkdirSync(storeDir);
  const schema = `chaos_${id}`;
  const prefix = `chaos${id}`;
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
  const say = (line: string) => log(`[chaos ${elapsed()}] ${line}`);

  const natsPort = await freePort();
  const enginePort = await freePort();
  const natsUrl = `nats://127.0.0.1:${natsPort}`;
  const baseUrl = `http://127.0.0.1:${enginePort}`;
  // The admin key the engine registers at start (BATON_ADMIN_KEY); every request carries it.
  const adminKey = `chaos-${randomBytes(24).toString('hex')}`;
  const auth = { authorization: `Bearer ${adminKey}` };
  const databaseUrl = `${options.databaseUrl}${options.databaseUrl.includes('?') ? '&' : '?'}schema=${schema}`;
  say(`seed ${options.seed}; work dir ${workDir}; schema ${schema}; NATS ${natsUrl}; engine ${baseUrl}`);

  // ---- children
  const nats = new Child('nats-server', options.natsServer, ['-a', '127.0.0.1', '-p', String(natsPort), '-js', '-sd', storeDir], { ...process.env }, path.join(workDir, 'nats.log'));
  const engineEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(enginePort),
    BATON_HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    NATS_URL: natsUrl,
    BATON_SUBJECT_PREFIX: prefix,
    BATON_WORKERS: 'false',
    BATON_NATS_ACK_WAIT_MS: '3000',
    BATON_ADMIN_KEY: adminKey,
    LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'warn',
  };
  const engine = tsxChild('engine', 'engine/server/main.ts', engineEnv, path.join(workDir, 'engine.log'));

  /** Executions per job key, from the workers' stdout. */
  const executions = new Map<string, number>();
  const inFlight: Set<string>[] = [];
  const workers: Child[] = [];
  for (let i = 0; i < options.workers; i++) {
    const running = new Set<string>();
    inFlight.push(running);
    workers.push(
      tsxChild(
        `worker-${i}`,
        'chaos/worker.ts',
        { ...process.env, NATS_URL: natsUrl, BATON_SUBJECT_PREFIX: prefix, CHAOS_ACK_WAIT_MS: '3000', CHAOS_FAIL_RATE: '0.03', LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'warn' },
        path.join(workDir, `worker-${i}.log`),
        (line) => {
          const [what, jobKey] = line.split(' ');
          if (what === 'START') running.add(jobKey);
          else if (what === 'EXEC') {
            running.delete(jobKey);
            executions.set(jobKey, (executions.get(jobKey) ?? 0) + 1);
          } else if (what === 'FAIL') running.delete(jobKey);
        },
      ),
    );
  }
  const all = [nats, engine, ...workers];

  const counts = { acknowledged: new Set<string>(), refused: 0, unknown: 0, completions: 0, engineKills: 0, workerKills: 0, natsRestarts: 0 };
  let loadRunning = false;
  let completing = true;

  const startEngine = async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        await engine.start(/Baton is listening on/, 60_000);
        return;
      } catch (error) {
        if (attempt >= 10) throw error;
        say(`engine did not start (${(error as Error).message}); retrying`);
        await sleep(500);
      }
    }
  };

  try {
    await nats.start(/Server is ready/);
    await startEngine();
    await Promise.all(workers.map((w) => w.start(/^READY$/, 60_000)));
    say(`nats-server, engine and ${workers.length} workers are up`);

    const xml = readFileSync(path.join(ROOT, 'chaos', 'chaos.bpmn'), 'utf8');
    const deployed = await fetch(`${baseUrl}/api/deployments?name=chaos.bpmn`, { method: 'POST', headers: { ...auth, 'content-type': 'application/xml' }, body: xml });
    if (deployed.status >= 300) throw new Error(`deploying chaos.bpmn failed: ${deployed.status} ${await deployed.text()}`);

    // ---- load: `rate` starts per second, at most 64 requests open; the duration counts from here
    const loadStarted = Date.now();
    loadRunning = true;
    let open = 0;
    let sequence = 0;
    const load = (async () => {
      const interval = 1000 / options.rate;
      let next = Date.now();
      while (loadRunning) {
        next += interval;
        if (open < 64) {
          open += 1;
          const n = ++sequence;
          void startInstance(baseUrl, auth, n)
            .then((outcome) => {
              if (outcome === 'refused') counts.refused += 1;
              else if (outcome === 'unknown') counts.unknown += 1;
              else counts.acknowledged.add(outcome.key);
            })
            .finally(() => (open -= 1));
        }
        await sleep(Math.max(0, next - Date.now()));
      }
      while (open > 0) await sleep(50);
    })();

    // ---- user tasks: completed over REST as they appear (a failed call is simply tried again later)
    const completer = (async () => {
      while (completing) {
        try {
          const res = await fetch(`${baseUrl}/api/user-tasks`, { headers: auth, signal: AbortSignal.timeout(5_000) });
          if (res.ok) {
            const { items } = (await res.json()) as { items: { key: string }[] };
            await Promise.all(
              items.slice(0, 100).map(async (task) => {
                const done = await fetch(`${baseUrl}/api/user-tasks/${task.key}/complete`, {
                  method: 'POST',
                  headers: { ...auth, 'content-type': 'application/json' },
                  body: JSON.stringify({ variables: { approved: true } }),
                  signal: AbortSignal.timeout(10_000),
                }).catch(() => undefined);
                if (done?.status === 204) counts.completions += 1;
              }),
            );
          }
        } catch {
          // the engine is down: try again
        }
        await sleep(150);
      }
    })();

    // ---- chaos: a shuffled round robin of the actions, one at a time, random gaps
    const chaosEnd = loadStarted + options.durationMs;
    let queue: ChaosAction[] = [];
    const taken = new Set<ChaosAction>();
    while (options.actions.length > 0) {
      const gap = options.gapMs[0] + rnd() * (options.gapMs[1] - options.gapMs[0]);
      const owed = options.everyActionOnce && options.actions.some((a) => !taken.has(a));
      if (Date.now() + gap >= chaosEnd && !owed) break;
      await sleep(gap);
      if (queue.length === 0) queue = [...options.actions].sort(() => rnd() - 0.5);
      const action = queue.shift()!;
      taken.add(action);
      if (action === 'kill-engine') {
        await engine.kill();
        counts.engineKills += 1;
        say(`engine SIGKILLed (kill ${counts.engineKills}); ${counts.acknowledged.size} starts acknowledged so far`);
        await sleep(rnd() * 1_000);
        await startEngine();
        say('engine restarted');
      } else if (action === 'kill-worker') {
        const index = Math.floor(rnd() * workers.length);
        const waitUntil = Date.now() + 3_000;
        while (inFlight[index].size === 0 && Date.now() < waitUntil) await sleep(10);
        const midJob = inFlight[index].size;
        await workers[index].kill();
        inFlight[index].clear();
        counts.workerKills += 1;
        say(`worker-${index} SIGKILLed with ${midJob} job(s) in flight (kill ${counts.workerKills})`);
        await sleep(rnd() * 1_000);
        await workers[index].start(/^READY$/, 60_000);
        say(`worker-${index} restarted`);
      } else {
        const code = await nats.stop();
        counts.natsRestarts += 1;
        say(`nats-server stopped (exit ${code}, restart ${counts.natsRestarts})`);
        await sleep(rnd() * 1_500);
        await nats.start(/Server is ready/);
        say('nats-server restarted');
      }
    }
    await sleep(Math.max(0, chaosEnd - Date.now()));
    loadRunning = false;
    await load;
    say(`load stopped: ${counts.acknowledged.size} acknowledged, ${counts.refused} refused, ${counts.unknown} unknown; draining`);

    // ---- drain: until every instance in the database is completed (or the drain times out)
    const db = new Client({ connectionString: options.databaseUrl.replace(/\?.*$/, ''), options: `-c search_path="${schema}"` });
    await db.connect();
    try {
      const drainEnd = Date.now() + options.drainTimeoutMs;
      let lastReport = 0;
      for (;;) {
        const { rows } = await db.query<{ status: string; n: string }>('SELECT status, count(*) AS n FROM instances GROUP BY status');
        const byStatus = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
        const active = byStatus.ACTIVE ?? 0;
        if (active === 0) break;
        if (Date.now() > drainEnd) {
          say(`drain timed out with ${active} active instance(s)`);
          break;
        }
        if (Date.now() - lastReport > 3_000) {
          lastReport = Date.now();
          say(`draining: ${JSON.stringify(byStatus)}`);
        }
        await sleep(250);
      }
    } finally {
      await db.end();
    }
    completing = false;
    await completer;

    // ---- stop every child (gracefully: the engine flushes what it published), then check
    const workerCodes = await Promise.all(workers.map((w) => w.stop()));
    const engineCode = await engine.stop();
    const natsCode = await nats.stop();
    say(`stopped: engine exit ${engineCode}, workers exit ${workerCodes.join(', ')}, nats-server exit ${natsCode}`);

    const result = await checkRun({
      databaseUrl: options.databaseUrl,
      schema,
      acknowledged: counts.acknowledged,
      executions,
      expectedJobElements: ['reserve', 'charge', 'pack', 'ship'],
      expectedUserTasks: ['approve'],
    });
    if (engineCode !== 0) result.violations.push(`the engine did not stop cleanly at the end (exit ${engineCode})`);
    return {
      ...result,
      seed: options.seed,
      durationMs: Date.now() - started,
      startsAcknowledged: counts.acknowledged.size,
      startsRefused: counts.refused,
      startsUnknown: counts.unknown,
      userTaskCompletions: counts.completions,
      engineKills: counts.engineKills,
      workerKills: counts.workerKills,
      natsRestarts: counts.natsRestarts,
      engineStarts: engine.starts,
      workDir,
    };
  } finally {
    loadRunning = false;
    completing = false;
    await Promise.all(all.map((child) => child.kill()));
    all.forEach((child) => child.close());
    if (!options.keep) {
      await dropSchema(options.databaseUrl, schema).catch((error: unknown) => say(`dropping schema ${schema} failed: ${String(error)}`));
      rmSync(workDir, { recursive: true, force: true });
    }
  }
}

type StartOutcome = { key: string } | 'refused' | 'unknown';

async function startInstance(baseUrl: string, auth: Record<string, string>, n: number): Promise<StartOutcome> {
  try {
    const res = await fetch(`${baseUrl}/api/instances`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ bpmnProcessId: 'chaos', variables: { n, payload: 'x'.repeat(64) } }),
      signal: AbortSignal.timeout(15_000),
    });
    if (res.status === 201) return { key: ((await res.json()) as { key: string }).key };
    // 5xx while the engine is starting or stopping: nothing was committed
    await res.text().catch(() => undefined);
    return 'refused';
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    return code === 'ECONNREFUSED' ? 'refused' : 'unknown';
  }
}

async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl.replace(/\?.*$/, '') });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
