/** Every route over HTTP: its success and its 4xx answers, as JSON problem bodies. */
import path from 'node:path';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../engine/api/app';
import { createLogger } from '../../engine/logger';
import { bearer, testKeys } from '../support/access';
import { fixture } from '../support/engine-steps';
import { eventually, openWorld, type World } from '../support/worlds';

const bpmn = (name: string) => fixture(path.join(__dirname, '../engine/fixtures'), name);

describe('REST API', () => {
  let world: World;
  let app: Express;
  let KEY: { Authorization: string };

  beforeAll(async () => {
    world = await openWorld('embedded');
    const keys = await testKeys();
    KEY = bearer(keys.admin);
    app = createApp({ engine: world.engine, store: world.store, bus: world.bus, catalog: world.catalog, access: keys.access, logger: createLogger('test') });
  });
  afterAll(async () => {
    await world.close();
  });

  const deployXml = (xml: string, name = 'p.bpmn') =>
    request(app).post(`/api/deployments?name=${name}`).set(KEY).set('Content-Type', 'application/xml').send(xml);

  describe('deployments and definitions', () => {
    test('raw XML deploys version 1; identical XML is no new version; changed XML is version 2', async () => {
      const xml = bpmn('start-end.bpmn').replace('id="start-end"', 'id="rest-versions"');
      const first = await deployXml(xml);
      expect(first.status).toBe(201);
      expect(first.body.definitions).toEqual([expect.objectContaining({ bpmnProcessId: 'rest-versions', version: 1, duplicate: false, resourceName: 'p.bpmn' })]);
      const again = await deployXml(xml);
      expect(again.status).toBe(200);
      expect(again.body.definitions[0]).toMatchObject({ key: first.body.definitions[0].key, version: 1, duplicate: true });
      const changed = await deployXml(xml.replace('id="end"', 'id="finish"').replace('targetRef="end"', 'targetRef="finish"'));
      expect(changed.status).toBe(201);
      expect(changed.body.definitions[0]).toMatchObject({ version: 2 });

      const list = await request(app).get('/api/definitions');
      expect(list.body.items.filter((d: { bpmnProcessId: string }) => d.bpmnProcessId === 'rest-versions').map((d: { version: number }) => d.version)).toEqual([1, 2]);
      const one = await request(app).get(`/api/definitions/${first.body.definitions[0].key}`);
      expect(one.body).toMatchObject({ bpmnProcessId: 'rest-versions', version: 1 });
      const stored = await request(app).get(`/api/definitions/${first.body.definitions[0].key}/xml`);
      expect(stored.status).toBe(200);
      expect(stored.text).toBe(xml);
    });

    test('multipart upload deploys the file under its name', async () => {
      const xml = bpmn('start-end.bpmn').replace('id="start-end"', 'id="rest-multipart"');
      const res = await request(app).post('/api/deployments').set(KEY).attach('file', Buffer.from(xml), 'order.bpmn');
      expect(res.status).toBe(201);
      expect(res.body.definitions[0]).toMatchObject({ bpmnProcessId: 'rest-multipart', resourceName: 'order.bpmn', version: 1 });
    });

    test('a definition that does not parse is a 400 naming the line, and deploys nothing', async () => {
      const before = (await request(app).get('/api/definitions')).body.items.length;
      const res = await deployXml('<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">\n<bpmn:process id="x">\n</bpmn:definitions>');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toMatchObject({ status: 400, code: 'DEPLOYMENT_INVALID' });
      expect(res.body.problems[0].line).toEqual(expect.any(Number));
      expect((await request(app).get('/api/definitions')).body.items.length).toBe(before);
    });

    test('an unsupported element is a 400 that names its kind and id', async () => {
      const xml = bpmn('start-end.bpmn')
        .replace('id="start-end"', 'id="rest-unsupported"')
        .replace('<bpmn:endEvent id="end"><bpmn:incoming>f1</bpmn:incoming></bpmn:endEvent>', '<bpmn:subProcess id="sub"><bpmn:incoming>f1</bpmn:incoming></bpmn:subProcess>')
        .replace('targetRef="end"', 'targetRef="sub"');
      const res = await deployXml(xml);
      expect(res.status).toBe(400);
      expect(res.body.problems).toEqual(expect.arrayContaining([expect.objectContaining({ elementId: 'sub', message: expect.stringContaining('SubProcess') })]));
    });

    test('wrong content type is 415, an empty body 400, an oversized one 413', async () => {
      const wrong = await request(app).post('/api/deployments').set(KEY).set('Content-Type', 'application/json').send('{"a":1}');
      expect(wrong.status).toBe(415);
      const empty = await deployXml('');
      expect(empty.status).toBe(400);
      const huge = await deployXml(`<x>${'a'.repeat(6 * 1024 * 1024)}</x>`);
      expect(huge.status).toBe(413);
    });

    test('an unknown definition is 404', async () => {
      const res = await request(app).get('/api/definitions/nope');
      expect(res.status).toBe(404);
      expect(res.body.detail).toContain("'nope'");
    });
  });

  describe('instances, user tasks and incidents', () => {
    beforeAll(async () => {
      await deployXml(bpmn('gateways.bpmn'));
      await deployXml(bpmn('no-default.bpmn'));
    });

    test('start, read state with history, list by state and process, complete the user task', async () => {
      const check = await (await import('../../integrations/sdk')).createWorker(world.bus, { taskType: 'test.check', handler: async () => ({ ok: true }) });
      try {
        const started = await request(app).post('/api/instances').set(KEY).send({ bpmnProcessId: 'gateways', variables: { amount: 9999 } });
        expect(started.status).toBe(201);
        const key = started.body.key as string;
        const task = await eventually(async () => (await request(app).get(`/api/user-tasks?processInstanceKey=${key}`)).body.items[0], 'the user task');
        expect(task).toMatchObject({ elementId: 'review', processInstanceKey: key });

        const state = await request(app).get(`/api/instances/${key}`);
        expect(state.body).toMatchObject({ key, status: 'ACTIVE', bpmnProcessId: 'gateways', variables: { amount: 9999, risk: 'high' } });
        expect(state.body.activeElements.map((e: { elementId: string }) => e.elementId)).toEqual(['review']);
        expect(state.body.history[0]).toMatchObject({ intent: 'INSTANCE_CREATED', position: 1 });

        const active = await request(app).get('/api/instances?status=active&bpmnProcessId=gateways');
        expect(active.body.items.map((i: { key: string }) => i.key)).toContain(key);

        const completed = await request(app).post(`/api/user-tasks/${task.key}/complete`).set(KEY).send({ variables: { approved: true } });
        expect(completed.status).toBe(204);
        const done = await eventually(async () => {
          const res = await request(app).get(`/api/instances/${key}`);
          return res.body.status === 'COMPLETED' ? res.body : undefined;
        }, 'completion');
        expect(done.variables.decision).toBe(true);
        const finished = await request(app).get('/api/instances?status=COMPLETED&bpmnProcessId=gateways');
        expect(finished.body.items.map((i: { key: string }) => i.key)).toContain(key);
        const history = await request(app).get(`/api/instances/${key}/history`);
        expect(history.body.items.at(-1)).toMatchObject({ intent: 'INSTANCE_COMPLETED' });
      } finally {
        await check.stop();
      }
    });

    test('start answers 400 for a body that breaks the schema, 415 for non-JSON, 404 for an unknown process', async () => {
      const unknownField = await request(app).post('/api/instances').set(KEY).send({ bpmnProcessId: 'gateways', colour: 'red' });
      expect(unknownField.status).toBe(400);
      expect(unknownField.body.problems[0].message).toContain("'colour'");
      const noProcess = await request(app).post('/api/instances').set(KEY).send({ variables: {} });
      expect(noProcess.status).toBe(400);
      const badJson = await request(app).post('/api/instances').set(KEY).set('Content-Type', 'application/json').send('{"bpmnProcessId":');
      expect(badJson.status).toBe(400);
      const notJson = await request(app).post('/api/instances').set(KEY).set('Content-Type', 'text/plain').send('hello');
      expect(notJson.status).toBe(415);
      const unknown = await request(app).post('/api/instances').set(KEY).send({ bpmnProcessId: 'no-such-process' });
      expect(unknown.status).toBe(404);
      const version = await request(app).post('/api/instances').set(KEY).send({ bpmnProcessId: 'gateways', version: 99 });
      expect(version.status).toBe(404);
    });

    test('an incident is listed and resolved after setting variables; cancel is 204 then 409', async () => {
      const started = await request(app).post('/api/instances').set(KEY).send({ bpmnProcessId: 'no-default', variables: { color: 'blue' } });
      const key = started.body.key as string;
      const incident = await eventually(async () => (await request(app).get(`/api/incidents?processInstanceKey=${key}`)).body.items[0], 'the incident');
      expect(incident).toMatchObject({ type: 'CONDITION', elementId: 'route' });
      expect((await request(app).post(`/api/instances/${key}/variables`).set(KEY).send({ variables: { color: 'green' } })).status).toBe(204);
      expect((await request(app).post(`/api/incidents/${incident.key}/resolve`).set(KEY).send({})).status).toBe(204);
      await eventually(async () => ((await request(app).get(`/api/instances/${key}`)).body.status === 'COMPLETED' ? true : undefined), 'completion');

      const other = await request(app).post('/api/instances').set(KEY).send({ bpmnProcessId: 'no-default', variables: { color: 'blue' } });
      expect((await request(app).post(`/api/instances/${other.body.key}/cancel`).set(KEY)).status).toBe(204);
      const again = await request(app).post(`/api/instances/${other.body.key}/cancel`).set(KEY);
      expect(again.status).toBe(409);
      expect((await request(app).get(`/api/instances/${other.body.key}`)).body.status).toBe('CANCELED');
    });

    test('unknown keys are 404 on every instance, task and incident route; bad query values are 400', async () => {
      expect((await request(app).get('/api/instances/nope')).status).toBe(404);
      expect((await request(app).get('/api/instances/nope/history')).status).toBe(404);
      expect((await request(app).post('/api/instances/nope/cancel').set(KEY)).status).toBe(404);
      expect((await request(app).post('/api/instances/nope/variables').set(KEY).send({ variables: {} })).status).toBe(404);
      expect((await request(app).post('/api/user-tasks/nope-1/complete').set(KEY).send({})).status).toBe(404);
      expect((await request(app).post('/api/incidents/nope-1/resolve').set(KEY).send({})).status).toBe(404);
      expect((await request(app).post('/api/incidents/nope-1/resolve').set(KEY).send({ retries: 0 })).status).toBe(400);
      expect((await request(app).get('/api/instances?status=SLEEPING')).status).toBe(400);
      expect((await request(app).get('/api/instances?limit=0')).status).toBe(400);
      expect((await request(app).get('/api/no-such-route')).status).toBe(404);
    });
  });

  test('catalog, health and the OpenAPI document', async () => {
    const templates = await request(app).get('/api/catalog/templates');
    expect(templates.status).toBe(200);
    expect(templates.body.items.map((t: { id: string }) => t.id)).toContain('io.baton.http.json');
    const health = await request(app).get('/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'UP', database: { kind: 'sqlite', ok: true }, bus: { kind: 'in-process', ok: true } });
    const openapi = await request(app).get('/openapi.json');
    expect(openapi.body.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/api/deployments', '/api/instances', '/api/user-tasks/{key}/complete', '/api/incidents/{key}/resolve', '/health']));
  });
});
