/**
 * Bad REST input: too large (413), wrong type (415), not JSON (400 with the position), unknown fields
 * (400 naming them), keys that name nothing or something else (404). Each is a problem body, and nothing
 * changes.
 */
import { startTestBaton, userThenServiceProcess, until, type TestBaton } from './support';

describe('hostile REST input', () => {
  let t: TestBaton;
  let instanceA: string;
  let instanceB: string;
  let taskA: string;

  beforeAll(async () => {
    t = await startTestBaton();
    expect((await t.request('POST', '/api/deployments?name=rest.bpmn', userThenServiceProcess('rest', 'rest.call'))).status).toBe(201);
    instanceA = (await t.request('POST', '/api/instances', { bpmnProcessId: 'rest' })).body.key;
    instanceB = (await t.request('POST', '/api/instances', { bpmnProcessId: 'rest' })).body.key;
    taskA = await until(async () => (await t.request('GET', `/api/user-tasks?processInstanceKey=${instanceA}`)).body.items?.[0]?.key, 'the user task of A');
  });
  afterAll(async () => {
    await t.close();
  });

  async function unchanged(): Promise<void> {
    for (const key of [instanceA, instanceB]) {
      const res = await t.request('GET', `/api/instances/${key}`);
      expect(res.body.status).toBe('ACTIVE');
      expect(res.body.variables).toEqual({});
    }
    expect((await t.request('GET', '/api/user-tasks')).body.items).toHaveLength(2);
  }

  test('a body over the size limit: 413', async () => {
    const res = await t.request('POST', '/api/instances', { bpmnProcessId: 'rest', variables: { blob: 'x'.repeat(2 * 1024 * 1024) } });
    expect(res.status).toBe(413);
    expect(res.contentType).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
    await unchanged();
  });

  test('a body of another content type: 415', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const res = await t.request('POST', '/api/instances', '{"bpmnProcessId":"rest"}', { 'content-type': type });
      expect(res.status).toBe(415);
      expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    const res = await t.request('POST', `/api/user-tasks/${taskA}/complete`, 'approved=true', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(415);
    await unchanged();
  });

  test('a body that is not JSON: 400 that gives the position', async () => {
    for (const body of ['{"bpmnProcessId": "rest",}', '{"bpmnProcessId": "rest"', 'nul']) {
      const res = await t.request('POST', '/api/instances', body, { 'content-type': 'application/json' });
      expect(res.status).toBe(400);
      expect(res.body.detail).toMatch(/not valid JSON/);
      expect(res.body.detail).toMatch(/position \d+|line \d+ column \d+|end of JSON|Unexpected/);
      expect(res.text).not.toMatch(/at .*\.(ts|js):\d+/); // no stack trace
    }
    const res = await t.request('POST', `/api/user-tasks/${taskA}/complete`, '{"variables": {"a": 1', { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    await unchanged();
  });

  test('unknown fields and wrong types: 400 naming each', async () => {
    const start = await t.request('POST', '/api/instances', { bpmnProcessId: 'rest', variabels: { a: 1 } });
    expect(start.status).toBe(400);
    expect(JSON.stringify(start.body.problems)).toMatch(/variabels/);
    const complete = await t.request('POST', `/api/user-tasks/${taskA}/complete`, { variables: { a: 1 }, extra: true });
    expect(complete.status).toBe(400);
    expect(JSON.stringify(complete.body.problems)).toMatch(/extra/);
    const wrongType = await t.request('POST', `/api/instances/${instanceA}/variables`, { variables: [1, 2] });
    expect(wrongType.status).toBe(400);
    // a variable named __proto__ would set the prototype of the variables when merged: refused
    const proto = await t.request('POST', `/api/instances/${instanceA}/variables`, '{"variables": {"__proto__": {"polluted": true}}}', { 'content-type': 'application/json' });
    expect(proto.status).toBe(400);
    expect(JSON.stringify(proto.body.problems)).toMatch(/__proto__|property name/);
    const protoStart = await t.request('POST', '/api/instances', '{"bpmnProcessId": "rest", "variables": {"__proto__": {"a": 1}}}', { 'content-type': 'application/json' });
    expect(protoStart.status).toBe(400);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    const resolve = await t.request('POST', '/api/incidents/whatever/resolve', { retries: 'many' });
    expect(resolve.status).toBe(400);
    await unchanged();
  });

  test('keys that name nothing, or something else: 404', async () => {
    const seqOfTaskA = taskA.slice(instanceA.length); // "-<seq>"
    const cases: [string, string, unknown?][] = [
      ['GET', '/api/instances/0000000000000000000'],
      ['GET', '/api/instances/__proto__'],
      ['GET', '/api/instances/constructor/history'],
      ['POST', '/api/instances/0000000000000000000/cancel'],
      ['POST', '/api/instances/__proto__/variables', { variables: { a: 1 } }],
      ['GET', '/api/definitions/0000000000000000000'],
      ['GET', '/api/definitions/__proto__/xml'],
      // a user task key with B's instance prefix and A's sequence: no such task in B
      ['POST', `/api/user-tasks/${instanceB}${seqOfTaskA === '' ? '-1' : seqOfTaskA.replace(/\d+$/, (n) => String(Number(n) + 1000))}/complete`, {}],
      // the instance key, an element instance key and a job key of A are no user tasks
      ['POST', `/api/user-tasks/${instanceA}/complete`, {}],
      ['POST', `/api/user-tasks/${instanceA}-1/complete`, {}],
      ['POST', '/api/user-tasks/__proto__/complete', {}],
      ['POST', '/api/user-tasks/toString/complete', {}],
      ['POST', `/api/incidents/${instanceA}-1/resolve`, {}],
      ['POST', '/api/incidents/hasOwnProperty/resolve', {}],
    ];
    for (const [method, route, body] of cases) {
      const res = await t.request(method, route, body);
      expect({ route, status: res.status }).toEqual({ route, status: 404 });
      expect(res.body.code).toBe('NOT_FOUND');
    }
    await unchanged();
  });

  test('a user task of a finished instance: 409 or 404, never a second completion', async () => {
    expect((await t.request('POST', `/api/user-tasks/${taskA}/complete`, { variables: { ok: 1 } })).status).toBe(204);
    const again = await t.request('POST', `/api/user-tasks/${taskA}/complete`, { variables: { ok: 2 } });
    expect([404, 409]).toContain(again.status);
    const history = (await t.request('GET', `/api/instances/${instanceA}/history`)).body.items as { intent: string }[];
    expect(history.filter((h) => h.intent === 'USER_TASK_COMPLETED')).toHaveLength(1);
    expect((await t.request('GET', `/api/instances/${instanceA}`)).body.variables).toEqual({ ok: 1 });
  });
});
