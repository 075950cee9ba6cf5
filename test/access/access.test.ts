/** Access: every mutating route of the API, route by route, answers 401 without a valid key and 403 for a role that may not. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { Express } from 'express';
import { hashApiKey } from '../../engine/access';
import { runKeysCli } from '../../engine/access/cli';
import { createApp } from '../../engine/api/app';
import { openApiDocument } from '../../engine/api/openapi';
import { createLogger } from '../../engine/logger';
import { startBaton } from '../../engine/server/baton';
import { configFromEnv } from '../../engine/server/config';
import { bearer, testKeys, type TestKeys } from '../support/access';
import { openWorld, type World } from '../support/worlds';

type Method = 'post' | 'delete' | 'put' | 'patch';
const MUTATING: Method[] = ['post', 'delete', 'put', 'patch'];

/** Path parameters: a template id in the test team's namespace, a version, else any key. */
function fill(template: string): string {
  return template.replace('{id}', template.startsWith('/api/catalog') ? 'io.test.x' : 'x').replace('{version}', '1').replace(/\{[^}]+\}/g, 'x');
}

/** Every mutating route the OpenAPI document describes, with its path parameters filled in. */
function mutatingRoutes(): { method: Method; path: string }[] {
  const paths = openApiDocument('test').paths as Record<string, Record<string, unknown>>;
  return Object.entries(paths).flatMap(([template, operations]) =>
    MUTATING.filter((method) => operations[method]).map((method) => ({ method, path: fill(template) })),
  );
}

describe('access: route by route', () => {
  let world: World;
  let keys: TestKeys;
  let app: Express;

  beforeAll(async () => {
    world = await openWorld('embedded');
    keys = await testKeys();
    app = createApp({ engine: world.engine, store: world.store, bus: world.bus, catalog: world.catalog, access: keys.access, logger: createLogger('test') });
  });
  afterAll(() => world.close());

  const routes = mutatingRoutes();
  const send = (route: { method: Method; path: string }, headers: Record<string, string> = {}) =>
    request(app)[route.method](route.path).set(headers).set('Content-Type', 'application/json').send('{}');

  test('the API has mutating routes to check', () => {
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining(['post /api/deployments', 'post /api/instances', 'post /api/instances/x/cancel', 'post /api/keys', 'delete /api/keys/x']),
    );
  });

  test.each(mutatingRoutes().map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))('%s: 401 without a key and with a wrong key', async (_name, route) => {
    const none = await send(route);
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    expect((await send(route, { Authorization: 'Bearer baton_not-a-key' })).status).toBe(401);
    expect((await send(route, { Authorization: 'Basic abc' })).status).toBe(401);
  });

  test.each(mutatingRoutes().map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))('%s: 403 for a reader and for roles the route does not allow', async (_name, route) => {
    const reader = await send(route, bearer(keys.reader));
    expect(reader.status).toBe(403);
    expect(reader.body).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    const catalog = route.path.startsWith('/api/catalog');
    const admin = route.path.startsWith('/api/keys');
    expect((await send(route, bearer(keys.designer))).status === 403).toBe(catalog || admin);
    expect((await send(route, bearer(keys.team))).status === 403).toBe(!catalog || admin);
    expect([401, 403]).not.toContain((await send(route, bearer(keys.admin))).status);
  });

  test('reads are anonymous by default; a wrong key is still 401; health needs nothing', async () => {
    expect((await request(app).get('/api/definitions')).status).toBe(200);
    expect((await request(app).get('/api/definitions').set(bearer('baton_wrong'))).status).toBe(401);
    expect((await request(app).get('/health').set(bearer('baton_wrong'))).status).toBe(200);
    expect((await request(app).get('/api/keys')).status).toBe(401);
    expect((await request(app).get('/api/keys').set(bearer(keys.reader))).status).toBe(403);
    const list = await request(app).get('/api/keys').set(bearer(keys.admin));
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(hashApiKey(keys.admin));
  });

  test('with anonymous read off, reads need a key of any role', async () => {
    const closed = await testKeys({ anonymousRead: false });
    const closedApp = createApp({ engine: world.engine, store: world.store, bus: world.bus, catalog: world.catalog, access: closed.access, logger: createLogger('test') });
    expect((await request(closedApp).get('/api/instances')).status).toBe(401);
    expect((await request(closedApp).get('/api/instances').set(bearer(closed.reader))).status).toBe(200);
    expect((await request(closedApp).get('/health')).status).toBe(200);
  });

  test('an admin creates a team key over REST; it is shown once and works; a revoked key is 401', async () => {
    const created = await request(app).post('/api/keys').set(bearer(keys.admin)).send({ role: 'team', name: 'mail team', namespaces: ['de.muenchen.mail'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ role: 'team', name: 'mail team', namespaces: ['de.muenchen.mail.'], key: expect.stringMatching(/^baton_/) });
    const listed = await request(app).get('/api/keys').set(bearer(keys.admin));
    expect(listed.body.items.find((k: { id: string }) => k.id === created.body.id)).not.toHaveProperty('key');
    expect((await request(app).post('/api/instances').set(bearer(created.body.key)).send({ bpmnProcessId: 'x' })).status).toBe(403);
    expect((await request(app).delete(`/api/keys/${created.body.id}`).set(bearer(keys.admin))).status).toBe(204);
    expect((await request(app).post('/api/instances').set(bearer(created.body.key)).send({ bpmnProcessId: 'x' })).status).toBe(401);
    const noNamespace = await request(app).post('/api/keys').set(bearer(keys.admin)).send({ role: 'team' });
    expect(noNamespace.status).toBe(400);
    expect((await request(app).post('/api/keys').set(bearer(keys.admin)).send({ role: 'root' })).status).toBe(400);
  });
});

