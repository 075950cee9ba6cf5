/** The SQL service end to end over NATS, against the local PostgreSQL: parameterised queries returning rows, errors as BPMN errors. */
import { Client } from 'pg';
import request from 'supertest';
import { connectNatsBus } from '../../engine/bus/nats-bus';
import { createLogger } from '../../engine/logger';
import type { Bus, Worker } from '../../integrations/sdk';
import { startSqlService } from '../../integrations/sql/sql-service';
import { bearer } from '../support/access';
import { startTestBaton, type TestBaton } from '../support/baton';
import { eventually, NATS_URL, PG_URL, unique } from '../support/worlds';
import { oneTaskProcess } from './templated-process';

describe('SQL service (PostgreSQL) over NATS', () => {
  const schema = unique('sql_');
  let admin: Client;
  let t: TestBaton;
  let bus: Bus;
  let service: Worker;
  let designer: string;

  beforeAll(async () => {
    admin = new Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.query(`CREATE TABLE "${schema}".customers (id int primary key, name text not null, city text)`);
    await admin.query(`INSERT INTO "${schema}".customers VALUES (1, 'Ada', 'München'), (2, 'Grace', 'Berlin'), (3, 'Linus', 'München')`);

    t = await startTestBaton('distributed');
    designer = await t.createKey('designer');
    bus = await connectNatsBus({ servers: NATS_URL, prefix: t.config.subjectPrefix, name: 'sql-test', logger: createLogger('test') });
    service = await startSqlService(bus, { connectionString: `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}` });
    const xml = oneTaskProcess({
      processId: 'lookup',
      templateId: 'io.baton.sql.query',
      version: 1,
      taskType: 'io.baton.sql.query:1',
      inputs: { sql: '=statement', params: '=params' },
      headers: { resultVariable: 'result' },
    });
    expect((await request(t.url).post('/api/deployments').set(bearer(designer)).set('Content-Type', 'application/xml').send(xml)).status).toBe(201);
  });
  afterAll(async () => {
    await service.stop();
    await bus.close();
    await t.close();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  const run = async (statement: string, params: unknown[]) => {
    const started = await request(t.url).post('/api/instances').set(bearer(designer)).send({ bpmnProcessId: 'lookup', variables: { statement, params } });
    expect(started.status).toBe(201);
    return eventually(async () => {
      const res = await request(t.url).get(`/api/instances/${started.body.key}`);
      return res.body.status === 'COMPLETED' ? res.body : undefined;
    }, 'completion', 15000);
  };

  test('a parameterised query returns its rows', async () => {
    const done = await run('select id, name from customers where city = $1 order by id', ['München']);
    expect(done.variables.result).toEqual({ rows: [{ id: 1, name: 'Ada' }, { id: 3, name: 'Linus' }], rowCount: 2, truncated: false });
  });

  test('a parameter is a value, never SQL', async () => {
    const done = await run('select count(*)::int as n from customers where name = $1', ["Ada' or '1'='1"]);
    expect(done.variables.result.rows).toEqual([{ n: 0 }]);
  });

  test('a constraint violation and a wrong statement are BPMN errors caught by the boundary event', async () => {
    const duplicate = await run('insert into customers (id, name) values ($1, $2)', [1, 'Again']);
    expect(duplicate.history.map((h: { elementId?: string }) => h.elementId)).toContain('error-end');
    const wrong = await run('select * from no_such_table', []);
    expect(wrong.history.map((h: { elementId?: string }) => h.elementId)).toContain('error-end');
  });
});
