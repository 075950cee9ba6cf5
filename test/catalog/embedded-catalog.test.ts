import path from 'node:path';
import { CatalogLoadError, loadEmbeddedCatalog } from '../../catalog/embedded-catalog';

const fixtures = path.join(__dirname, 'fixtures');

describe('loadEmbeddedCatalog', () => {
  it('loads every valid template under the folder, recursively, including arrays of templates', async () => {
    const catalog = await loadEmbeddedCatalog(path.join(fixtures, 'valid'));
    expect(catalog.all().map((t) => `${t.id}@${t.version}`).sort()).toEqual(['io.test.greet@1', 'io.test.greet@2', 'io.test.other@1']);
  });

  it('gets a template by id and version, the latest without a version, and lists the latest of each', async () => {
    const catalog = await loadEmbeddedCatalog(path.join(fixtures, 'valid'));
    expect((await catalog.get('io.test.greet', 1))?.description).toBe('Greets someone (version 1)');
    expect((await catalog.get('io.test.greet'))?.version).toBe(2);
    expect(await catalog.get('io.test.greet', 3)).toBeUndefined();
    expect(await catalog.get('io.test.unknown')).toBeUndefined();
    const list = await catalog.list();
    expect(list.map((t) => `${t.id}@${t.version}`).sort()).toEqual(['io.test.greet@2', 'io.test.other@1']);
  });

  it('fails on a template that breaks the schema, naming the file and the JSON pointer', async () => {
    const error = await loadEmbeddedCatalog(path.join(fixtures, 'invalid', 'schema')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CatalogLoadError);
    const loadError = error as CatalogLoadError;
    expect(loadError.file).toMatch(/io\.test\.broken-1\.json$/);
    expect(loadError.message).toContain('io.test.broken-1.json is not a valid element template');
    expect(loadError.problems).toEqual(expect.arrayContaining([expect.objectContaining({ pointer: '/version' })]));
  });

  it("fails on a template that breaks Baton's rules: no task type, JSONata that does not compile", async () => {
    const error = (await loadEmbeddedCatalog(path.join(fixtures, 'invalid', 'rules')).catch((e: unknown) => e)) as CatalogLoadError;
    expect(error).toBeInstanceOf(CatalogLoadError);
    expect(error.problems.map((p) => p.pointer)).toEqual(['/properties', '/properties/0/value']);
    expect(error.message).toMatch(/binds no task type/);
    expect(error.message).toMatch(/\/properties\/0\/value: JSONata expression does not compile at position/);
  });

  it('fails when the folder does not exist', async () => {
    await expect(loadEmbeddedCatalog(path.join(fixtures, 'nowhere'))).rejects.toThrow(/does not exist/);
  });
});
