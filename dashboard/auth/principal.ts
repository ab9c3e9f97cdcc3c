// Who is calling: a bearer token (scoped, stored hashed), a GitHub Actions OIDC token, or a browser
// session cookie. `authenticate` resolves it once per request; `requireRole` guards a route.
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { ApiError } from '../http-error.js';
import type { AuthStore, Role } from '../store/types.js';
import { clientAddress, type FailureThrottle } from './failure-throttle.js';
import { looksLikeJwt, type OidcVerifier } from './oidc.js';
import { csrfTokensMatch, SESSION_COOKIE } from './session.js';

export interface Principal {
  kind: 'token' | 'oidc' | 'session';
  role: Role;
  /** Ingest scope; empty = every service (only meaningful for the ingest role). */
  services: string[];
  /** For the audit log and scans.ingested_by: `token:tok_ab12 (ci-payments)`, `oidc:org/repo@ref`. */
  actor: string;
  /** Rate-limit bucket. */
  rateKey: string;
  tokenId?: string;
  /** The token's label (what the pages call the signed-in user); the repository for OIDC. */
  label: string;
  /** Session principals only: the CSRF token their forms and unsafe API calls must echo. */
  csrf?: string;
  /** OIDC principals: whether their ref may upload snapshots (false: PR scans only). */
  maySnapshot?: boolean;
}

export type AuthVariables = {
  principal: Principal | undefined;
  /** Why credentials that were presented were refused (for the 401 body). */
  authError: string | undefined;
};

/**
 * What each role may do: admin everything; triager reads and sets triage decisions (false positive,
 * accepted risk, not affected); viewer reads; ingest only uploads.
 */
const GRANTS: Record<Role, readonly Role[]> = {
  admin: ['admin', 'triager', 'viewer', 'ingest'],
  triager: ['triager', 'viewer'],
  viewer: ['viewer'],
  ingest: ['ingest'],
};

/**
 * The name a person is shown by: the token's label, with the bootstrap admin token's long label
 * ("bootstrap admin (GATEHOUSE_ADMIN_TOKEN)") shortened to "bootstrap admin". The top bar and a
 * triage decision's "decided by" (pages, API, the PR comment) use it; the audit log keeps the actor.
 */
export function shortName(label: string): string {
  return label.startsWith('bootstrap admin (') ? 'bootstrap admin' : label;
}

export function roleAllows(role: Role, needed: Role): boolean {
  return GRANTS[role].includes(needed);
}

/** Whether a principal may ingest for this service. */
export function mayIngestFor(p: Principal, service: string): boolean {
  if (p.role === 'admin') return true;
  return p.role === 'ingest' && (p.services.length === 0 || p.services.includes(service));
}

export function authenticate(deps: { store: AuthStore; oidc?: OidcVerifier; now?: () => Date; authFailures?: FailureThrottle }): MiddlewareHandler<{ Variables: AuthVariables }> {
  const now = deps.now ?? (() => new Date());
  return async (c, next) => {
    c.set('principal', undefined);
    c.set('authError', undefined);
    const header = c.req.header('authorization');
    if (header !== undefined) {
      // A client that sent too many refused credentials is not even checked until its bucket refills.
      const address = clientAddress(c);
      const wait = deps.authFailures?.blockedFor(address);
      if (wait !== undefined) {
        throw new ApiError(429, `too many refused credentials from this address; retry in ${wait} s`, undefined, { 'Retry-After': String(wait) });
      }
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match) {
        c.set('authError', 'Authorization header must be "Bearer <token>"');
      } else if (looksLikeJwt(match[1])) {
        if (!deps.oidc) {
          c.set('authError', 'OIDC tokens are not accepted: this dashboard has no OIDC configuration');
        } else {
          const r = await deps.oidc.verify(match[1]);
          if (r.ok) {
            const id = r.identity;
            c.set('principal', { kind: 'oidc', role: 'ingest', services: id.services, actor: id.actor, rateKey: id.rateKey, label: id.actor, maySnapshot: id.maySnapshot });
          } else {
            c.set('authError', r.reason);
          }
        }
      } else {
        const t = await deps.store.verifyToken(match[1], now());
        if (t) {
          c.set('principal', {
            kind: 'token',
            role: t.role,
            services: t.services,
            actor: `token:${t.id} (${t.label})`,
            rateKey: `token:${t.id}`,
            tokenId: t.id,
            label: t.label,
          });
        } else {
          c.set('authError', 'unknown, revoked or expired token');
        }
      }
      if (c.get('authError') !== undefined) deps.authFailures?.fail(address);
    } else {
      const sessionId = getCookie(c, SESSION_COOKIE);
      if (sessionId) {
        const s = await deps.store.getSession(sessionId, now());
        if (s) {
          c.set('principal', {
            kind: 'session',
            role: s.role,
            services: s.services,
            actor: `session:${s.tokenId} (${s.label})`,
            rateKey: `token:${s.tokenId}`,
            tokenId: s.tokenId,
            label: s.label,
            csrf: s.csrf,
          });
        } else {
          c.set('authError', 'session expired; log in again');
        }
      }
    }
    await next();
  };
}

/**
 * Reading one service's scans and findings: viewers and admins, and also ingest credentials scoped
 * to that service — the engine builds a PR's baseline from them (`baseline: dashboard`) with the
 * same token or OIDC identity it uploads with.
 */
export function requireServiceRead(serviceOf: (c: Context<{ Variables: AuthVariables }>) => string | undefined): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const p = currentPrincipal(c);
    if (!roleAllows(p.role, 'viewer')) {
      const service = serviceOf(c);
      if (p.role !== 'ingest' || service === undefined || !mayIngestFor(p, service)) {
        throw new ApiError(
          403,
          service === undefined
            ? `this ${p.role} credential may only read one service at a time (add ?service=)`
            : `this ${p.role} credential may not read service "${service}"`,
        );
      }
    }
    await next();
  };
}

/**
 * 401 without (valid) credentials, 403 when the role is not enough. Session callers of unsafe
 * methods must also send the session's CSRF token in `X-CSRF-Token` (bearer callers need not:
 * a browser never attaches a bearer header by itself).
 */
export function requireRole(needed: Role): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const p = currentPrincipal(c);
    if (!roleAllows(p.role, needed)) {
      throw new ApiError(403, `this ${p.role} credential may not do this (needs ${needed})`);
    }
    if (p.kind === 'session' && !['GET', 'HEAD', 'OPTIONS'].includes(c.req.method)) {
      // The pages' comparison: in constant time, as the token is a secret of the session.
      if (!csrfTokensMatch(p.csrf, c.req.header('x-csrf-token'))) {
        throw new ApiError(403, 'missing or wrong X-CSRF-Token header');
      }
    }
    await next();
  };
}

/** The caller, or a 401 naming why credentials were refused. */
export function currentPrincipal(c: Context<{ Variables: AuthVariables }>): Principal {
  const p = c.get('principal');
  if (!p) {
    c.header('WWW-Authenticate', 'Bearer realm="gatehouse"');
    throw new ApiError(401, c.get('authError') ?? 'authentication required: send "Authorization: Bearer <token>"');
  }
  return p;
}
