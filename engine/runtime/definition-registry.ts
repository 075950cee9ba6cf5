/**
 * Deployed definitions: deploy (compile, version, store) and the compiled processes the runtime runs.
 * Compiled processes are cached; after a restart a definition is compiled again from its stored XML.
 */
import { createHash } from 'node:crypto';
import type { TemplateCatalog } from '../../catalog/catalog';
import { DeploymentError, NotFoundError, type Problem } from '../errors';
import { compileDefinitions } from '../model/compile';
import type { ExecutableProcess } from '../model/executable';
import type { DefinitionRecord, Store } from '../store/store';
import { newRootKey } from './keys';

export interface DeployedDefinition {
  key: string;
  bpmnProcessId: string;
  version: number;
  resourceName: string;
  /** True when identical XML was deployed before: no new version was made. */
  duplicate: boolean;
}

export interface DeployResult {
  definitions: DeployedDefinition[];
  warnings: Problem[];
}

export class DefinitionRegistry {
  private records = new Map<string, DefinitionRecord>();
  private latestByProcessId = new Map<string, DefinitionRecord>();
  private compiled = new Map<string, Promise<ExecutableProcess>>();
  private deploying: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly catalog: TemplateCatalog,
  ) {}

  async load(): Promise<void> {
    for (const record of await this.store.listDefinitions()) this.remember(record);
  }

  /** Deploys every process of the XML, or nothing. Deploys run one at a time, so versions are dense. */
  deploy(xml: string, resourceName: string): Promise<DeployResult> {
    const run = this.deploying.then(() => this.deployNow(xml, resourceName));
    this.deploying = run.catch(() => undefined);
    return run;
  }

  private async deployNow(xml: string, resourceName: string): Promise<DeployResult> {
    const result = await compileDefinitions(xml, this.catalog);
    if (result.problems.length > 0) throw new DeploymentError(result.problems);
    const hash = createHash('sha256').update(xml).digest('hex');
    const deployed: DeployedDefinition[] = [];
    const fresh: DefinitionRecord[] = [];
    for (const process of result.processes) {
      const latest = this.latestByProcessId.get(process.bpmnProcessId);
      if (latest && latest.hash === hash) {
        deployed.push({ ...describe(latest), duplicate: true });
        continue;
      }
      const record: DefinitionRecord = {
        key: newRootKey(),
        bpmnProcessId: process.bpmnProcessId,
        name: process.name,
        version: (latest?.version ?? 0) + 1,
        hash,
        resourceName,
        xml,
        deployedAt: Date.now(),
        templates: process.templates.map((t) => ({ id: t.id, version: t.version, elementId: t.elementId })),
      };
      fresh.push(record);
      this.compiled.set(record.key, Promise.resolve(process));
      deployed.push({ ...describe(record), duplicate: false });
    }
    if (fresh.length > 0) await this.store.insertDefinitions(fresh);
    for (const record of fresh) this.remember(record);
    return { definitions: deployed, warnings: result.warnings };
  }

  list(): DefinitionRecord[] {
    return [...this.records.values()].sort((a, b) => a.bpmnProcessId.localeCompare(b.bpmnProcessId) || a.version - b.version);
  }

  get(key: string): DefinitionRecord {
    const record = this.records.get(key);
    if (!record) throw new NotFoundError('Process definition', key);
    return record;
  }

  /** The definition to start: by key, or by process id and version (latest when no version). */
  find(query: { definitionKey?: string; bpmnProcessId?: string; version?: number }): DefinitionRecord {
    if (query.definitionKey) return this.get(query.definitionKey);
    const id = query.bpmnProcessId ?? '';
    if (query.version === undefined) {
      const latest = this.latestByProcessId.get(id);
      if (!latest) throw new NotFoundError('Process', id);
      return latest;
    }
    for (const record of this.records.values()) {
      if (record.bpmnProcessId === id && record.version === query.version) return record;
    }
    throw new NotFoundError('Process version', `${id}:${query.version}`);
  }

  /** The compiled process of a definition (compiled once, then cached). */
  process(key: string): Promise<ExecutableProcess> {
    const cached = this.compiled.get(key);
    if (cached) return cached;
    const record = this.get(key);
    const compiled = compileDefinitions(record.xml, this.catalog, { checkTemplates: false }).then((result) => {
        const process = result.processes.find((p) => p.bpmnProcessId === record.bpmnProcessId);
        if (!process || result.problems.length > 0) {
          throw new DeploymentError(result.problems.length > 0 ? result.problems : [{ code: 'PROCESS_MISSING', message: `process '${record.bpmnProcessId}' is not in its stored XML` }]);
        }
        return process;
      });
    this.compiled.set(key, compiled);
    return compiled;
  }

  private remember(record: DefinitionRecord): void {
    this.records.set(record.key, record);
    const latest = this.latestByProcessId.get(record.bpmnProcessId);
    if (!latest || latest.version < record.version) this.latestByProcessId.set(record.bpmnProcessId, record);
  }
}

function describe(record: DefinitionRecord): Omit<DeployedDefinition, 'duplicate'> {
  return { key: record.key, bpmnProcessId: record.bpmnProcessId, version: record.version, resourceName: record.resourceName };
}
