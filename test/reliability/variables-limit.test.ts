/**
 * The variables limit (BATON_MAX_VARIABLES_BYTES, default 1 MiB of JSON per instance): 400 over REST on
 * start, complete and set-variables, changing nothing; an incident when a job's answer or a mapping
 * would outgrow it.
 */
import { AnswerKind, PROTOCOL_VERSION } from '../../engine/bus/protocol';
import { DEFAULT_MAX_VARIABLES_BYTES } from '../../engine/runtime/instance-context';
import { configFromEnv } from '../../engine/server/config';
import { scriptProcess, startTestBaton, until, userThenServiceProcess, type TestBaton } from './support';

const LIMIT = 20_000;

describe('variables limit', () => {
  let t: TestBaton;
  beforeAll(async () => {
    t = await startTestBaton({ BATON_MAX_VARIABLES_BYTES: String(LIMIT) });
    expect((await t.request('POST', '/api/deployments?name=limit.bpmn', userThenServiceProcess('limit', 'limit.call'))).status).toBe(201);
  });
  afterAll(async () => {
    await t.close();
  });

  const big = (bytes: number) => 'x'.repeat(bytes);

  async function startWithTask(variables: Record<string, unknown> = {}): Promise<{ key: string; task: string }> {
    const started = await t.request('POST', '/api/instances', { bpmnProcessId: 'limit', variables });
    expect(started.status).toBe(201);
    const task = await until(async () => (await t.request('GET', `/api/user-tasks?processInstanceKey=${started.body.key}`)).body.items?.[0]?.key, 'the user task');
    return { key: started.body.key, task };
  }

  test('the default is 1 MiB; the setting must be a positive integer', () => {
    expect(DEFAULT_MAX_VARIABLES_BYTES).toBe(1024 * 1024);
    expect(configFromEnv({ BATON_MAX_VARIABLES_BYTES: '5000' }).maxVariablesBytes).toBe(5000);
    expect(() => configFromEnv({ BATON_MAX_VARIABLES_BYTES: 'lots' })).toThrow(/BATON_MAX_VARIABLES_BYTES/);
  });

  test('start over the limit: 400 naming the limit, no instance', async () => {
    const before = (await t.request('GET', '/api/instances')).body.items.length;
    const res = await t.request('POST', '/api/instances', { bpmnProcessId: 'limit', variables: { blob: big(LIMIT) } });
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(new RegExp(`over the limit of ${LIMIT} bytes \\(BATON_MAX_VARIABLES_BYTES\\)`));
    expect(res.body.problems[0]).toMatchObject({ code: 'VARIABLES_TOO_LARGE', pointer: '/variables' });
    expect((await t.request('GET', '/api/instances')).body.items.length).toBe(before);
  });

  test('set-variables that would outgrow the limit: 400, the variables unchanged', async () => {
    const { key } = await startWithTask({ a: big(LIMIT / 2) });
    const res = await t.request('POST', `/api/instances/${key}/variables`, { variables: { b: big(LIMIT / 2) } });
    expect(res.status).toBe(400);
    expect(res.body.problems[0].code).toBe('VARIABLES_TOO_LARGE');
    const state = (await t.request('GET', `/api/instances/${key}`)).body;
    expect(Object.keys(state.variables)).toEqual(['a']);
    expect((state.history as { intent: string }[]).some((h) => h.intent === 'VARIABLES_UPDATED')).toBe(false);
    // replacing a variable by a smaller one is fine
    expect((await t.request('POST', `/api/instances/${key}/variables`, { variables: { a: 'small', b: big(LIMIT / 2) } })).status).toBe(204);
  });

  test('completing a user task with too much: 400, the task still open', async () => {
    const { key, task } = await startWithTask({ a: big(LIMIT / 2) });
    const res = await t.request('POST', `/api/user-tasks/${task}/complete`, { variables: { b: big(LIMIT / 2) } });
    expect(res.status).toBe(400);
    expect(res.body.problems[0].code).toBe('VARIABLES_TOO_LARGE');
    expect((await t.request('GET', `/api/user-tasks?processInstanceKey=${key}`)).body.items.map((i: { key: string }) => i.key)).toEqual([task]);
  });

  test("a job's answer that would outgrow the limit: an incident; resolving offers the job again", async () => {
    const { key, task } = await startWithTask();
    expect((await t.request('POST', `/api/user-tasks/${task}/complete`, {})).status).toBe(204);
    const state = await until(async () => {
      const current = await t.baton.engine.getInstance(key);
      return Object.keys(current.jobs).length > 0 ? current : undefined;
    }, 'the job');
    const jobKey = Object.keys(state.jobs)[0];
    await t.baton.bus.publishAnswer({ protocol: PROTOCOL_VERSION, kind: AnswerKind.COMPLETE, jobKey, variables: { result: big(LIMIT) } }, {});
    const incident = await until(async () => (await t.request('GET', `/api/incidents?processInstanceKey=${key}`)).body.items?.[0], 'the incident');
    expect(incident.type).toBe('VARIABLES_LIMIT');
    expect(incident.message).toMatch(/complete answer to the job of 'call' carries variables of more than 20000 bytes/);
    const after = await t.baton.engine.getInstance(key);
    expect(after.status).toBe('ACTIVE');
    expect(after.variables).toEqual({});
    expect(JSON.stringify(after).length).toBeLessThan(LIMIT); // the answer is not kept

    // resolve: the job is offered again, and a small answer completes the instance
    expect((await t.request('POST', `/api/incidents/${incident.key}/resolve`, {})).status).toBe(204);
    await t.baton.bus.publishAnswer({ protocol: PROTOCOL_VERSION, kind: AnswerKind.COMPLETE, jobKey, variables: { result: 'ok' } }, {});
    await until(async () => ((await t.baton.engine.getInstance(key)).status === 'COMPLETED' ? true : undefined), 'completion');
  });

  test("a job's answer that fits alone but not with the variables: an incident on completing the task", async () => {
    const { key, task } = await startWithTask({ a: big(LIMIT * 0.6) });
    expect((await t.request('POST', `/api/user-tasks/${task}/complete`, {})).status).toBe(204);
    const jobKey = await until(async () => Object.keys((await t.baton.engine.getInstance(key)).jobs)[0], 'the job');
    await t.baton.bus.publishAnswer({ protocol: PROTOCOL_VERSION, kind: AnswerKind.COMPLETE, jobKey, variables: { b: big(LIMIT * 0.6) } }, {});
    const incident = await until(async () => (await t.request('GET', `/api/incidents?processInstanceKey=${key}`)).body.items?.[0], 'the incident');
    expect(incident).toMatchObject({ type: 'VARIABLES_LIMIT', elementId: 'call' });
    expect(incident.message).toMatch(/over the limit of 20000 bytes/);
    const history = (await t.request('GET', `/api/instances/${key}/history`)).body.items as { intent: string; elementId?: string }[];
    expect(history.filter((h) => h.intent === 'ELEMENT_COMPLETED' && h.elementId === 'call')).toHaveLength(0);
    expect(Object.keys((await t.baton.engine.getInstance(key)).variables)).toEqual(['a']);
    // make room, then resolve: the task completes with the answer it had
    expect((await t.request('POST', `/api/instances/${key}/variables`, { variables: { a: null } })).status).toBe(204);
    expect((await t.request('POST', `/api/incidents/${incident.key}/resolve`, {})).status).toBe(204);
    await until(async () => ((await t.baton.engine.getInstance(key)).status === 'COMPLETED' ? true : undefined), 'completion');
  });

  test('a mapping (script) whose result would outgrow the limit: an incident that says so', async () => {
    expect((await t.request('POST', '/api/deployments?name=grow.bpmn', scriptProcess('grow', '$pad("", 30000, "x")'))).status).toBe(201);
    const started = await t.request('POST', '/api/instances', { bpmnProcessId: 'grow' });
    const incident = await until(async () => (await t.request('GET', `/api/incidents?processInstanceKey=${started.body.key}`)).body.items?.[0], 'the incident');
    expect(incident).toMatchObject({ type: 'VARIABLES_LIMIT', elementId: 'script' });
    expect(incident.message).toMatch(/BATON_MAX_VARIABLES_BYTES/);
    expect((await t.baton.engine.getInstance(started.body.key)).variables).toEqual({});
  });
});
