// The dashboard's hono app: security headers, authentication (one principal per request, for the
// API and the pages alike), the JSON API under /api/v1 and the server-rendered pages at /.
// No side effects at import: server.ts (or a test) opens the store and passes it in.
import { totalmem } from 'node:os';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { createAdminRoutes } from './api/admin.js';
import { createIngestRoutes } from './api/ingest.js';
import { createScanCheckRoutes } from './api/scan-check.js';
import { createReadRoutes } from './api/read.js';
import { createTriageRoutes } from './api/triage.js';
import { authenticate } from './auth/principal.js';
import { createFailureThrottle } from './auth/failure-throttle.js';
import { dashboardSecurityHeaders } from './auth/security-headers.js';
import type { AppDeps, AppEnv, RouteDeps } from './deps.js';
import { ApiError, type ErrorBody } from './http-error.js';
import { buildOpenApiDocument } from './openapi.js';
import { createPageRoutes } from './pages/routes.js';
import { databaseProblem, isDatabaseUnavailable } from './store/errors.js';
import { cacheBudgetFor } from './cache-budget.js';
import { OVERVIEW_BUCKET_MS } from './cached-reads.js';
import { PageWarmer, START_UP_RETRY_MS, WARM_FILL_MAX, WARM_MOVED_MAX } from './page-warmer.js';
import { VersionedCache } from './version-cache.js';

/** Liveness and readiness probes (outside /api/v1). */
const PROBE_PATHS = new Set(['/healthz', '/readyz']);

