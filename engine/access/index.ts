/** Access control: API keys, roles and the route policy. */
export { AccessControl, keyView, type AccessOptions, type ApiKeyView, type NewKey } from './access-control';
export { generateApiKey, hashApiKey, API_KEY_PREFIX } from './api-key';
export { ForbiddenError, UnauthorizedError } from './errors';
export { MemoryKeyStore, type ApiKeyRecord, type KeyStore } from './key-store';
export { accessMiddleware, POLICY, principalOf, requirePrincipal, ruleFor, type PolicyRule } from './policy';
export { normalizeNamespace, ownsTemplateId, Role, ROLES, type Principal } from './roles';
