/**
 * The catalog: publish, versions, deprecate, withdraw, search, over a CatalogStore. Implements
 * TemplateCatalog for deploy-time checks; a version's status reaches them as `metadata.deprecated` /
 * `metadata.withdrawn` on the template it returns. Namespace ownership is the caller's check (it knows
 * the key); everything about the template itself is checked here.
 */
import { createHash } from 'node:crypto';
import { BatonError, ConflictError, ErrorCode, NotFoundError, ValidationError, type Problem } from '../engine/errors';
import type { Logger } from '../engine/logger';
import type { TemplateCatalog } from './catalog';
import { DuplicateVersionError, TemplateStatus, type CatalogStore, type StoredTemplate } from './catalog-store';
import { checkContracts } from './contract-schema';
import type { ElementTemplate } from './element-template';
import { JsonSyntaxError, parseLocated, type LocatedJson } from './json-locations';
import { filterTemplates, type TemplateFilter } from './search';
import { templateTaskType } from './template-task-type';
import { checkBatonRules, validateTemplate } from './template-schema';

export const SYSTEM_PUBLISHER = 'system';

/** A template that breaks the schema or Baton's rules: 400, each problem with its pointer (and line). */
export class TemplateInvalidError extends BatonError {
  constructor(message: string, problems: Problem[]) {
    super(ErrorCode.VALIDATION, 400, message, problems);
  }
}

export interface PublishResult {
  /** false: the same content was published before (a no-op). */
  created: boolean;
  template: ElementTemplate;
}

export interface CatalogEntryView {
  id: string;
  version: number;
  name: string;
  taskType: string;
  status: TemplateStatus;
  statusMessage?: string;
  replacementVersion?: number;
  publishedBy: string;
  publishedAt: string;
}

/** What a catalog lets its owners change (the local CatalogService; a remote catalog is changed at its own URL). */
export interface CatalogAdmin {
  /** Publishes a template from JSON text (for line and column in problems) or a parsed value. */
  publish(body: string | unknown, publishedBy: string): Promise<PublishResult>;
  deprecate(id: string, version: number, change: { message: string; replacementVersion?: number }): Promise<ElementTemplate>;
  withdraw(id: string, version: number, change: { message?: string }): Promise<ElementTemplate>;
  entries(id: string): Promise<CatalogEntryView[]>;
}

export class CatalogService implements TemplateCatalog, CatalogAdmin {
  private publishing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: CatalogStore,
    private readonly logger?: Logger,
  ) {}

  /** Stores the shipped templates as published by the system; a stored version is kept as it is. */
  async seed(templates: readonly ElementTemplate[]): Promise<void> {
    for (const template of templates) {
      const version = template.version ?? 0;
      const existing = await this.store.get(template.id, version);
      if (existing) {
        if (existing.contentHash !== contentHash(template)) {
          this.logger?.warn({ id: template.id, version }, 'a shipped template differs from the published version of the same id and version; the published one stays: give the change a new version');
        }
        continue;
      }
      await this.store.insert(entryOf(template, SYSTEM_PUBLISHER)).catch((error: unknown) => {
        if (!(error instanceof DuplicateVersionError)) throw error;
      });
    }
  }

  publish(body: string | unknown, publishedBy: string): Promise<PublishResult> {
    const run = this.publishing.then(() => this.publishNow(body, publishedBy));
    this.publishing = run.catch(() => undefined);
    return run;
  }

  private async publishNow(body: string | unknown, publishedBy: string): Promise<PublishResult> {
    const located = locate(body);
    const json = located?.value ?? body;
    const problems = validatePublishable(json);
    if (problems.length > 0) {
      throw new TemplateInvalidError(
        `The template has ${problems.length} problem(s); nothing was published`,
        problems.map((problem) => ({ ...problem, ...(problem.pointer !== undefined && located?.locate(problem.pointer)) })),
      );
    }
    const template = json as ElementTemplate;
    const version = template.version as number;
    const existing = await this.store.get(template.id, version);
    if (existing) {
      if (existing.contentHash === contentHash(template)) return { created: false, template: withStatus(existing) };
      throw new ConflictError(
        `Template '${template.id}' version ${version} is published with other content, and a published version never changes: publish the change as version ${await this.nextVersion(template.id)}`,
      );
    }
    const latest = (await this.store.versions(template.id))[0];
    if (latest && latest.version > version) {
      throw new ConflictError(`Template '${template.id}' is published up to version ${latest.version}: a new version must be above it (publish version ${latest.version + 1})`);
    }
    const entry = entryOf(template, publishedBy);
    try {
      await this.store.insert(entry);
    } catch (error) {
      if (error instanceof DuplicateVersionError) throw new ConflictError(`Template '${template.id}' version ${version} was published meanwhile: fetch it and publish a new version`);
      throw error;
    }
    return { created: true, template: withStatus(entry) };
  }

  async deprecate(id: string, version: number, change: { message: string; replacementVersion?: number }): Promise<ElementTemplate> {
    const entry = await this.entry(id, version);
    if (entry.status === TemplateStatus.WITHDRAWN) throw new ConflictError(`Template '${id}' version ${version} is withdrawn; a withdrawn version cannot be deprecated`);
    if (change.replacementVersion !== undefined) {
      if (change.replacementVersion === version) throw new ValidationError('replacementVersion must be another version', [{ code: 'REPLACEMENT', pointer: '/replacementVersion', message: 'a version cannot replace itself' }]);
      const replacement = await this.store.get(id, change.replacementVersion);
      if (!replacement || replacement.status === TemplateStatus.WITHDRAWN) {
        throw new ValidationError(`replacementVersion ${change.replacementVersion} of '${id}' is not a published version`, [{ code: 'REPLACEMENT', pointer: '/replacementVersion', message: 'name a published version' }]);
      }
    }
    await this.store.setStatus(id, version, { status: TemplateStatus.DEPRECATED, message: change.message, replacementVersion: change.replacementVersion, at: Date.now() });
    return withStatus(await this.entry(id, version));
  }

  async withdraw(id: string, version: number, change: { message?: string }): Promise<ElementTemplate> {
    await this.entry(id, version);
    await this.store.setStatus(id, version, { status: TemplateStatus.WITHDRAWN, message: change.message, at: Date.now() });
    return withStatus(await this.entry(id, version));
  }

  async get(id: string, version?: number): Promise<ElementTemplate | undefined> {
    if (version !== undefined) {
      const entry = await this.store.get(id, version);
      return entry && withStatus(entry);
    }
    const versions = await this.store.versions(id);
    const latest = versions.find((entry) => entry.status !== TemplateStatus.WITHDRAWN) ?? versions[0];
    return latest && withStatus(latest);
  }

  /** Latest version of every template (withdrawn versions are skipped while an older one is not). */
  async list(filter: TemplateFilter = {}): Promise<ElementTemplate[]> {
    const latest = new Map<string, StoredTemplate>();
    for (const entry of await this.store.all()) {
      const current = latest.get(entry.id);
      const better = !current || (current.status === TemplateStatus.WITHDRAWN && entry.status !== TemplateStatus.WITHDRAWN) || (entry.version > current.version && entry.status !== TemplateStatus.WITHDRAWN);
      if (better) latest.set(entry.id, entry);
    }
    const templates = [...latest.values()].sort((a, b) => a.id.localeCompare(b.id)).map(withStatus);
    return filterTemplates(templates, filter);
  }

  async versions(id: string): Promise<ElementTemplate[]> {
    return (await this.store.versions(id)).map(withStatus);
  }

  async entries(id: string): Promise<CatalogEntryView[]> {
    return (await this.store.versions(id)).map(entryView);
  }

  private async entry(id: string, version: number): Promise<StoredTemplate> {
    const entry = await this.store.get(id, version);
    if (!entry) throw new NotFoundError('Template version', `${id}@${version}`);
    return entry;
  }

  private async nextVersion(id: string): Promise<number> {
    return ((await this.store.versions(id))[0]?.version ?? 0) + 1;
  }
}

