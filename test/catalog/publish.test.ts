/** Publishing over REST on a running Baton: valid, each invalid kind, immutability, namespaces, version order, search. */
import request from 'supertest';
import { bearer } from '../support/access';
import { startTestBaton, type TestBaton } from '../support/baton';
import { greetTemplate } from './template-fixtures';

describe.each(['embedded', 'distributed'] as const)('catalog publishing (%s)', (kind) => {
  let t: TestBaton;
  let team: string;
  let designer: string;

  beforeAll(async () => {
    t = await startTestBaton(kind, { inProcessWorkers: false });
    team = await t.createKey('team', ['io.test.']);
    designer = await t.createKey('designer');
  });
  afterAll(() => t.close());

  const publish = (body: unknown, key = team) =>
    request(t.url).post('/api/catalog/templates').set(bearer(key)).set('Content-Type', 'application/json').send(typeof body === 'string' ? body : JSON.stringify(body, null, 2));

  test('a valid template is published (201), listed and readable by version; the same content again is a no-op 200', async () => {
    const template = greetTemplate('io.test.greet', 1);
    const first = await publish(template);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ created: true, template: { id: 'io.test.greet', version: 1 } });
    const again = await publish(JSON.stringify(template)); // other formatting, same content
    expect(again.status).toBe(200);
    expect(again.body.created).toBe(false);
    const one = await request(t.url).get('/api/catalog/templates/io.test.greet/versions/1');
    expect(one.status).toBe(200);
    expect(one.body).toEqual(template);
    const list = await request(t.url).get('/api/catalog/templates');
    expect(list.body.items.map((x: { id: string }) => x.id)).toEqual(expect.arrayContaining(['io.test.greet', 'io.baton.http.json']));
  });

  test('a published version is immutable: other content under the same version is 409', async () => {
    const changed = greetTemplate('io.test.greet', 1, { description: 'Greets everyone' });
    const res = await publish(changed);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'CONFLICT', detail: expect.stringContaining('version 2') });
  });

  test('versions go up: a version below the latest is 409; all versions are listed highest first', async () => {
    expect((await publish(greetTemplate('io.test.order', 3))).status).toBe(201);
    const lower = await publish(greetTemplate('io.test.order', 2));
    expect(lower.status).toBe(409);
    expect(lower.body.detail).toContain('up to version 3');
    expect((await publish(greetTemplate('io.test.order', 4))).status).toBe(201);
    const versions = await request(t.url).get('/api/catalog/templates/io.test.order/versions');
    expect(versions.body.items.map((x: { version: number }) => x.version)).toEqual([4, 3]);
    const latest = await request(t.url).get('/api/catalog/templates?q=io.test.order');
    expect(latest.body.items).toEqual([expect.objectContaining({ id: 'io.test.order', version: 4 })]);
  });

  test('namespaces: a team publishes only in its own; designers and readers never; no key is 401; admins anywhere', async () => {
    const outside = await publish(greetTemplate('de.other.greet', 1));
    expect(outside.status).toBe(403);
    expect(outside.body.detail).toContain('io.test.');
    expect((await publish(greetTemplate('io.testing.greet', 1))).status).toBe(403); // a prefix of the namespace is not in it
    expect((await publish(greetTemplate('io.test.ns', 1), designer)).status).toBe(403);
    expect((await request(t.url).post('/api/catalog/templates').send(greetTemplate('io.test.ns', 1))).status).toBe(401);
    expect((await publish(greetTemplate('de.other.greet', 1), t.adminKey)).status).toBe(201);
  });

  test('schema problems: 400 naming each JSON pointer with its line and column; nothing is published', async () => {
    const broken = greetTemplate('io.test.broken', 1) as unknown as Record<string, unknown>;
    delete broken.name;
    (broken.properties as Record<string, unknown>[])[1].binding = { type: 'zeebe:input' };
    const text = JSON.stringify(broken, null, 2);
    const res = await publish(text);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const pointers = res.body.problems.map((p: { pointer: string }) => p.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/', '/properties/1/binding']));
    const binding = res.body.problems.find((p: { pointer: string }) => p.pointer === '/properties/1/binding');
    const lines = text.split('\n');
    expect(lines[binding.line - 1].slice(binding.column - 1)).toMatch(/^\{/);
    expect(lines[binding.line - 1]).toContain('"binding"');
    expect((await request(t.url).get('/api/catalog/templates/io.test.broken/versions')).status).toBe(404);
  });

  test("Baton's rules: a JSONata value that does not compile, no task type, no version, a contract that is no schema", async () => {
    const jsonata = greetTemplate('io.test.rules', 1);
    jsonata.properties[1].value = '=name &';
    const bad = await publish(jsonata);
    expect(bad.status).toBe(400);
    expect(bad.body.problems).toEqual([expect.objectContaining({ pointer: '/properties/1/value', line: expect.any(Number), column: expect.any(Number) })]);

    const noType = greetTemplate('io.test.rules', 1);
    noType.properties = noType.properties.slice(1);
    const untyped = await publish(noType);
    expect(untyped.status).toBe(400);
    expect(untyped.body.problems[0]).toMatchObject({ pointer: '/properties', message: expect.stringContaining('task type') });

    const noVersion = greetTemplate('io.test.rules', 1) as unknown as Record<string, unknown>;
    delete noVersion.version;
    expect((await publish(noVersion)).body.problems).toEqual([expect.objectContaining({ pointer: '/version' })]);

    const contract = greetTemplate('io.test.rules', 1, { metadata: { inputSchema: { type: 'object', properties: { name: { type: 'no-such-type' } } } } });
    const badContract = await publish(contract);
    expect(badContract.status).toBe(400);
    expect(badContract.body.problems[0].pointer).toBe('/metadata/inputSchema');

    const status = greetTemplate('io.test.rules', 1, { metadata: { withdrawn: true } });
    expect((await publish(status)).body.problems[0].pointer).toBe('/metadata/withdrawn');
  });

  test('a body that is not JSON is a 400 with line and column', async () => {
    const res = await publish('{\n  "id": "io.test.x",\n  "name": oops\n}');
    expect(res.status).toBe(400);
    expect(res.body.problems[0]).toMatchObject({ line: 3, column: 11 });
    expect((await publish('[]')).status).toBe(400);
  });

  test('search: by category, keyword, task type and text', async () => {
    await publish(greetTemplate('io.test.mailer', 1, { category: { id: 'mail', name: 'Mail' }, keywords: ['smtp'] }));
    const ids = async (query: string) => (await request(t.url).get(`/api/catalog/templates?${query}`)).body.items.map((x: { id: string }) => x.id);
    expect(await ids('category=mail')).toEqual(['io.test.mailer']);
    expect(await ids('keyword=SMTP')).toEqual(expect.arrayContaining(['io.test.mailer', 'io.baton.mail.send']));
    expect(await ids('taskType=io.test.mailer:1')).toEqual(['io.test.mailer']);
    expect(await ids('q=mailer')).toEqual(['io.test.mailer']);
    expect(await ids('category=connectors')).toContain('io.baton.http.json');
  });
});
