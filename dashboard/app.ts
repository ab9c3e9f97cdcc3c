// The dashboard's hono app: security headers, authentication, the JSON API under /api/v1 and the
// server-rendered pages (dashboard/pages, mounted at /). No side effects at import: server.ts
// (or a test) builds the store and passes it in.
//
// For the pages: `AppEnv` gives `c.get('principal')` (set by `authenticate` from a bearer token or
// the session cookie, see auth/principal.ts and auth/session.ts) on every route.
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from '../src/logger.js';
import { createAdminRoutes } from './api/admin.js';
import { ApiError, type ErrorBody } from './api/errors.js';
import { createIngestRoutes } from './api/ingest.js';
import { createReadRoutes } from './api/read.js';
import { createFailureThrottle, DEFAULT_AUTH_FAILURE_LIMIT } from './auth/failure-throttle.js';
import type { OidcVerifier } from './auth/oidc.js';
import { authenticate, type AuthVariables } from './auth/principal.js';
import type { RateLimitOptions } from './auth/rate-limit.js';
import { dashboardSecurityHeaders } from './auth/security-headers.js';
import { buildOpenApiDocument } from './openapi.js';
import type { Store } from './store/types.js';
import { createPageRoutes } from './pages/routes.js';

export interface DashboardConfig {
  /** Served over TLS by this process: HSTS header and Secure cookies. */
  tls: boolean;
  /** Largest accepted ingest body. */
  bodyLimitBytes: number;
  /** Uploads per token (or per OIDC repository). */
  ingestRateLimit: RateLimitOptions;
  /** Badges readable without a credential (to embed in READMEs). */
  publicBadges: boolean;
  /** Failed logins and refused bearer credentials per client address, before 429s. */
  authFailureLimit: RateLimitOptions;
}

export const DEFAULT_DASHBOARD_CONFIG: DashboardConfig = {
  tls: false,
  bodyLimitBytes: 32 * 1024 * 1024,
  ingestRateLimit: { perMinute: 120, burst: 120 },
  publicBadges: false,
  authFailureLimit: DEFAULT_AUTH_FAILURE_LIMIT,
};

export interface AppDeps {
  store: Store;
  config: DashboardConfig;
  logger: Logger;
  /** GitHub Actions OIDC verification; without it OIDC tokens are refused. */
  oidc?: OidcVerifier;
}

export type AppEnv = { Variables: AuthVariables };

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // One throttle for the API's bearer credentials and the login form: guessing through either counts.
  const authFailures = createFailureThrottle(deps.config.authFailureLimit);
  app.use('*', dashboardSecurityHeaders({ tls: deps.config.tls }));
  app.use('*', authenticate({ ...deps, authFailures }));

  app.get('/healthz', (c) => c.json({ ok: true }));

  const api = new Hono<AppEnv>();
  // API answers hold findings, tokens and counts: no shared or browser cache keeps them, unless a
  // route says otherwise (the badge).
  api.use('*', async (c, next) => {
    await next();
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
  });
  const openApi = JSON.stringify(buildOpenApiDocument({ publicBadges: deps.config.publicBadges }));
  api.get('/openapi.json', (c) => c.body(openApi, 200, { 'Content-Type': 'application/json; charset=UTF-8' }));
  api.route('/', createIngestRoutes(deps));
  api.route('/', createReadRoutes(deps));
  api.route('/admin', createAdminRoutes(deps));
  api.all('*', () => {
    throw new ApiError(404, 'no such API endpoint');
  });
  app.route('/api/v1', api);

  // The server-rendered pages (dashboard/pages, the pages engineer's): everything outside /api/v1.
  app.route('/', createPageRoutes({ ...deps, authFailures }));

  app.onError((err, c) => {
    if (err instanceof HTTPException) {
      const body: ErrorBody = { error: err.message || 'request failed' };
      if (err instanceof ApiError) {
        if (err.field) body.field = err.field;
        for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
      }
      return c.json(body, err.status);
    }
    deps.logger.error(`${c.req.method} ${c.req.path}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return c.json({ error: 'internal error' } satisfies ErrorBody, 500);
  });
  app.notFound((c) => c.json({ error: `not found: ${c.req.path}` } satisfies ErrorBody, 404));
  return app;
}
