/**
 * The embedded catalog: every *.json under a folder (element-templates/ by default), read once at start-up.
 * Each file must pass the official schema and Baton's rules; a file that does not stops the start with
 * an error naming the file and its problems.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode, BatonError, type Problem } from '../engine/errors';
import type { TemplateCatalog } from './catalog';
import { checkContracts } from './contract-schema';
import type { ElementTemplate } from './element-template';
import { filterTemplates, type TemplateFilter } from './search';
import { checkBatonRules, validateTemplate } from './template-schema';

/** The templates folder, or a file in it, is not usable: Baton does not start. */
export class CatalogLoadError extends BatonError {
  constructor(
    message: string,
    readonly file: string,
    problems: Problem[] = [],
    options?: { cause?: unknown },
  ) {
    super(ErrorCode.VALIDATION, 500, message, problems, options);
  }
}

export class EmbeddedCatalog implements TemplateCatalog {
  /** Versions of each template id, highest first. */
  private readonly byId = new Map<string, ElementTemplate[]>();

  constructor(templates: readonly ElementTemplate[]) {
    for (const template of templates) {
      const versions = this.byId.get(template.id) ?? [];
      versions.push(template);
      versions.sort((a, b) => (b.version ?? 0) - (a.version ?? 0));
      this.byId.set(template.id, versions);
    }
  }

  async get(id: string, version?: number): Promise<ElementTemplate | undefined> {
    const versions = this.byId.get(id);
    if (!versions) return undefined;
    return version === undefined ? versions[0] : versions.find((template) => template.version === version);
  }

  async list(filter: TemplateFilter = {}): Promise<ElementTemplate[]> {
    return filterTemplates([...this.byId.values()].map((versions) => versions[0]), filter);
  }

  async versions(id: string): Promise<ElementTemplate[]> {
    return [...(this.byId.get(id) ?? [])];
  }

  /** Every version of every template. */
  all(): ElementTemplate[] {
    return [...this.byId.values()].flat();
  }
}

/** Reads, validates and indexes every *.json under `dir` (recursively). */
export async function loadEmbeddedCatalog(dir = 'element-templates'): Promise<EmbeddedCatalog> {
  const root = path.resolve(dir);
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new CatalogLoadError(`The element-templates folder '${root}' does not exist: create it or point Baton at the right folder`, root);
  }
  const templates: ElementTemplate[] = [];
  const origin = new Map<string, string>();
  for (const file of await jsonFiles(root)) {
    for (const template of await readTemplates(file)) {
      const key = `${template.id}@${template.version ?? '-'}`;
      const earlier = origin.get(key);
      if (earlier) {
        throw new CatalogLoadError(
          `${file}: template '${template.id}' version ${template.version ?? '(none)'} is also defined in ${earlier}: a version is published once; give the change a new version`,
          file,
        );
      }
      origin.set(key, file);
      templates.push(template);
    }
  }
  return new EmbeddedCatalog(templates);
}

/** Validates one file's templates (schema, then Baton's rules); throws CatalogLoadError naming the file. */
export async function readTemplates(file: string): Promise<ElementTemplate[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new CatalogLoadError(`${file} is not readable JSON: ${(error as Error).message}`, file, [], { cause: error });
  }
  const problems = validateTemplate(json);
  if (problems.length === 0) {
    const templates = Array.isArray(json) ? (json as ElementTemplate[]) : [json as ElementTemplate];
    templates.forEach((template, index) => problems.push(...checkBatonRules(template, Array.isArray(json) ? `/${index}` : ''), ...checkContracts(template, Array.isArray(json) ? `/${index}` : '')));
    if (problems.length === 0) return templates;
  }
  throw new CatalogLoadError(
    `${file} is not a valid element template:\n${problems.map((problem) => `  - ${problem.message}`).join('\n')}`,
    file,
    problems,
  );
}

async function jsonFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await jsonFiles(full)));
    else if (entry.isFile() && entry.name.endsWith('.json')) files.push(full);
  }
  return files;
}
