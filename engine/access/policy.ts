/**
 * The route policy of the whole API, in one table: which roles may call which routes. Reads are open
 * (BATON_ANONYMOUS_READ, default on) or need any valid key; every mutating route needs a key whose role is
 * listed. A mutating route not named here needs admin or designer, so a new route is never open by
 * accident. Namespace checks (team keys) happen in the catalog routes, which know the template id.
 */
import type { RequestHandler, Response } from 'express';
import type { AccessControl } from './access-control';
import { ForbiddenError, UnauthorizedError } from './errors';
import { Role, type Principal } from './roles';

export interface PolicyRule {
  /** HTTP methods the rule covers; 'write' is every method but GET, HEAD and OPTIONS. */
  readonly methods: 'read' | 'write' | 'all';
  readonly path: RegExp;
  /** 'public': no key needed, none checked. 'read': a key when anonymous read is off. Else: these roles. */
  readonly allow: 'public' | 'read' | readonly Role[];
  /** What the rule guards, for the 403 message. */
  readonly what: string;
}

export const POLICY: readonly PolicyRule[] = [
  { methods: 'all', path: /^\/(health|openapi\.json)$/, allow: 'public', what: 'health and the API description' },
  { methods: 'all', path: /^\/api\/keys(\/|$)/, allow: [Role.ADMIN], what: 'manage API keys' },
  { methods: 'write', path: /^\/api\/catalog(\/|$)/, allow: [Role.ADMIN, Role.TEAM], what: 'publish, deprecate or withdraw element templates' },
  { methods: 'read', path: /.*/, allow: 'read', what: 'read' },
  { methods: 'write', path: /.*/, allow: [Role.ADMIN, Role.DESIGNER], what: 'deploy and run processes (deployments, instances, user tasks, incidents)' },
];

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function ruleFor(method: string, path: string): PolicyRule {
  const read = READ_METHODS.has(method.toUpperCase());
  const rule = POLICY.find((r) => (r.methods === 'all' || (r.methods === 'read') === read) && r.path.test(path));
  if (!rule) throw new Error('bug: the policy has no catch-all rule');
  return rule;
}

/** Authenticates every request and applies the policy; routes read the caller with principalOf(res). */
export function accessMiddleware(access: AccessControl): RequestHandler {
  return (req, res, next) => {
    const rule = ruleFor(req.method, req.path);
    if (rule.allow === 'public') return next();
    access.authenticate(req.get('authorization')).then((principal) => {
      res.locals.principal = principal;
      if (rule.allow === 'read') {
        if (!principal && !access.anonymousRead) throw new UnauthorizedError(`${req.method} ${req.path} needs an API key (anonymous read is off): send Authorization: Bearer <key>`);
        return next();
      }
      if (!principal) throw new UnauthorizedError(`${req.method} ${req.path} needs an API key: send Authorization: Bearer <key>`);
      const roles = rule.allow as readonly Role[];
      if (!roles.includes(principal.role)) {
        throw new ForbiddenError(`The key '${principal.name}' has the role '${principal.role}', which may not ${rule.what}; this needs ${roles.join(' or ')}`);
      }
      next();
    }).catch(next);
  };
}

/** The caller of a request that passed the policy; undefined for an anonymous read. */
export function principalOf(res: Response): Principal | undefined {
  return res.locals.principal as Principal | undefined;
}

/** The caller of a mutating request (the policy guaranteed a key). */
export function requirePrincipal(res: Response): Principal {
  const principal = principalOf(res);
  if (!principal) throw new UnauthorizedError('This route needs an API key: send Authorization: Bearer <key>');
  return principal;
}
