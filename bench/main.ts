/**
 * `npm run bench`: Baton against bpmn-engine, side by side, in one run on one machine.
 *
 * Every mode runs in a process of its own (node --expose-gc, so heap figures are taken after a full GC):
 * bpmn-engine (the reference, in memory), Baton in-memory, embedded (SQLite + in-process bus) and distributed
 * (PostgreSQL + NATS JetStream, the worker in another process). Progress goes to stderr; the table to stdout;
 * the figures to bench/results/bench-<time>.json (and bench/results/latest.json).
 *
 * Flags:
 *   --quick               a fast smoke run (0.5 s repetitions, 1,000 waiting instances)
 *   --only=a,b,c,d        scenarios (default all)
 *   --modes=bpmn-engine,memory,embedded,distributed   (default all)
 *   --seconds=N           seconds per repetition (default 2)
 *   --warmup=N            seconds of warm-up per cell (default 2)
 *   --reps=N              repetitions per cell, the median is reported (default 3)
 *   --in-flight=1,100     in-flight levels (default 1,100)
 *   --waiting=N           instances waiting at the user task in d (default 10000)
 *   --reference-waiting=N the same for bpmn-engine (default 2000: at ~0.5 MiB each, 10,000 need a 5 GiB heap
 *                         and spend minutes in its garbage collector; heap per instance is what is compared)
 *   --profile             write a CPU profile per mode process to bench/results/profiles/
 *                         (summarise one with `npx tsx bench/cpu-profile-summary.ts FILE`)
 * Environment: BATON_BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test),
 *              BATON_BENCH_NATS_URL (default nats://127.0.0.1:4222).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MODES, type BenchConfig, type FlowCell, type Mode, type ModeResult } from './lib/config';
import { ALL_SCENARIOS, FLOW_SCENARIOS, SCENARIO_TITLES, type ScenarioId } from './lib/processes';

const RESULTS_DIR = path.join(__dirname, 'results');

function parseArgs(argv: string[]): BenchConfig & { quick: boolean } {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unknown argument '${arg}' (see bench/main.ts for the flags)`);
    flags.set(match[1], match[2] ?? 'true');
  }
  const known = ['quick', 'only', 'modes', 'seconds', 'warmup', 'reps', 'in-flight', 'waiting', 'reference-waiting', 'profile'];
  for (const name of flags.keys()) if (!known.includes(name)) throw new Error(`unknown flag --${name}; known: ${known.map((k) => `--${k}`).join(', ')}`);
  const quick = flags.get('quick') === 'true';
  const list = (name: string) => flags.get(name)?.split(',').map((s) => s.trim()).filter(Boolean);
  const number = (name: string, fallback: number) => {
    const value = flags.get(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got '${value}'`);
    return n;
  };
  const scenarios = (list('only') ?? [...ALL_SCENARIOS]) as ScenarioId[];
  for (const s of scenarios) if (!ALL_SCENARIOS.includes(s)) throw new Error(`unknown scenario '${s}'; known: ${ALL_SCENARIOS.join(', ')}`);
  const modes = (list('modes') ?? [...MODES]) as Mode[];
  for (const m of modes) if (!MODES.includes(m)) throw new Error(`unknown mode '${m}'; known: ${MODES.join(', ')}`);
  return {
    quick,
    modes,
    scenarios: ALL_SCENARIOS.filter((s) => scenarios.includes(s)),
    inFlight: (list('in-flight') ?? ['1', '100']).map(Number),
    seconds: number('seconds', quick ? 0.5 : 2),
    warmupSeconds: number('warmup', quick ? 0.3 : 2),
    repetitions: number('reps', 3),
    waiting: number('waiting', quick ? 1000 : 10_000),
    referenceWaiting: number('reference-waiting', quick ? 500 : 2000),
    waitingInFlight: 100,
    workerConcurrency: 256,
    postgresUrl: process.env.BATON_BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test',
    natsUrl: process.env.BATON_BENCH_NATS_URL ?? 'nats://127.0.0.1:4222',
    profileDir: flags.get('profile') === 'true' ? path.join(RESULTS_DIR, 'profiles') : undefined,
  };
}

async function runMode(mode: Mode, config: BenchConfig, tmp: string): Promise<ModeResult> {
  const out = path.join(tmp, `${mode}.json`);
  const nodeArgs = ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx'];
  if (config.profileDir) {
    // one folder per mode; the main thread's profile is the largest file (tsx's loader thread writes one too)
    const dir = path.join(config.profileDir, mode);
    mkdirSync(dir, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
  }
  const child = spawn(process.execPath, [...nodeArgs, path.join(__dirname, 'runner.ts')], {
    env: { ...process.env, BENCH_MODE: mode, BENCH_CONFIG: JSON.stringify(config), BENCH_OUT: out, ...(config.profileDir ? { BENCH_PROFILE_DIR: path.join(config.profileDir, mode) } : {}) },
    stdio: ['ignore', process.stderr, process.stderr],
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    return JSON.parse(readFileSync(out, 'utf8')) as ModeResult;
  } catch {
    return { mode, flows: {}, error: `the ${mode} process exited with ${String(code)} and wrote no figures` };
  }
}

// ---- the table

const MODE_TITLES: Record<Mode, string> = { 'bpmn-engine': 'bpmn-engine', memory: 'Baton in-memory', embedded: 'Baton embedded', distributed: 'Baton distributed' };

function num(n: number | undefined, digits = 0): string {
  if (n === undefined || !Number.isFinite(n)) return '-';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function ms(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '-';
  return n < 1 ? n.toFixed(3) : n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0);
}

function ratio(value: number | undefined, reference: number | undefined): string {
  if (value === undefined || reference === undefined || !Number.isFinite(value) || !Number.isFinite(reference) || reference === 0) return '';
  const r = value / reference;
  return ` (${r >= 10 ? r.toFixed(0) : r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}x)`;
}

function cell(results: Map<Mode, ModeResult>, mode: Mode, scenario: ScenarioId, inFlight: number): FlowCell | undefined {
  return results.get(mode)?.flows[scenario]?.find((c) => c.inFlight === inFlight);
}

export function table(config: BenchConfig, results: Map<Mode, ModeResult>): string {
  const modes = config.modes;
  const rows: string[][] = [];
  const ref = (get: (m: Mode) => number | undefined) => (modes.includes('bpmn-engine') ? get('bpmn-engine') : undefined);
  const line = (scenario: string, figure: string, get: (m: Mode) => number | undefined, show: (n: number | undefined) => string) => {
    rows.push([scenario, figure, ...modes.map((m) => show(get(m)) + (m === 'bpmn-engine' ? '' : ratio(get(m), ref(get))))]);
  };
  for (const scenario of FLOW_SCENARIOS) {
    if (!config.scenarios.includes(scenario)) continue;
    for (const inFlight of config.inFlight) {
      line(SCENARIO_TITLES[scenario], `instances/s, ${inFlight} in flight`, (m) => cell(results, m, scenario, inFlight)?.perSecond, (n) => num(n));
    }
    for (const inFlight of config.inFlight) {
      line('', `p50 ms, ${inFlight} in flight`, (m) => cell(results, m, scenario, inFlight)?.p50, ms);
      line('', `p99 ms, ${inFlight} in flight`, (m) => cell(results, m, scenario, inFlight)?.p99, ms);
    }
  }
  if (config.scenarios.includes('d')) {
    const title = `d: ${num(config.waiting)} waiting at a user task${config.modes.includes('bpmn-engine') ? ` (bpmn-engine: ${num(config.referenceWaiting)})` : ''}`;
    line(title, 'heap per waiting instance, KiB', (m) => results.get(m)?.waiting?.bytesPerInstance, (n) => (n === undefined ? '-' : num(n / 1024, 2)));
    const w = (m: Mode) => results.get(m)?.waiting;
    line('', `started to the user task /s (${config.waitingInFlight} in flight)`, (m) => (w(m) ? w(m)!.waiting / w(m)!.startSeconds : undefined), (n) => num(n));
    line('', `completed /s (${config.waitingInFlight} in flight)`, (m) => w(m)?.completePerSecond, (n) => num(n));
    rows.push(['', 'time to complete them all, s', ...modes.map((m) => (w(m) ? `${num(w(m)!.completeSeconds, 2)} (${num(w(m)!.waiting)})` : '-'))]);
  }
  const header = ['scenario', 'figure', ...modes.map((m) => MODE_TITLES[m])];
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const fmtRow = (r: string[]) => `| ${r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [fmtRow(header), `|${widths.map((w, i) => (i < 2 ? ` ${'-'.repeat(w)} ` : ` ${'-'.repeat(w - 1)}: `)).join('|')}|`, ...rows.map(fmtRow)].join('\n');
}

interface TargetCheck {
  target: string;
  met: boolean | undefined;
  detail: string;
}

function checkTargets(config: BenchConfig, results: Map<Mode, ModeResult>): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const top = Math.max(...config.inFlight);
  for (const scenario of FLOW_SCENARIOS) {
    const reference = cell(results, 'bpmn-engine', scenario, top)?.perSecond;
    const memory = cell(results, 'memory', scenario, top)?.perSecond;
    const r = memory !== undefined && reference ? memory / reference : undefined;
    checks.push({ target: `in-memory ${scenario}, ${top} in flight >= 50x bpmn-engine`, met: r === undefined ? undefined : r >= 50, detail: r === undefined ? 'not measured' : `${num(memory)}/s vs ${num(reference)}/s = ${r.toFixed(1)}x` });
  }
  const embedded = cell(results, 'embedded', 'b', top)?.perSecond;
  checks.push({ target: `embedded b, ${top} in flight >= 2,000/s`, met: embedded === undefined ? undefined : embedded >= 2000, detail: embedded === undefined ? 'not measured' : `${num(embedded)}/s` });
  const distributed = cell(results, 'distributed', 'b', top)?.perSecond;
  checks.push({ target: `distributed b, ${top} in flight >= 1,000/s`, met: distributed === undefined ? undefined : distributed >= 1000, detail: distributed === undefined ? 'not measured' : `${num(distributed)}/s` });
  const refHeap = results.get('bpmn-engine')?.waiting?.bytesPerInstance;
  for (const mode of ['memory', 'embedded', 'distributed'] as const) {
    const heap = results.get(mode)?.waiting?.bytesPerInstance;
    const r = heap !== undefined && refHeap ? heap / refHeap : undefined;
    checks.push({ target: `${mode} d heap per waiting instance <= 1/5 of bpmn-engine`, met: r === undefined ? undefined : r <= 0.2, detail: r === undefined ? 'not measured' : `${num(heap! / 1024, 2)} KiB vs ${num(refHeap! / 1024, 2)} KiB = ${r.toFixed(3)}x` });
  }
  return checks;
}

async function main(): Promise<void> {
  const config = parseArgs(process.argv.slice(2));
  const cpus = os.cpus();
  const machine = {
    cores: cpus.length,
    cpu: cpus[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const header = [
    `Baton benchmark - ${new Date().toISOString()}`,
    `machine: ${machine.cores} cores, ${machine.cpu}, Node ${machine.node}, ${machine.platform}, ${machine.memoryGiB} GiB, load ${machine.loadAverage.join(' ')}`,
    `command: ${command}`,
    `settings: ${config.repetitions} x ${config.seconds} s per cell after ${config.warmupSeconds} s warm-up (medians), in flight ${config.inFlight.join(' and ')}, ` +
      `${config.waiting} waiting in d (bpmn-engine ${config.referenceWaiting}); worker concurrency ${config.workerConcurrency}`,
  ].join('\n');
  process.stderr.write(`${header}\n`);
  const started = Date.now();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'baton-bench-results-'));
  const results = new Map<Mode, ModeResult>();
  try {
    for (const mode of config.modes) {
      const t0 = Date.now();
      process.stderr.write(`-- ${MODE_TITLES[mode]}\n`);
      results.set(mode, await runMode(mode, config, tmp));
      process.stderr.write(`-- ${MODE_TITLES[mode]} done in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const checks = checkTargets(config, results);
  const errors = [...results.values()].filter((r) => r.error);
  const text = [
    header,
    `run time: ${((Date.now() - started) / 1000).toFixed(0)} s`,
    '',
    table(config, results),
    '',
    'Ratios in parentheses are to bpmn-engine (higher is better for instances/s, lower for latency and heap).',
    'instances/s = in flight / mean start-to-end latency (Little\'s law for the closed loop; see bench/lib/stats.ts).',
    '',
    'targets:',
    ...checks.map((c) => `  ${c.met === undefined ? 'n/a ' : c.met ? 'MET ' : 'MISS'} ${c.target}: ${c.detail}`),
    ...errors.map((r) => `\nERROR in ${r.mode}: ${r.error}`),
  ].join('\n');
  mkdirSync(RESULTS_DIR, { recursive: true });
  const json = { command, machine, config, startedAt: new Date(started).toISOString(), seconds: (Date.now() - started) / 1000, results: Object.fromEntries(results), targets: checks };
  const file = path.join(RESULTS_DIR, `bench-${new Date(started).toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(json, null, 2));
  writeFileSync(path.join(RESULTS_DIR, 'latest.json'), JSON.stringify(json, null, 2));
  writeFileSync(path.join(RESULTS_DIR, 'latest.txt'), `${text}\n`);
  process.stdout.write(`${text}\n\nfigures: ${path.relative(process.cwd(), file)}\n`);
  if (errors.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
