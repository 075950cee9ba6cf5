/**
 * What the engine asks the catalog: deploy-time checks (get) and the read routes (list, versions).
 * Implementations: CatalogService (published templates in the database, the default), EmbeddedCatalog
 * (a folder of files, read once) and RemoteCatalog (a standalone catalog behind CATALOG_URL).
 */
import type { ElementTemplate } from './element-template';
import type { TemplateFilter } from './search';

export interface TemplateCatalog {
  /** The template with this id and version; the latest version when version is undefined. A deprecated
   *  or withdrawn version carries `metadata.deprecated` / `metadata.withdrawn`. */
  get(id: string, version?: number): Promise<ElementTemplate | undefined>;
  /** Latest version of every template, filtered. */
  list(filter?: TemplateFilter): Promise<ElementTemplate[]>;
  /** Every version of one template, highest first. */
  versions(id: string): Promise<ElementTemplate[]>;
}
