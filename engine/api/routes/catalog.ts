/**
 * The template catalog over REST. Reads: latest versions (filtered), all versions of one, one version.
 * Changes (admin, or a team key within its namespaces): publish, deprecate, withdraw. The publish body is
 * read as text, so problems carry line and column as well as their JSON pointer.
 */
import { Router } from 'express';
import type { CatalogAdmin } from '../../../catalog/catalog-service';
import type { TemplateCatalog } from '../../../catalog/catalog';
import type { TemplateFilter } from '../../../catalog/search';
import { requirePrincipal, type AccessControl } from '../../access';
import { BatonError, ErrorCode, NotFoundError, ValidationError } from '../../errors';
import { deprecateVersionSchema, parseBody, withdrawVersionSchema } from '../schemas';

export function catalogRoutes(catalog: TemplateCatalog, admin: CatalogAdmin | undefined, access: AccessControl): Router {
  const router = Router();

  router.get('/api/catalog/templates', async (req, res) => {
    res.json({ items: await catalog.list(filterOf(req.query)) });
  });

  router.get('/api/catalog/templates/:id/versions', async (req, res) => {
    const items = await catalog.versions(req.params.id);
    if (items.length === 0) throw new NotFoundError('Template', req.params.id);
    res.json({ items });
  });

  router.get('/api/catalog/templates/:id/versions/:version', async (req, res) => {
    const version = versionOf(req.params.version);
    const template = await catalog.get(req.params.id, version);
    if (!template) throw new NotFoundError('Template version', `${req.params.id}@${version}`);
    res.json(template);
  });

  router.post('/api/catalog/templates', async (req, res) => {
    const principal = requirePrincipal(res);
    const changes = adminOf(admin);
    const id = idIn(req.body);
    if (id !== undefined) access.assertOwns(principal, id);
    const result = await changes.publish(req.body, principal.keyId);
    if (id === undefined) access.assertOwns(principal, result.template.id);
    res.status(result.created ? 201 : 200).json({ created: result.created, template: result.template });
  });

  router.post('/api/catalog/templates/:id/versions/:version/deprecate', async (req, res) => {
    access.assertOwns(requirePrincipal(res), req.params.id);
    const body = parseBody(deprecateVersionSchema, req.body);
    res.json(await adminOf(admin).deprecate(req.params.id, versionOf(req.params.version), body));
  });

  router.post('/api/catalog/templates/:id/versions/:version/withdraw', async (req, res) => {
    access.assertOwns(requirePrincipal(res), req.params.id);
    const body = parseBody(withdrawVersionSchema, req.body);
    res.json(await adminOf(admin).withdraw(req.params.id, versionOf(req.params.version), body));
  });

  return router;
}

function adminOf(admin: CatalogAdmin | undefined): CatalogAdmin {
  if (!admin) throw new BatonError(ErrorCode.NOT_FOUND, 404, 'This engine reads a standalone catalog (CATALOG_URL): publish, deprecate and withdraw templates there');
  return admin;
}

/** The template id of a publish body, read without trusting it (for the namespace check before validation). */
function idIn(body: unknown): string | undefined {
  if (typeof body === 'string') {
    try {
      return idIn(JSON.parse(body));
    } catch {
      return undefined;
    }
  }
  const id = typeof body === 'object' && body !== null ? (body as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : undefined;
}

export function versionOf(text: string): number {
  const version = Number(text);
  if (!Number.isInteger(version) || version < 1) {
    throw new ValidationError(`'${text}' is no template version: use an integer from 1`, [{ code: 'VERSION', pointer: '/version', message: `version '${text}'` }]);
  }
  return version;
}

function filterOf(query: Record<string, unknown>): TemplateFilter {
  const text = (name: string) => (typeof query[name] === 'string' && query[name] !== '' ? (query[name] as string) : undefined);
  const filter: TemplateFilter = {};
  for (const name of ['category', 'keyword', 'taskType', 'q'] as const) {
    const value = text(name);
    if (value !== undefined) filter[name] = value;
  }
  return filter;
}
