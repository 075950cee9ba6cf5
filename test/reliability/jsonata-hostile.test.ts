/**
 * Hostile JSONata: endless recursion, enormous results, reaching for the environment. The guard stops each
 * one and says why; at run time the instance gets an incident with that reason, and Baton keeps running.
 */
import { ExpressionError } from '../../engine/errors';
import { compileExpression, jsonBytes } from '../../engine/mapping/jsonata-guard';
import { scriptProcess, startTestBaton, until, type TestBaton } from './support';

describe('the JSONata guard', () => {
  test('endless recursion: stopped by the depth limit (or the time budget for a tail call)', async () => {
    await expect(compileExpression('( $f := function($x){ 1 + $f($x) }; $f(1) )').evaluate({})).rejects.toThrow(/depth limit of 500/);
    await expect(compileExpression('( $f := function($x){ $f($x) }; $f(1) )', { timeoutMs: 50 }).evaluate({})).rejects.toThrow(/time budget of 50 ms/);
  });

  test('a huge range: stopped by the size limit where it is made', async () => {
    const started = Date.now();
    await expect(compileExpression('[1..10000000]', { timeoutMs: 10_000 }).evaluate({})).rejects.toThrow(/size limit of 1048576 bytes/);
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(compileExpression('$count([1..10000000])', { timeoutMs: 10_000 }).evaluate({})).rejects.toThrow(/size limit/);
  });

  test('string doubling: stopped once a string passes the limit', async () => {
    const doubling = '( $d := function($s, $n){ $n = 0 ? $s : $d($s & $s, $n - 1) }; $d("x", 40) )';
    const error = await compileExpression(doubling, { timeoutMs: 10_000 }).evaluate({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExpressionError);
    expect((error as Error).message).toMatch(/result exceeded the size limit of 1048576 bytes: check for a very large range or a string that keeps growing/);
    await expect(compileExpression('$pad("", 5000000, "x")').evaluate({})).rejects.toThrow(/size limit/);
  });

  test('a result that is large only as a whole (many small members) is measured too', async () => {
    const wide = compileExpression('$map([1..2000], function($i){ { "k": $pad("", 1000, "y") } })', { timeoutMs: 10_000 });
    await expect(wide.evaluate({})).rejects.toThrow(/size limit of 1048576 bytes/);
    await expect(compileExpression('$map([1..200], function($i){ $pad("", 1000, "y") })').evaluate({})).resolves.toHaveLength(200);
  });

  test('the size limit is an option', async () => {
    await expect(compileExpression('$pad("", 200, "x")', { maxOutputBytes: 100 }).evaluate({})).rejects.toThrow(/size limit of 100 bytes/);
    await expect(compileExpression('$pad("", 50, "x")', { maxOutputBytes: 100 }).evaluate({})).resolves.toHaveLength(50);
  });

  test('jsonBytes is the UTF-8 size of JSON.stringify, and stops early past a limit', () => {
    for (const value of [{ a: 1, b: [true, null, 'x"y'], c: { d: 'ü€' } }, [], {}, 'plain', 12.5, [[1, 2], { e: [] }]]) {
      expect(jsonBytes(value)).toBe(Buffer.byteLength(JSON.stringify(value)));
    }
    expect(jsonBytes(['x'.repeat(100), 'y'.repeat(1e6)], 50)).toBeGreaterThan(50);
  });

  test('the environment is out of reach: no process, require, constructor or prototype; $eval is JSONata only', async () => {
    const input = { a: { b: 1 }, list: [1, 2] };
    for (const text of [
      'process',
      '$process',
      'require',
      '$require',
      'global',
      'globalThis',
      '$eval("process")',
      '$eval("$process.env")',
      '$eval("require(\'fs\')")'.replace("require('fs')", 'require'),
      'a.constructor',
      'a.__proto__',
      'constructor.constructor',
      '$keys(a.__proto__)',
      'list.constructor',
      '$string(a.constructor)',
    ]) {
      const value = await compileExpression(text).evaluate(input).catch((error: unknown) => error);
      if (value instanceof Error) expect(value).toBeInstanceOf(ExpressionError);
      else expect(value === undefined || value === '' || value === null).toBe(true);
    }
    // Calling what a path to `constructor` yields: there is nothing to call.
    await expect(compileExpression('( $f := a.constructor.constructor; $g := $f("return process"); $g() )').evaluate(input)).rejects.toThrow(ExpressionError);
    await expect(compileExpression('$eval("process.exit(1)")').evaluate(input)).resolves.toBeUndefined(); // a path to nothing
    // $eval runs JSONata under the same guard
    await expect(compileExpression('$eval("( $f := function($x){ 1 + $f($x) }; $f(1) )")').evaluate({})).rejects.toThrow(/depth limit|time budget/);
    // prototype pollution through an input cannot happen: jsonata builds fresh objects
    await compileExpression('$merge([{}, {"__proto__": {"polluted": true}}])').evaluate({}).catch(() => undefined);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });
});

describe('hostile JSONata at run time: an incident that says why', () => {
  let t: TestBaton;
  beforeAll(async () => {
    t = await startTestBaton();
  });
  afterAll(async () => {
    await t.close();
  });

  async function incidentOf(id: string, expression: string): Promise<{ message: string; type: string }> {
    const deployed = await t.request('POST', `/api/deployments?name=${id}.bpmn`, scriptProcess(id, expression));
    expect(deployed.status).toBe(201);
    const started = await t.request('POST', '/api/instances', { bpmnProcessId: id });
    expect(started.status).toBe(201);
    return until(async () => {
      const res = await t.request('GET', `/api/incidents?processInstanceKey=${started.body.key}`);
      return res.body.items?.[0];
    }, `an incident on ${id}`);
  }

  test.each([
    ['recursion', '( $f := function($x){ 1 + $f($x) }; $f(1) )', /depth limit of 500/],
    ['range', '[1..10000000]', /size limit of 1048576 bytes|time budget/],
    ['doubling', '( $d := function($s, $n){ $n = 0 ? $s : $d($s & $s, $n - 1) }; $d("x", 40) )', /size limit of 1048576 bytes/],
    ['padding', '$pad("", 3000000, "x")', /size limit of 1048576 bytes/],
  ])('%s', async (id, expression, reason) => {
    const incident = await incidentOf(id, expression);
    expect(incident.type).toBe('EXPRESSION');
    expect(incident.message).toMatch(/script of 'script' failed/);
    expect(incident.message).toMatch(reason);
    expect((await t.request('GET', '/health')).status).toBe(200);
  });

  test('reaching for the environment yields nothing; the instance completes with an empty result', async () => {
    await t.request('POST', '/api/deployments?name=env.bpmn', scriptProcess('env', '[process, require, $eval("process"), a.constructor]'));
    const started = await t.request('POST', '/api/instances', { bpmnProcessId: 'env', variables: { a: { b: 1 } } });
    const done = await until(async () => {
      const res = await t.request('GET', `/api/instances/${started.body.key}`);
      return res.body.status === 'COMPLETED' ? res.body : undefined;
    }, 'the env instance to complete');
    expect([null, undefined, []]).toContainEqual(done.variables.result);
  });
});