export function createApp(appDeps: AppDeps): Hono<AppEnv> {
  const { warmPagesOnStart, cachePages, pageWarmer, cacheBytes, ...rest } = appDeps;
  const cache = cachePages === false ? undefined : new VersionedCache(cacheBytes);
  const deps: RouteDeps = {
    ...rest,
    now: appDeps.now ?? (() => new Date()),
    cache,
    warmer: cache ? (pageWarmer ?? new PageWarmer(appDeps.logger)) : undefined,
  };
  const app = new Hono<AppEnv>();
  // One throttle for the API's bearer credentials and the login form: guessing through either counts.
  const authFailures = createFailureThrottle(deps.config.authFailureLimit);
  // Requests in flight: pages are rendered ahead only while there are none (page-warmer.ts).
  const warmer = deps.warmer;
  // The last request's objects (its context, request, response, socket) stay reachable until the
  // next request ends. V8's optimized code of the request path depends on the shapes of those
  // objects, held only weakly: a major GC while no request is alive (work ahead for minutes after a
  // start) frees the last of them, and V8 throws that code away ("weak objects" deopts), so the next
  // few thousand requests ran unoptimized at twice the CPU. One request's objects keep it.
  const lastRequest: { context?: unknown } = {};
  app.use('*', async (c, next) => {
    try {
      await next();
    } finally {
      lastRequest.context = c;
    }
  });
  if (warmer && cache) {
    // Work ahead in bulk stops short of the cache's budget: it never evicts what it just warmed. The
    // budget grows with the services it finds, unless the operator set one.
    warmer.setCacheMeter({
      stored: () => cache.storedBytes,
      held: () => cache.heldBytes,
      budget: () => cache.budgetBytes,
      fit: cacheBytes === undefined ? (services) => cache.grow(cacheBudgetFor(services, WARM_FILL_MAX, totalmem())) : undefined,
    });
    app.use('*', async (c, next) => {
      // A balancer's probes are no traffic: counted, a probe every ~200 ms would leave the work ahead
      // on start no quiet moment, and the readiness it waits for would come many times later.
      if (PROBE_PATHS.has(c.req.path)) return next();
      const ticket = warmer.requestStarted();
      try {
        await next();
      } finally {
        warmer.requestEnded(ticket);
      }
    });
  }
  app.use('*', dashboardSecurityHeaders({ tls: deps.config.tls }));
  // The probes answer before any middleware that reads the database (credentials, the triage
  // sweep): a database outage must not fail liveness (an orchestrator would restart a process that
  // recovers by itself once the database is back), and readiness says why it is not ready.
  app.get('/healthz', (c) => c.json({ ok: true }));
  // Ready once the work ahead on start is done: behind a balancer, a new process gets traffic when
  // its pages are rendered, not while each first visit renders one (about 4 ms of CPU apiece). And
  // while the database answers (the data version: one small read, shared by the requests in flight).
  // Said in the log when the database stops and starts answering the probe (not at every probe).
  // Not ready either when the start-up work could not render the overview (it reads every service):
  // a rolling deploy of a version that cannot render stops at its first process instead of
  // replacing those that work.
  let databaseDownSaid = false;
  app.get('/readyz', async (c) => {
    try {
      await deps.store.dataVersion();
      if (databaseDownSaid) deps.logger.info('readiness: the database answers again');
      databaseDownSaid = false;
    } catch (err) {
      if (!databaseDownSaid) deps.logger.warning(`readiness: the database does not answer (${databaseProblem(err)})`);
      databaseDownSaid = true;
      return c.json({ ready: false, reason: 'the database does not answer' }, 503, { 'Retry-After': '5' });
    }
    const progress = warmer?.startUpProgress() ?? { done: true, warmed: 0 };
    if (progress.failed) {
      // Not ready while the overview cannot be rendered (the log says why): a probe tries it again now and then.
      warmer!.retryStartUp();
      return c.json({ ready: false, reason: `the overview page could not be rendered on start (the log says why); a probe tries it again, after ${START_UP_RETRY_MS / 1000} s, then less and less often` }, 503, { 'Retry-After': '5' });
    }
    if (progress.done) return c.json({ ready: true });
    return c.json({ ready: false, warmed: progress.warmed, ...(progress.services === undefined ? {} : { services: progress.services }) }, 503, { 'Retry-After': '5' });
  });
  // No name, id, fingerprint or filter of the dashboard holds a NUL, and PostgreSQL cannot compare
  // text with one (the query fails): such a URL is refused alike on both backends (store/text.ts).
  app.use('*', async (c, next) => {
    if (c.req.url.includes('%00')) throw new ApiError(400, 'the URL holds a NUL character (%00)');
    await next();
  });
  app.use('*', authenticate({ ...deps, authFailures }));
  // Acceptances past their date end (history, audit, data version) at most once a minute, before
  // the request reads anything; reads never apply an expired one meanwhile.
  let nextSweep = 0;
  app.use('*', async (_c, next) => {
    const at = deps.now();
    warmer?.clockSeen(at);
    if (at.getTime() >= nextSweep) {
      nextSweep = at.getTime() + 60_000;
      try {
        await deps.store.expireTriage(at);
      } catch (err) {
        nextSweep = 0;
        deps.logger.warning(`expiring triage decisions failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    await next();
  });

  const api = new Hono<AppEnv>();
  // API answers hold findings, tokens and counts: no shared or browser cache keeps them, unless a
  // route says otherwise (the badge).
  api.use('*', async (c, next) => {
    // Set before the route builds its response (a route's own Cache-Control replaces it): set on a
    // finished response, hono copies it into a streamed Response, several times the cost of a
    // cached answer (docs/dashboard.md "Speed"). After: for responses built without it.
    c.header('Cache-Control', 'no-store');
    await next();
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
  });
  const openApi = JSON.stringify(buildOpenApiDocument({ publicBadges: deps.config.publicBadges }));
  api.get('/openapi.json', (c) => c.body(openApi, 200, { 'Content-Type': 'application/json; charset=UTF-8' }));
  api.route('/', createIngestRoutes(deps));
  api.route('/', createScanCheckRoutes(deps));
  api.route('/', createReadRoutes(deps));
  api.route('/', createTriageRoutes(deps));
  api.route('/admin', createAdminRoutes(deps));
  api.all('*', () => {
    throw new ApiError(404, 'no such API endpoint');
  });
  app.route('/api/v1', api);

  // The server-rendered pages: everything outside /api/v1.
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
    // A database that does not answer now is no bug of the request's: 503, retry later (the push
    // and the action's clients retry; /readyz says it to a balancer), one warning line, no stack.
    if (isDatabaseUnavailable(err)) {
      deps.logger.warning(`${c.req.method} ${c.req.path}: the database does not answer (${databaseProblem(err)})`);
      return c.json({ error: 'the database does not answer; retry shortly' } satisfies ErrorBody, 503, { 'Retry-After': '5' });
    }
    deps.logger.error(`${c.req.method} ${c.req.path}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return c.json({ error: 'internal error' } satisfies ErrorBody, 500);
  });
  if (warmPagesOnStart) {
    deps.warmer?.warmAll(warmPagesOnStart);
    // The posture answers computed ahead end today: when the day turns, today's are computed ahead.
    deps.warmer?.followDays(deps.now, warmPagesOnStart);
    // The overview's rows and the week follow a 5-minute period: each period's are computed ahead,
    // so the first visit after a quiet night does not wait for them. (A process without work ahead
    // on start, warmPagesOnStart 0, has none on a clock either: tests, a bench's cold server.)
    deps.warmer?.followPeriods(deps.now, OVERVIEW_BUCKET_MS);
  }
  // Services whose data version moved (an ingest or triage change, in any process sharing the store,
  // as a version read finds it): their default pages, their polled API answers and the overview are
  // rendered ahead here too, and no other service's.
  if (warmer) deps.store.onServicesMoved((names) => warmer.afterIngest(names.slice(0, WARM_MOVED_MAX)));
  app.notFound((c) => c.json({ error: `not found: ${c.req.path}` } satisfies ErrorBody, 404));
  return app;
}
