/**
 * A standalone catalog (`npm run catalog`) read over HTTP: the engine's deploy-time checks and catalog reads
 * when CATALOG_URL is set. Changes (publish, deprecate, withdraw) go to the catalog's own URL.
 */
import { BatonError, ErrorCode } from '../engine/errors';
import type { TemplateCatalog } from './catalog';
import type { ElementTemplate } from './element-template';
import type { TemplateFilter } from './search';

/** The standalone catalog did not answer as expected: deploys cannot be checked (503). */
export class CatalogUnavailableError extends BatonError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.BUS, 503, message, [], options);
  }
}

export interface RemoteCatalogOptions {
  /** A key for catalogs that allow no anonymous reads (CATALOG_KEY). */
  key?: string;
  timeoutMs?: number;
}

export class RemoteCatalog implements TemplateCatalog {
  private readonly base: string;

  constructor(
    url: string,
    private readonly options: RemoteCatalogOptions = {},
  ) {
    this.base = url.replace(/\/+$/, '');
  }

  async get(id: string, version?: number): Promise<ElementTemplate | undefined> {
    if (version !== undefined) return this.fetchJson<ElementTemplate>(`/api/catalog/templates/${encodeURIComponent(id)}/versions/${version}`);
    const versions = await this.versions(id);
    return versions.find((template) => !template.metadata?.withdrawn) ?? versions[0];
  }

  async list(filter: TemplateFilter = {}): Promise<ElementTemplate[]> {
    const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined) as [string, string][]).toString();
    return (await this.fetchJson<{ items: ElementTemplate[] }>(`/api/catalog/templates${query ? `?${query}` : ''}`))?.items ?? [];
  }

  async versions(id: string): Promise<ElementTemplate[]> {
    return (await this.fetchJson<{ items: ElementTemplate[] }>(`/api/catalog/templates/${encodeURIComponent(id)}/versions`))?.items ?? [];
  }

  /** The answer's JSON; undefined for 404. */
  private async fetchJson<T>(path: string): Promise<T | undefined> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        headers: { accept: 'application/json', ...(this.options.key && { authorization: `Bearer ${this.options.key}` }) },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new CatalogUnavailableError(`The catalog at ${this.base} does not answer (${(error as Error).message}): start it or fix CATALOG_URL`, { cause: error });
    }
    if (response.status === 404) return undefined;
    if (!response.ok) throw new CatalogUnavailableError(`The catalog at ${this.base} answered ${response.status} to GET ${path}${response.status === 401 ? ': set CATALOG_KEY to a reader key of the catalog' : ''}`);
    return (await response.json()) as T;
  }
}
