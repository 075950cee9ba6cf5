/** Operation contracts through running instances: the engine checks a job's mapped input and its answer against the template's schemas. */
import request from 'supertest';
import { createWorker, type Worker } from '../../integrations/sdk';
import { bearer } from '../support/access';
import { startTestBaton, type TestBaton } from '../support/baton';
import { eventually } from '../support/worlds';
import { greetTemplate, templatedProcess } from './template-fixtures';

const contract = greetTemplate('io.test.contract', 1, {
  metadata: {
    inputSchema: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 2 } } },
    resultSchema: { type: 'object', required: ['greeting'], properties: { greeting: { type: 'string' } } },
  },
});

describe.each(['embedded', 'distributed'] as const)('operation contracts (%s)', (kind) => {
  let t: TestBaton;
  let designer: string;
  let worker: Worker;
  const calls: unknown[] = [];

  beforeAll(async () => {
    t = await startTestBaton(kind, { inProcessWorkers: false });
    designer = await t.createKey('designer');
    expect((await request(t.url).post('/api/catalog/templates').set(bearer(t.adminKey)).send(contract)).status).toBe(201);
    const xml = templatedProcess('contracted', 'io.test.contract', 1, 'io.test.contract:1');
    expect((await request(t.url).post('/api/deployments').set(bearer(designer)).set('Content-Type', 'application/xml').send(xml)).status).toBe(201);
    worker = await createWorker(t.baton.bus, {
      taskType: 'io.test.contract:1',
      handler: async (job) => {
        calls.push(job.variables);
        return job.variables.name === 'Mallory' ? { greeting: 42 } : { greeting: `Hello ${String(job.variables.name)}` };
      },
    });
  });
  afterAll(async () => {
    await worker.stop();
    await t.close();
  });

  const run = async (who: unknown) => {
    const res = await request(t.url).post('/api/instances').set(bearer(designer)).send({ bpmnProcessId: 'contracted', variables: { who } });
    expect(res.status).toBe(201);
    return res.body.key as string;
  };
  const incidentOf = (key: string) =>
    eventually(async () => (await request(t.url).get(`/api/incidents?processInstanceKey=${key}`)).body.items[0], 'the incident', 15000);

  test('an input that keeps the contract is published as a job and completes', async () => {
    const key = await run('Ada');
    const done = await eventually(async () => {
      const res = await request(t.url).get(`/api/instances/${key}`);
      return res.body.status === 'COMPLETED' ? res.body : undefined;
    }, 'completion', 15000);
    expect(done.variables.greeting).toEqual({ greeting: 'Hello Ada' });
  });

  test('an input that breaks the schema is an incident naming the field, and no job is published', async () => {
    const before = calls.length;
    const key = await run(7);
    const incident = await incidentOf(key);
    expect(incident).toMatchObject({ type: 'CONTRACT_VIOLATION', elementId: 'greet' });
    expect(incident.message).toContain('/name must be string');
    expect(incident.message).toContain("input schema of template 'io.test.contract' version 1");
    expect(calls.length).toBe(before);

    // Fix the variable, resolve: the job goes out and the instance completes.
    expect((await request(t.url).post(`/api/instances/${key}/variables`).set(bearer(designer)).send({ variables: { who: 'Grace' } })).status).toBe(204);
    expect((await request(t.url).post(`/api/incidents/${incident.key}/resolve`).set(bearer(designer)).send({})).status).toBe(204);
    await eventually(async () => ((await request(t.url).get(`/api/instances/${key}`)).body.status === 'COMPLETED' ? true : undefined), 'completion', 15000);
  });

  test('a missing required field is named too', async () => {
    const res = await request(t.url).post('/api/instances').set(bearer(designer)).send({ bpmnProcessId: 'contracted', variables: {} });
    const incident = await incidentOf(res.body.key);
    expect(incident.message).toMatch(/\/name (is required|must be string)/);
  });

  test('an answer that breaks the result schema is an incident before it is mapped', async () => {
    const key = await run('Mallory');
    const incident = await incidentOf(key);
    expect(incident).toMatchObject({ type: 'CONTRACT_VIOLATION', elementId: 'greet' });
    expect(incident.message).toContain('/greeting must be string');
    const state = await request(t.url).get(`/api/instances/${key}`);
    expect(state.body.variables.greeting).toBeUndefined();
  });
});
