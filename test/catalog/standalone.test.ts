/** The catalog as its own HTTP server, and an engine pointed at it through CATALOG_URL. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startCatalogServer, type RunningCatalog } from '../../catalog/server';
import { createLogger } from '../../engine/logger';
import { bearer } from '../support/access';
import { startTestBaton, type TestBaton } from '../support/baton';
import { TEMPLATES_DIR } from '../support/worlds';
import { greetTemplate, templatedProcess } from './template-fixtures';

describe('standalone catalog with CATALOG_URL', () => {
  let dir: string;
  let catalog: RunningCatalog;
  let engine: TestBaton;
  const catalogAdmin = 'baton_catalog-admin-key-for-tests';

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'baton-catalog-'));
    catalog = await startCatalogServer(
      { port: 0, host: '127.0.0.1', databaseUrl: `file:${path.join(dir, 'catalog.db')}`, dataDir: dir, templatesDir: TEMPLATES_DIR, anonymousRead: true, adminKey: catalogAdmin },
      createLogger('test'),
    );
    engine = await startTestBaton('embedded', { inProcessWorkers: false, catalogUrl: catalog.url });
  });
  afterAll(async () => {
    await engine.close();
    await catalog.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('templates published at the catalog are what the engine deploys against; withdrawing there refuses deploys here', async () => {
    const teamKey = (await request(catalog.url).post('/api/keys').set(bearer(catalogAdmin)).send({ role: 'team', namespaces: ['io.test.'] })).body.key as string;
    expect((await request(catalog.url).post('/api/catalog/templates').set(bearer(teamKey)).send(greetTemplate('io.test.remote', 1))).status).toBe(201);
    expect((await request(catalog.url).post('/api/catalog/templates').send(greetTemplate('io.test.remote', 2))).status).toBe(401);

    const designer = await engine.createKey('designer');
    const deploy = (id: string) =>
      request(engine.url).post('/api/deployments').set(bearer(designer)).set('Content-Type', 'application/xml').send(templatedProcess(id, 'io.test.remote', 1, 'io.test.remote:1'));
    expect((await deploy('remote-one')).status).toBe(201);
    const unknown = await request(engine.url)
      .post('/api/deployments')
      .set(bearer(designer))
      .set('Content-Type', 'application/xml')
      .send(templatedProcess('remote-x', 'io.test.remote', 5, 'io.test.remote:5'));
    expect(unknown.status).toBe(400);
    expect(unknown.body.problems[0].message).toContain('version 5');

    // The engine's catalog reads come from the standalone catalog; changes are made there, not here.
    const listed = await request(engine.url).get('/api/catalog/templates?q=io.test.remote');
    expect(listed.body.items).toEqual([expect.objectContaining({ id: 'io.test.remote', version: 1 })]);
    const publishHere = await request(engine.url).post('/api/catalog/templates').set(bearer(engine.adminKey)).send(greetTemplate('io.test.remote', 2));
    expect(publishHere.status).toBe(404);
    expect(publishHere.body.detail).toContain('CATALOG_URL');

    expect((await request(catalog.url).post('/api/catalog/templates/io.test.remote/versions/1/withdraw').set(bearer(teamKey)).send({ message: 'gone' })).status).toBe(200);
    const refused = await deploy('remote-two');
    expect(refused.status).toBe(400);
    expect(refused.body.problems[0]).toMatchObject({ elementId: 'greet', message: expect.stringContaining('withdrawn') });
    const usages = await request(engine.url).get('/api/catalog/templates/io.test.remote/usages');
    expect(usages.body.versions).toEqual([expect.objectContaining({ version: 1, status: 'WITHDRAWN' })]);
  });

  test('the shipped templates are seeded into the standalone catalog', async () => {
    const res = await request(catalog.url).get('/api/catalog/templates/io.baton.http.json/versions/1');
    expect(res.status).toBe(200);
  });
});
