/**
 * `npm run chaos [-- options]`: the chaos harness (harness.ts) from the command line. Progress on stderr,
 * the report on stdout; exit 1 on any violation, 2 when the harness itself failed.
 *   --duration <s>      how long the load and the chaos run (default 180)
 *   --rate <n>          instances started per second (default 10)
 *   --workers <n>       worker processes (default 2)
 *   --gap <min>-<max>   seconds between chaos actions (default 4-12)
 *   --actions <list>    comma-separated: kill-engine, kill-worker, restart-nats (default all)
 *   --seed <n>          seed of the schedule
 *   --drain <s>         how long the drain may take after the load (default 90)
 *   --keep              keep the schema, the logs and the NATS store dir
 * Env: CHAOS_DATABASE_URL / TEST_DATABASE_URL (PostgreSQL, default postgresql://postgres@127.0.0.1:5432/test),
 *      CHAOS_NATS_SERVER (default /usr/sbin/nats-server), CHAOS_LOG_LEVEL (children's log level, default warn).
 */
import { runChaos, type ChaosAction, type ChaosOptions } from './harness';

const ACTIONS: ChaosAction[] = ['kill-engine', 'kill-worker', 'restart-nats'];

function parseArgs(argv: string[]): Partial<ChaosOptions> {
  const options: Partial<ChaosOptions> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    const number = () => {
      const n = Number(value());
      if (!Number.isFinite(n) || n <= 0) throw new Error(`${arg} needs a positive number`);
      return n;
    };
    switch (arg) {
      case '--duration':
        options.durationMs = number() * 1000;
        break;
      case '--rate':
        options.rate = number();
        break;
      case '--workers':
        options.workers = Math.round(number());
        break;
      case '--gap': {
        const [min, max] = value().split('-').map(Number);
        if (!(min > 0) || !(max >= min)) throw new Error('--gap takes <min>-<max> in seconds, e.g. 4-12');
        options.gapMs = [min * 1000, max * 1000];
        break;
      }
      case '--actions': {
        const actions = value().split(',').map((a) => a.trim()).filter(Boolean) as ChaosAction[];
        const unknown = actions.filter((a) => !ACTIONS.includes(a));
        if (unknown.length) throw new Error(`unknown action(s) ${unknown.join(', ')}; use ${ACTIONS.join(', ')}`);
        options.actions = actions;
        break;
      }
      case '--seed':
        options.seed = Math.round(number());
        break;
      case '--drain':
        options.drainTimeoutMs = number() * 1000;
        break;
      case '--keep':
        options.keep = true;
        break;
      case '--help':
      case '-h':
        process.stdout.write(`usage: npm run chaos -- [--duration s] [--rate n] [--workers n] [--gap min-max] [--actions list] [--seed n] [--drain s] [--keep]\n`);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${arg} (try --help)`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  let options: Partial<ChaosOptions>;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  const report = await runChaos(options);
  const lines = [
    '',
    'Baton chaos run',
    `  seed                        ${report.seed}`,
    `  duration                    ${(report.durationMs / 1000).toFixed(1)} s`,
    `  starts acknowledged (201)   ${report.startsAcknowledged}`,
    `  starts refused / unknown    ${report.startsRefused} / ${report.startsUnknown}`,
    `  instances started (in DB)   ${report.instancesStarted}`,
    `  instances completed         ${report.instancesCompleted}`,
    `  instances still active      ${report.instancesActive}`,
    `  jobs completed              ${report.jobsCompleted}`,
    `  job executions              ${report.executions} (${report.jobsExecutedMoreThanOnce} jobs ran more than once: at-least-once delivery)`,
    `  user tasks completed (REST) ${report.userTaskCompletions}`,
    `  history records             ${report.historyRecords}`,
    `  outbox rows left            ${report.outboxLeft}`,
    `  engine kills (SIGKILL)      ${report.engineKills} (engine started ${report.engineStarts} times)`,
    `  worker kills mid-job        ${report.workerKills}`,
    `  nats-server restarts        ${report.natsRestarts}`,
    `  violations                  ${report.violations.length}`,
    ...report.violations.map((v) => `    - ${v}`),
    '',
  ];
  process.stdout.write(lines.join('\n'));
  process.exit(report.violations.length > 0 ? 1 : 0);
}

main().catch((error: unknown) => {
  process.stderr.write(`the chaos harness failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(2);
});