/** Schema, then Baton's rules (task type, JSONata, contracts, an integer version, no catalog-owned metadata). */
export function validatePublishable(json: unknown): Problem[] {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return [{ code: ErrorCode.VALIDATION, pointer: '/', message: '/: publish one element template (a JSON object) per request' }];
  }
  const problems = validateTemplate(json);
  if (problems.length > 0) return problems;
  const template = json as ElementTemplate;
  if (!Number.isInteger(template.version) || (template.version as number) < 1) {
    problems.push({ code: ErrorCode.VALIDATION, pointer: '/version', message: '/version: a published template needs a version, an integer from 1' });
  }
  for (const key of ['deprecated', 'withdrawn']) {
    if (template.metadata && key in template.metadata) {
      problems.push({ code: ErrorCode.VALIDATION, pointer: `/metadata/${key}`, message: `/metadata/${key}: is set by the catalog: use the ${key === 'deprecated' ? 'deprecate' : 'withdraw'} route` });
    }
  }
  problems.push(...checkBatonRules(template), ...checkContracts(template));
  return problems;
}

function locate(body: unknown): LocatedJson | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    return parseLocated(body);
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      throw new TemplateInvalidError('The body is not valid JSON; nothing was published', [{ code: ErrorCode.VALIDATION, pointer: '/', ...error.location, message: error.message }]);
    }
    throw error;
  }
}

/** sha256 of the canonical JSON (object keys sorted): equal content, equal hash, whatever the formatting. */
export function contentHash(template: ElementTemplate): string {
  return createHash('sha256').update(canonical(template)).digest('hex');
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value).sort().filter((k) => (value as Record<string, unknown>)[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function entryOf(template: ElementTemplate, publishedBy: string): StoredTemplate {
  return {
    id: template.id,
    version: template.version ?? 0,
    name: template.name,
    taskType: templateTaskType(template) ?? '',
    template,
    contentHash: contentHash(template),
    publishedBy,
    publishedAt: Date.now(),
    status: TemplateStatus.PUBLISHED,
  };
}

/** The template as published, with its status in `metadata` (what deploy-time checks and the modeler read). */
export function withStatus(entry: StoredTemplate): ElementTemplate {
  const template = structuredClone(entry.template);
  if (entry.status === TemplateStatus.DEPRECATED) {
    template.metadata = { ...template.metadata, deprecated: { message: entry.statusMessage ?? 'deprecated', ...(entry.replacementVersion !== undefined && { replacementVersion: entry.replacementVersion }) } };
  } else if (entry.status === TemplateStatus.WITHDRAWN) {
    template.metadata = { ...template.metadata, withdrawn: { message: entry.statusMessage ?? 'withdrawn' } };
  }
  return template;
}

function entryView(entry: StoredTemplate): CatalogEntryView {
  return {
    id: entry.id,
    version: entry.version,
    name: entry.name,
    taskType: entry.taskType,
    status: entry.status,
    ...(entry.statusMessage !== undefined && { statusMessage: entry.statusMessage }),
    ...(entry.replacementVersion !== undefined && { replacementVersion: entry.replacementVersion }),
    publishedBy: entry.publishedBy,
    publishedAt: new Date(entry.publishedAt).toISOString(),
  };
}
