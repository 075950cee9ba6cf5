/** Deprecate and withdraw through a deploy; usages and the modeler's list after deploys. */
import request from 'supertest';
import { bearer } from '../support/access';
import { startTestBaton, type TestBaton } from '../support/baton';
import { eventually } from '../support/worlds';
import { greetTemplate, templatedProcess } from './template-fixtures';

describe('catalog lifecycle through deploys (embedded)', () => {
  let t: TestBaton;
  let team: string;
  let otherTeam: string;
  let designer: string;

  beforeAll(async () => {
    t = await startTestBaton('embedded', { inProcessWorkers: false });
    team = await t.createKey('team', ['io.test.']);
    otherTeam = await t.createKey('team', ['de.other.']);
    designer = await t.createKey('designer');
    for (const version of [1, 2]) {
      const res = await request(t.url).post('/api/catalog/templates').set(bearer(team)).send(greetTemplate('io.test.life', version));
      expect(res.status).toBe(201);
    }
  });
  afterAll(() => t.close());

  const deploy = (processId: string, version: number) =>
    request(t.url)
      .post(`/api/deployments?name=${processId}.bpmn`)
      .set(bearer(designer))
      .set('Content-Type', 'application/xml')
      .send(templatedProcess(processId, 'io.test.life', version, `io.test.life:${version}`));
  const start = (processId: string) => request(t.url).post('/api/instances').set(bearer(designer)).send({ bpmnProcessId: processId, variables: { who: 'Ada' } });

  test('usages list, per version, the definitions that use it and their running instances', async () => {
    expect((await deploy('life-one', 1)).status).toBe(201);
    expect((await deploy('life-two', 2)).status).toBe(201);
    for (const id of ['life-one', 'life-one', 'life-two']) expect((await start(id)).status).toBe(201);
    const usages = await eventually(async () => {
      const res = await request(t.url).get('/api/catalog/templates/io.test.life/usages');
      return res.body.versions?.[1]?.activeInstances === 2 ? res.body : undefined;
    }, 'usages with running instances');
    expect(usages).toEqual({
      id: 'io.test.life',
      versions: [
        { version: 2, status: 'PUBLISHED', activeInstances: 1, definitions: [expect.objectContaining({ bpmnProcessId: 'life-two', version: 1, elementIds: ['greet'], activeInstances: 1 })] },
        { version: 1, status: 'PUBLISHED', activeInstances: 2, definitions: [expect.objectContaining({ bpmnProcessId: 'life-one', elementIds: ['greet'], activeInstances: 2 })] },
      ],
    });
    expect((await request(t.url).get('/api/catalog/templates/io.test.nothing/usages')).body).toEqual({ id: 'io.test.nothing', versions: [] });
  });

  test('a deprecated version still deploys and runs, with a warning naming the message and the replacement', async () => {
    expect((await request(t.url).post('/api/catalog/templates/io.test.life/versions/1/deprecate').set(bearer(otherTeam)).send({ message: 'x' })).status).toBe(403);
    expect((await request(t.url).post('/api/catalog/templates/io.test.life/versions/9/deprecate').set(bearer(team)).send({ message: 'x' })).status).toBe(404);
    expect((await request(t.url).post('/api/catalog/templates/io.test.life/versions/1/deprecate').set(bearer(team)).send({ message: 'x', replacementVersion: 7 })).status).toBe(400);
    const deprecated = await request(t.url)
      .post('/api/catalog/templates/io.test.life/versions/1/deprecate')
      .set(bearer(team))
      .send({ message: 'uses the old greeting API', replacementVersion: 2 });
    expect(deprecated.status).toBe(200);
    expect(deprecated.body.metadata.deprecated).toEqual({ message: 'uses the old greeting API', replacementVersion: 2 });

    const res = await deploy('life-three', 1);
    expect(res.status).toBe(201);
    expect(res.body.warnings).toEqual([
      expect.objectContaining({ elementId: 'greet', message: expect.stringMatching(/deprecated \(uses the old greeting API\).*to version 2/) }),
    ]);
    expect((await start('life-three')).status).toBe(201);
    const usages = await request(t.url).get('/api/catalog/templates/io.test.life/usages');
    expect(usages.body.versions.find((v: { version: number }) => v.version === 1).status).toBe('DEPRECATED');
  });

  test('a withdrawn version: a new deployment using it is refused with a 400 naming the element; deployed definitions still run', async () => {
    const withdrawn = await request(t.url).post('/api/catalog/templates/io.test.life/versions/1/withdraw').set(bearer(team)).send({ message: 'leaks data' });
    expect(withdrawn.status).toBe(200);
    const res = await deploy('life-four', 1);
    expect(res.status).toBe(400);
    expect(res.body.problems).toEqual([expect.objectContaining({ elementId: 'greet', message: expect.stringContaining('withdrawn from the catalog (leaks data)') })]);
    expect((await request(t.url).get('/api/definitions')).body.items.map((d: { bpmnProcessId: string }) => d.bpmnProcessId)).not.toContain('life-four');
    expect((await start('life-one')).status).toBe(201);
    // The latest version stays what the list shows; the withdrawn version stays readable.
    const list = await request(t.url).get('/api/catalog/templates?q=io.test.life');
    expect(list.body.items).toEqual([expect.objectContaining({ id: 'io.test.life', version: 2 })]);
    expect((await request(t.url).get('/api/catalog/templates/io.test.life/versions/1')).body.metadata.withdrawn).toEqual({ message: 'leaks data' });
  });

  test("the modeler's list: latest versions plus older versions deployed definitions use", async () => {
    const res = await request(t.url).get('/api/catalog/modeler-templates');
    const life = res.body.items.filter((x: { id: string }) => x.id === 'io.test.life').map((x: { version: number }) => x.version);
    expect(life.sort()).toEqual([1, 2]);
    expect(res.body.items.map((x: { id: string }) => x.id)).toContain('io.baton.http.json');
  });
});