describe('access: the admin key of a first start, the keys CLI', () => {
  let dir: string;
  const saved = { ...process.env };
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'baton-access-'));
  });
  afterEach(() => {
    process.env = { ...saved };
    rmSync(dir, { recursive: true, force: true });
  });

  test('the first start makes an admin key and keeps only its hash; the next start makes none', async () => {
    const config = { ...configFromEnv({}), port: 0, databaseUrl: `file:${path.join(dir, 'baton.db')}`, dataDir: dir, inProcessWorkers: false };
    const first = await startBaton(config, createLogger('test'));
    const key = first.adminKey;
    try {
      expect(key).toMatch(/^baton_[A-Za-z0-9_-]{43}$/);
      const stored = await first.access.keys.list();
      expect(stored).toEqual([expect.objectContaining({ role: 'admin', hash: hashApiKey(key!) })]);
      expect(JSON.stringify(stored)).not.toContain(key!);
      const made = await request(first.url).post('/api/keys').set(bearer(key!)).send({ role: 'designer' });
      expect(made.status).toBe(201);
    } finally {
      await first.stop();
    }
    const second = await startBaton(config, createLogger('test'));
    try {
      expect(second.adminKey).toBeUndefined();
      expect((await request(second.url).post('/api/keys').set(bearer(key!)).send({ role: 'reader' })).status).toBe(201);
    } finally {
      await second.stop();
    }
  });

  test('BATON_ADMIN_KEY is taken as the admin key', async () => {
    const preset = 'baton_preset-admin-key-for-the-test';
    const config = { ...configFromEnv({ BATON_ADMIN_KEY: preset }), port: 0, databaseUrl: `file:${path.join(dir, 'baton.db')}`, dataDir: dir, inProcessWorkers: false };
    const baton = await startBaton(config, createLogger('test'));
    try {
      expect(baton.adminKey).toBeUndefined();
      expect((await request(baton.url).post('/api/keys').set(bearer(preset)).send({ role: 'reader' })).status).toBe(201);
    } finally {
      await baton.stop();
    }
  });

  test('npm run keys -- create --role team --namespace ... prints a key that authenticates', async () => {
    process.env.DATABASE_URL = `file:${path.join(dir, 'keys.db')}`;
    const lines: string[] = [];
    const code = await runKeysCli(['create', '--role', 'team', '--namespace', 'de.muenchen.mail.', '--name', 'mail'], (line) => lines.push(line));
    expect(code).toBe(0);
    const key = /baton_\S+/.exec(lines.join('\n'))?.[0];
    expect(key).toBeDefined();
    const listed: string[] = [];
    expect(await runKeysCli(['list'], (line) => listed.push(line))).toBe(0);
    expect(listed.join('\n')).toContain('de.muenchen.mail.');
    expect(listed.join('\n')).not.toContain(key!);
    const { SqlKeyStore } = await import('../../engine/store/key-store');
    const { openSqlDatabase } = await import('../../engine/store/sql-database');
    const { AccessControl } = await import('../../engine/access');
    const database = openSqlDatabase(process.env.DATABASE_URL, dir)!;
    try {
      const principal = await new AccessControl(new SqlKeyStore(database)).authenticate(`Bearer ${key}`);
      expect(principal).toMatchObject({ role: 'team', name: 'mail', namespaces: ['de.muenchen.mail.'] });
    } finally {
      await database.close();
    }
    expect(await runKeysCli(['create'], () => undefined)).toBe(2);
  });
});
