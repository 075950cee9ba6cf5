/**
 * What the engine knows about the catalog's templates: which deployed definitions use them (impact
 * analysis, with running instance counts) and the modeler's list (latest versions plus older versions
 * that deployed definitions still use).
 */
import { Router } from 'express';
import type { TemplateCatalog } from '../../../catalog/catalog';
import type { ElementTemplate } from '../../../catalog/element-template';
import type { Engine } from '../../runtime/engine';
import { InstanceStatus } from '../../runtime/instance-state';

export interface TemplateUsage {
  version: number | null;
  status: 'PUBLISHED' | 'DEPRECATED' | 'WITHDRAWN' | 'UNKNOWN';
  definitions: { key: string; bpmnProcessId: string; version: number; elementIds: string[]; activeInstances: number }[];
  activeInstances: number;
}

export function catalogUsageRoutes(engine: Engine, catalog: TemplateCatalog): Router {
  const router = Router();

  router.get('/api/catalog/templates/:id/usages', async (req, res) => {
    const id = req.params.id;
    const byVersion = new Map<number | null, TemplateUsage>();
    for (const definition of engine.definitions.list()) {
      const uses = definition.templates.filter((t) => t.id === id);
      if (uses.length === 0) continue;
      const active = await countActive(engine, definition.key);
      for (const version of new Set(uses.map((u) => u.version ?? null))) {
        let usage = byVersion.get(version);
        if (!usage) {
          usage = { version, status: await statusOf(catalog, id, version), definitions: [], activeInstances: 0 };
          byVersion.set(version, usage);
        }
        usage.definitions.push({
          key: definition.key,
          bpmnProcessId: definition.bpmnProcessId,
          version: definition.version,
          elementIds: uses.filter((u) => (u.version ?? null) === version).map((u) => u.elementId),
          activeInstances: active,
        });
        usage.activeInstances += active;
      }
    }
    const versions = [...byVersion.values()].sort((a, b) => (b.version ?? 0) - (a.version ?? 0));
    res.json({ id, versions });
  });

  router.get('/api/catalog/modeler-templates', async (_req, res) => {
    const items: ElementTemplate[] = await catalog.list();
    const have = new Set(items.map((t) => `${t.id}@${t.version ?? ''}`));
    const used = new Set<string>();
    for (const definition of engine.definitions.list()) {
      for (const ref of definition.templates) if (ref.version !== undefined) used.add(JSON.stringify([ref.id, ref.version]));
    }
    for (const key of [...used].sort()) {
      const [id, version] = JSON.parse(key) as [string, number];
      if (have.has(`${id}@${version}`)) continue;
      const template = await catalog.get(id, version);
      if (template) {
        items.push(template);
        have.add(`${id}@${version}`);
      }
    }
    res.json({ items });
  });

  return router;
}

async function countActive(engine: Engine, definitionKey: string): Promise<number> {
  const page = 1000;
  let count = 0;
  for (let offset = 0; ; offset += page) {
    const items = await engine.listInstances({ status: InstanceStatus.ACTIVE, definitionKey, limit: page, offset });
    count += items.length;
    if (items.length < page) return count;
  }
}

async function statusOf(catalog: TemplateCatalog, id: string, version: number | null): Promise<TemplateUsage['status']> {
  if (version === null) return 'UNKNOWN';
  const template = await catalog.get(id, version);
  if (!template) return 'UNKNOWN';
  if (template.metadata?.withdrawn) return 'WITHDRAWN';
  if (template.metadata?.deprecated) return 'DEPRECATED';
  return 'PUBLISHED';
}
