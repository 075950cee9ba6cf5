/** Roles of an API key and what each may do. The one place that spells them. */

export const Role = {
  /** Everything, including creating keys. */
  ADMIN: 'admin',
  /** Deploy and run: deployments, instances, user tasks, incidents. */
  DESIGNER: 'designer',
  /** An integration team: publish, deprecate and withdraw templates in its namespaces. */
  TEAM: 'team',
  /** Read only. */
  READER: 'reader',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

export const ROLES = Object.values(Role) as Role[];

/** Who sent a request: the key it carried (never the key itself). */
export interface Principal {
  readonly keyId: string;
  readonly name: string;
  readonly role: Role;
  /** Template id prefixes (role team), each ending with '.'. */
  readonly namespaces: readonly string[];
}

/** A namespace is a template id prefix of dot-separated parts, ending with '.' (`de.muenchen.mail.`). */
export const NAMESPACE_PATTERN = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.$/;

/** `de.muenchen.mail` and `de.muenchen.mail.` name the same namespace. */
export function normalizeNamespace(namespace: string): string {
  const trimmed = namespace.trim();
  return trimmed.endsWith('.') ? trimmed : `${trimmed}.`;
}

/** Whether the principal may publish, deprecate or withdraw the template with this id. */
export function ownsTemplateId(principal: Principal, templateId: string): boolean {
  if (principal.role === Role.ADMIN) return true;
  if (principal.role !== Role.TEAM) return false;
  return principal.namespaces.some((namespace) => templateId.startsWith(namespace));
}
