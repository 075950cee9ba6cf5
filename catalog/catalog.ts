/**
 * What the engine asks the catalog at deploy time. The embedded catalog (loaded from element-templates/)
 * and, later, a remote one behind CATALOG_URL implement it.
 */
import type { ElementTemplate } from './element-template';

export interface TemplateCatalog {
  /** The template with this id and version; the latest version when version is undefined. */
  get(id: string, version?: number): Promise<ElementTemplate | undefined>;
  /** Latest version of every template. */
  list(): Promise<ElementTemplate[]>;
}
