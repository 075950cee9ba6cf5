import { parseSource } from '../../engine/mapping/jsonata-guard';
import { applyMappings } from '../../engine/mapping/variable-mapping';
import type { VariableMapping } from '../../engine/mapping/expression';

const map = (source: string, target: string): VariableMapping => ({ source: parseSource(source), target });

describe('applyMappings', () => {
  it('writes literals and expressions, creating nested objects for dotted targets', async () => {
    const context = { customer: { name: 'Ada', id: 7 } };
    const result = await applyMappings(
      [map('POST', 'request.method'), map('=customer.name', 'request.body.name'), map('=customer.id', 'request.body.id')],
      context,
    );
    expect(result).toEqual({ request: { method: 'POST', body: { name: 'Ada', id: 7 } } });
    expect(context).toEqual({ customer: { name: 'Ada', id: 7 } });
  });

  it('lets later mappings see earlier results', async () => {
    const result = await applyMappings([map('=amount * 2', 'doubled'), map('=doubled + 1', 'next')], { amount: 5 });
    expect(result).toEqual({ doubled: 10, next: 11 });
  });

  it('writes null for an expression that yields nothing', async () => {
    expect(await applyMappings([map('=missing', 'x')], {})).toEqual({ x: null });
  });
});
