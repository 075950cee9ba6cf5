/** `npm run worker` as its own process: serves jobs over NATS, stops cleanly on SIGTERM. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { HTTP_JSON_TASK_TYPE } from '../../integrations/http-json';
import { makeJob, waitFor } from '../bus/bus-contract';
import { deleteStreams, NATS_URL, natsBus, uniquePrefix } from '../bus/nats-test-world';
import { AnswerCollector } from './transports';

const root = path.resolve(__dirname, '../..');
const prefix = uniquePrefix();
afterAll(() => deleteStreams(prefix));

it('serves the HTTP JSON task type and exits 0 on SIGTERM', async () => {
  const bus = await natsBus(prefix);
  const engine = await new AnswerCollector().start(bus);
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'integrations/main.ts'], {
    cwd: root,
    env: { ...process.env, NATS_URL, BATON_SUBJECT_PREFIX: prefix, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await waitFor(() => output.includes('integration services ready'), 15_000, 'the worker to start');
    await bus.publishJob(makeJob(HTTP_JSON_TASK_TYPE, 'main-1', { method: 'GET' }), {}, 1);
    const { answer } = await engine.answerOf('main-1', 10_000);
    expect(answer).toMatchObject({ kind: 'error', errorCode: 'INVALID_INPUT' });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('stopped');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await engine.stop();
    await bus.close();
  }
}, 30_000);
