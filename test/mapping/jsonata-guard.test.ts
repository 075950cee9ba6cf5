import { ExpressionError } from '../../engine/errors';
import { compileExpression, parseSource } from '../../engine/mapping/jsonata-guard';

describe('compileExpression', () => {
  it('reports a compile error with its position', () => {
    let error: unknown;
    try {
      compileExpression('a.(b');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ExpressionError);
    const expressionError = error as ExpressionError;
    expect(expressionError.position).toBe(4);
    expect(expressionError.expression).toBe('a.(b');
    expect(expressionError.message).toMatch(/does not compile at position 4: Expected "\)"/);
  });

  it('evaluates to plain JSON: sequences become plain arrays, undefined stays undefined', async () => {
    const result = await compileExpression('a.b').evaluate({ a: [{ b: 1 }, { b: 2 }] });
    expect(result).toEqual([1, 2]);
    expect(Object.getPrototypeOf(result)).toBe(Array.prototype);
    expect(Object.keys(result as object)).toEqual(['0', '1']);
    expect(await compileExpression('missing').evaluate({})).toBeUndefined();
    expect(await compileExpression('{ "xs": a.b, "f": function($x) { $x } }').evaluate({ a: [{ b: 1 }, { b: 2 }] })).toEqual({
      xs: [1, 2],
    });
  });

  it('passes bindings', async () => {
    expect(await compileExpression('$x + 1').evaluate({}, { x: 41 })).toBe(42);
  });

  it('rejects endless recursion with the depth guard', async () => {
    const expression = compileExpression('( $f := function($x){ 1 + $f($x) }; $f(1) )', { timeoutMs: 10_000 });
    await expect(expression.evaluate({})).rejects.toThrow(/evaluation depth limit of 500/);
    await expect(expression.evaluate({})).rejects.toBeInstanceOf(ExpressionError);
  });

  it('rejects an endless tail recursion (jsonata runs it at constant depth) with the time guard', async () => {
    // jsonata optimises the tail call, so this loops without growing: the time budget is what stops it.
    const expression = compileExpression('( $f := function($x){ $f($x) }; $f(1) )', { timeoutMs: 30 });
    await expect(expression.evaluate({})).rejects.toThrow(/time budget of 30 ms/);
  });

  it('keeps the time guard on after an array constructor (no sticky parallel-call skip)', async () => {
    const expression = compileExpression('( $a := [1, 2]; $f := function($x){ 1 + $f($x) }; $f(1) )', { timeoutMs: 30 });
    await expect(expression.evaluate({})).rejects.toThrow(ExpressionError);
  });

  it('rejects a long-running expression with the time guard, quickly', async () => {
    const expression = compileExpression('$reduce([1..10000000], function($a, $b) { $a + $b })', { timeoutMs: 30, maxOutputBytes: 1e8 });
    const started = Date.now();
    await expect(expression.evaluate({})).rejects.toThrow(/time budget of 30 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('stays usable after a guard rejected an evaluation, and guards evaluations apart', async () => {
    const recursive = compileExpression('( $f := function($x){ $x <= 0 ? 0 : 1 + $f($x - 1) }; $f(n) )', { maxDepth: 200, timeoutMs: 10_000 });
    await expect(recursive.evaluate({ n: 1000 })).rejects.toThrow(/depth limit of 200/);
    expect(await recursive.evaluate({ n: 5 })).toBe(5);
    const [a, b] = await Promise.all([recursive.evaluate({ n: 10 }), recursive.evaluate({ n: 12 })]);
    expect([a, b]).toEqual([10, 12]);
    expect(await compileExpression('1 + 1').evaluate({})).toBe(2);
  });

  it('does not count wide but shallow mappings as deep', async () => {
    const fields = Array.from({ length: 200 }, (_, i) => `"f${i}": $trim($uppercase(a.b.c))`).join(', ');
    const result = (await compileExpression(`{ ${fields} }`, { timeoutMs: 10_000 }).evaluate({ a: { b: { c: 'x' } } })) as Record<string, string>;
    expect(Object.keys(result)).toHaveLength(200);
  });

  it('wraps runtime errors in ExpressionError', async () => {
    await expect(compileExpression('$error("boom")').evaluate({})).rejects.toThrow(/JSONata expression failed at position \d+: boom/);
  });

  it('offers $bpmnError to every expression', async () => {
    expect(await compileExpression('$bpmnError("NOT_FOUND", "no such order")').evaluate({})).toEqual({
      code: 'NOT_FOUND',
      message: 'no such order',
    });
    expect(await compileExpression('status = 404 ? $bpmnError("NOT_FOUND")').evaluate({ status: 404 })).toEqual({
      code: 'NOT_FOUND',
    });
  });
});

describe('parseSource', () => {
  it('treats a value starting with = as an expression and anything else as a literal', async () => {
    const literal = parseSource('a.b');
    expect(literal).toEqual({ kind: 'literal', value: 'a.b' });
    const expression = parseSource('=a.b');
    expect(expression.kind).toBe('expression');
    if (expression.kind !== 'expression') throw new Error('unreachable');
    expect(expression.expression.text).toBe('a.b');
    expect(await expression.expression.evaluate({ a: { b: 3 } })).toBe(3);
  });

  it('throws when an expression source does not compile', () => {
    expect(() => parseSource('=1 +')).toThrow(ExpressionError);
  });
});
