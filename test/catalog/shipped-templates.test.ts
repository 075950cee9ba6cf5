/** Every template the project ships (element-templates/) passes the official schema and Baton's rules. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadEmbeddedCatalog } from '../../catalog/embedded-catalog';
import { checkBatonRules, validateTemplate } from '../../catalog/template-schema';
import type { ElementTemplate } from '../../catalog/element-template';

const dir = path.resolve(__dirname, '..', '..', 'element-templates');

function jsonFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const full = path.join(folder, name);
    if (statSync(full).isDirectory()) return jsonFiles(full);
    return name.endsWith('.json') ? [full] : [];
  });
}

describe('shipped element templates', () => {
  it('have a folder', () => {
    expect(existsSync(dir) && statSync(dir).isDirectory()).toBe(true);
  });

  const files = existsSync(dir) ? jsonFiles(dir) : [];

  it.each(files.map((file) => [path.relative(dir, file), file]))('%s passes the schema and Baton\'s rules', (_name, file) => {
    const json: unknown = JSON.parse(readFileSync(file, 'utf8'));
    expect(validateTemplate(json)).toEqual([]);
    const templates = (Array.isArray(json) ? json : [json]) as ElementTemplate[];
    expect(templates.flatMap((template) => checkBatonRules(template))).toEqual([]);
  });

  it('load as the embedded catalog, one entry per file version', async () => {
    const catalog = await loadEmbeddedCatalog(dir);
    const count = files
      .map((file) => JSON.parse(readFileSync(file, 'utf8')) as unknown)
      .reduce<number>((sum, json) => sum + (Array.isArray(json) ? json.length : 1), 0);
    expect(catalog.all()).toHaveLength(count);
  });
});
