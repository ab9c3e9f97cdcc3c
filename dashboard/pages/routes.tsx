// The server-rendered pages, mounted by app.ts at `/` after `authenticate` set the principal: six
// sub-apps — static files, login/logout, then behind a viewer, triager or admin session (else a
// redirect to /login) the read pages (view-routes), the finding and triage pages (triage-routes),
// the pull-request view (pulls), and admin. Every POST checks the CSRF token and the Origin. No inline script or style
// anywhere, so the CSP (auth/security-headers.ts) holds.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createFailureThrottle, type FailureThrottle } from '../auth/failure-throttle.js';
import type { SessionOptions } from '../auth/session.js';
import { hasInvisibleText, neutraliseInvisibleText } from '../components/invisible-text.js';
import type { AppEnv, RouteDeps } from '../deps.js';
import { createAdminPageRoutes } from './admin-routes.js';
import { notFound, pagePrincipal } from './context.js';
import { MessagePage } from './login.js';
import { createLoginRoutes } from './login-routes.js';
import { createStaticRoutes } from './static-routes.js';
import { createViewRoutes } from './view-routes.js';
import { createTriagePageRoutes } from './triage-routes.js';
import { createPullRequestPageRoutes } from './pulls.js';

/** `authFailures`: shared with the API's bearer check (app.ts); default: a throttle of the pages' own. */
export function createPageRoutes(deps: RouteDeps & { authFailures?: FailureThrottle }): Hono<AppEnv> {
  const opts: SessionOptions = { secureCookies: deps.config.tls, allowedOrigins: deps.allowedOrigins ?? [], now: deps.now };
  const app = new Hono<AppEnv>();
  app.route('/', createStaticRoutes());

  // Pages show findings and new tokens: never keep them in any cache.
  app.use('*', async (c, next) => {
    if (c.req.path.startsWith('/static/')) return next();
    // Before the page is built, so it goes into the response as made (fast to send; see app.ts),
    // and after, for a response built without it.
    c.header('Cache-Control', 'no-store');
    await next();
    if (c.res.headers.get('Cache-Control') !== 'no-store') c.header('Cache-Control', 'no-store');
  });
  // Bidi controls and zero-width characters from tool text become visible markers on every page
  // (cachedPage does it before caching; this covers the pages rendered per request).
  app.use('*', async (c, next) => {
    await next();
    const type = c.res.headers.get('Content-Type') ?? '';
    if (!type.startsWith('text/html') || c.res.headers.has('Content-Encoding')) return;
    const text = await c.res.clone().text();
    if (!hasInvisibleText(text)) return;
    const headers = new Headers(c.res.headers);
    headers.delete('Content-Length');
    const status = c.res.status;
    // Cleared first: assigning over a response merges the old one's headers back in.
    c.res = undefined;
    c.res = new Response(neutraliseInvisibleText(text), { status, headers });
  });
  // Forms are small; anything bigger is not ours.
  const formLimit = bodyLimit({ maxSize: 16 * 1024, onError: (cc) => cc.text('Form too large', 413) });
  app.use('*', async (c, next) => (c.req.method === 'POST' ? formLimit(c, next) : next()));

  app.route('/', createLoginRoutes(deps.store, opts, deps.authFailures ?? createFailureThrottle()));

  // Everything below needs a viewer or admin session.
  app.use('*', async (c, next) => {
    if (pagePrincipal(c)) return next();
    if (c.req.method === 'GET' || c.req.method === 'HEAD') {
      const path = c.req.path + (new URL(c.req.url).search || '');
      return c.redirect(path === '/' ? '/login' : `/login?next=${encodeURIComponent(path)}`, 303);
    }
    c.status(401);
    return c.html(<MessagePage title="Signed out" message="Your session has ended. Sign in again." />);
  });

  app.route('/', createViewRoutes(deps));
  app.route('/', createTriagePageRoutes(deps, opts));
  app.route('/', createPullRequestPageRoutes(deps));
  app.route('/admin', createAdminPageRoutes(deps.store, opts));

  // An HTML 404 for any other page path (app.ts answers unknown /api/v1 paths itself, earlier).
  app.get('*', (c) => notFound(c, `No page at ${c.req.path}.`));
  return app;
}
