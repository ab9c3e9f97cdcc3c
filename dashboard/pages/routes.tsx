// The server-rendered pages as one hono sub-app: overview, service, finding, login/logout and admin,
// plus the stylesheet. dashboard/app.ts mounts it with `app.route('/', createPageRoutes(deps))`.
// Pages need a viewer or admin session (else a redirect to /login); every POST checks the CSRF token
// and the Origin. No inline script or style anywhere, so the CSP below holds.
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { Hono, type Context } from 'hono';
import { raw } from 'hono/html';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { CategorySchema, SeveritySchema } from '../../src/findings/finding.js';
import { isServiceName, SERVICE_NAME_RULE } from '../../src/report/service-name.js';
import { densifySeries } from '../components/charts.js';
import { hasInvisibleText, neutraliseInvisibleText } from '../components/invisible-text.js';
import { Layout, type ViewerInfo } from '../components/layout.js';
import { clientAddress, createFailureThrottle, type FailureThrottle } from '../auth/failure-throttle.js';
import {
  clearLoginNonce,
  clearSessionCookie,
  csrfTokensMatch,
  isSameOriginPost,
  issueLoginNonce,
  loadSession,
  readLoginNonce,
  setSessionCookie,
  type PageEnv,
  type PageSession,
  type SessionOptions,
} from '../session/session.js';
import { STALE_AFTER_DAYS, type Store } from '../store/types.js';
import { AdminPage, type AdminPageProps } from './admin.js';
import { FindingPage } from './finding.js';
import { LoginPage, MessagePage } from './login.js';
import { OVERVIEW_PAGE_SIZE, OverviewContent } from './overview.js';
import { RenderCache } from './render-cache.js';
import { CHART_WINDOWS, DEFAULT_CHART_DAYS, FINDING_STATES, ServiceContent } from './service.js';
import { FINDING_SORTS, OVERVIEW_SORTS } from './view-models.js';

/** A subset of app.ts `AppDeps`, so `createPageRoutes(deps)` takes the app's deps as they are. */
export interface PageDeps {
  store: Store;
  /** `tls`: served over TLS (or behind an HTTPS proxy): cookies get Secure. */
  config?: { tls: boolean };
  /** Extra origins allowed to POST forms (e.g. the public https URL behind a proxy). */
  allowedOrigins?: string[];
  /** Clock for pages (ages, SLA); tests pin it. */
  now?: () => Date;
  /** Keep rendered overview/service bodies until the data changes (default true). */
  cachePages?: boolean;
  /** Shared with the API's bearer check (app.ts); default: a throttle of the pages' own. */
  authFailures?: FailureThrottle;
}

export const FINDINGS_PAGE_SIZE = 200;

/** Where a cached page's content goes in its viewer's frame (a constant, never from data). */
const CONTENT_SLOT = '<!--gatehouse:content-->';
const gzipAsync = promisify(gzip);


const OverviewQuery = z.object({
  sort: z.enum(OVERVIEW_SORTS).default('critical'),
  dir: z.enum(['asc', 'desc']).default('desc'),
  q: z.preprocess((v) => (typeof v === 'string' ? v.trim() || undefined : v), z.string().max(100).optional()),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});

// An empty select ("all") arrives as "" and means no filter.
const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);
const ServiceQuery = z.object({
  state: z.preprocess(blankToUndefined, z.enum(FINDING_STATES).default('open')),
  severity: z.preprocess(blankToUndefined, SeveritySchema.optional()),
  category: z.preprocess(blankToUndefined, CategorySchema.optional()),
  tool: z.preprocess(blankToUndefined, z.string().max(100).optional()),
  sort: z.enum(FINDING_SORTS).default('severity'),
  dir: z.enum(['asc', 'desc']).default('desc'),
  days: z.coerce
    .number()
    .refine((d) => (CHART_WINDOWS as readonly number[]).includes(d), { message: `one of ${CHART_WINDOWS.join(', ')}` })
    .default(DEFAULT_CHART_DAYS),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});

const CreateTokenForm = z.object({
  label: z.string().trim().min(1, 'a label is required').max(100),
  role: z.enum(['admin', 'viewer', 'ingest']),
  services: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(/[,\s]+/)
        .map((x) => x.trim())
        .filter(Boolean),
    ),
  expiresInDays: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(3650).optional()),
}).superRefine((form, ctx) => {
  // Same rule as the API (api/admin.ts): only ingest tokens are scoped; never drop a scope silently.
  if (form.role !== 'ingest' && form.services.length > 0) {
    ctx.addIssue({ code: 'custom', path: ['services'], message: `only ingest tokens are scoped to services; a ${form.role} token reads every service (leave services empty)` });
  }
  for (const name of form.services) {
    if (!isServiceName(name)) ctx.addIssue({ code: 'custom', path: ['services'], message: `"${name.slice(0, 40)}" is not a service name (${SERVICE_NAME_RULE})` });
  }
});

export function createPageRoutes(deps: PageDeps): Hono<PageEnv> {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());
  const opts: SessionOptions = { secureCookies: deps.config?.tls ?? false, allowedOrigins: deps.allowedOrigins ?? [], now };
  const app = new Hono<PageEnv>();
  const authFailures = deps.authFailures ?? createFailureThrottle();
  // Read once per app (not at import): two small files, served from 'self' (the CSP allows nothing else).
  const STYLESHEET = readFileSync(new URL('../static/dashboard.css', import.meta.url), 'utf8');
  const FAVICON = readFileSync(new URL('../static/favicon.svg', import.meta.url), 'utf8');
  // Two caches (see render-cache.ts): the page content, the same for every viewer, and the finished
  // page (frame with the viewer's name and CSRF token + content) gzipped, per viewer.
  const contentCache = deps.cachePages === false ? undefined : new RenderCache<string>();
  const gzipCache = deps.cachePages === false ? undefined : new RenderCache<Buffer>(16 * 1024 * 1024);
  /**
   * A page with cached content (same data version and minute): from the gzip cache when the client
   * accepts gzip (every browser does), else assembled from the cached content. The body is sent as
   * bytes: a string body is scanned and UTF-8 encoded again on every request (half a megabyte for
   * the overview of 500 services).
   */
  const cachedPage = async (c: Context<PageEnv>, key: string, title: string, at: Date, render: () => unknown): Promise<Response> => {
    const slot = `${key}|${Math.floor(at.getTime() / 60_000)}`;
    const version = store.dataVersion();
    const renderContent = async () => String(await (render() as Promise<unknown> | string));
    const viewer = viewerOf(c);
    const page = async () => {
      const [head, tail] = String(await (<Layout title={title} viewer={viewer} active="overview">{raw(CONTENT_SLOT)}</Layout>)).split(CONTENT_SLOT);
      // `content` is our own JSX output, already escaped.
      const content = contentCache ? await contentCache.get(slot, version, renderContent) : await renderContent();
      return neutraliseInvisibleText(head + content + tail);
    };
    if (!gzipCache) return c.html(await page());
    const headers = { 'Content-Type': 'text/html; charset=UTF-8', Vary: 'Accept-Encoding' };
    if (acceptsGzip(c.req.header('accept-encoding'))) {
      // The viewer frame is part of the key: names, roles and CSRF tokens never cross sessions.
      const frameKey = `${viewer.tokenId}|${viewer.csrfToken}`;
      // gzip runs on libuv's thread pool, so other requests go on meanwhile.
      const gz = await gzipCache.get(`${frameKey}|${slot}`, version, async () => gzipAsync(await page()));
      return c.body(gz as Uint8Array<ArrayBuffer>, 200, { ...headers, 'Content-Encoding': 'gzip' });
    }
    return c.body(Buffer.from(await page()) as Uint8Array<ArrayBuffer>, 200, headers);
  };

  app.get('/static/dashboard.css', (c) => {
    c.header('Content-Type', 'text/css; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=3600');
    c.header('X-Content-Type-Options', 'nosniff');
    return c.body(STYLESHEET);
  });
  app.get('/static/favicon.svg', (c) => {
    c.header('Content-Type', 'image/svg+xml; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=86400');
    return c.body(FAVICON);
  });
  app.get('/favicon.ico', (c) => c.redirect('/static/favicon.svg', 301));

  // CSP and the other security headers come from app.ts (auth/security-headers.ts) for every
  // response. Pages show findings and new tokens: never keep them in any cache.
  app.use('*', async (c, next) => {
    await next();
    if (!c.req.path.startsWith('/static/')) c.header('Cache-Control', 'no-store');
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

  app.use('*', loadSession(store, opts));
  // Forms are small; anything bigger is not ours.
  const formLimit = bodyLimit({ maxSize: 16 * 1024, onError: (cc) => cc.text('Form too large', 413) });
  app.use('*', async (c, next) => (c.req.method === 'POST' ? formLimit(c, next) : next()));

  // ---- login / logout ------------------------------------------------------------------------

  app.get('/login', (c) => {
    if (c.get('session')) return c.redirect('/', 303);
    const next = safeNext(c.req.query('next'));
    return c.html(<LoginPage csrf={issueLoginNonce(c, opts)} next={next} notice={c.req.query('bye') !== undefined ? 'Signed out.' : undefined} />);
  });

  app.post('/login', async (c) => {
    const form = await c.req.parseBody();
    const next = safeNext(typeof form.next === 'string' ? form.next : undefined);
    const origin = isSameOriginPost(c, opts);
    const nonceOk = csrfTokensMatch(readLoginNonce(c, opts), form._csrf);
    if (!origin.ok || !nonceOk) {
      c.status(403);
      const why = !origin.ok ? origin.reason : 'the form expired or was not sent from this page';
      return c.html(<LoginPage csrf={issueLoginNonce(c, opts)} next={next} error={`Sign-in refused: ${why}. Try again.`} />);
    }
    const address = clientAddress(c);
    const wait = authFailures.blockedFor(address);
    if (wait !== undefined) {
      c.status(429);
      c.header('Retry-After', String(wait));
      return c.html(<LoginPage csrf={issueLoginNonce(c, opts)} next={next} error={`Too many failed sign-ins from this address. Try again in ${wait} s.`} />);
    }
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    const info = token ? store.verifyToken(token, now()) : undefined;
    if (!info || info.role === 'ingest') {
      authFailures.fail(address);
      c.status(401);
      const error = info ? 'This is an ingest token: it uploads scans but cannot open the dashboard. Use a viewer or admin token.' : 'Unknown, revoked or expired token.';
      return c.html(<LoginPage csrf={issueLoginNonce(c, opts)} next={next} error={error} />);
    }
    const session = store.createSession(info.id, now());
    setSessionCookie(c, opts, session.id, session.expiresAt);
    clearLoginNonce(c, opts);
    store.addAudit(`token:${info.id} (${info.label})`, 'session.login', { role: info.role }, now());
    return c.redirect(next ?? '/', 303);
  });

  app.post('/logout', async (c) => {
    const session = c.get('session');
    if (session) {
      const form = await c.req.parseBody();
      const refusal = checkPost(c, session, form._csrf);
      if (refusal) return refusal;
      store.deleteSession(session.id);
    }
    clearSessionCookie(c, opts);
    return c.redirect('/login?bye', 303);
  });

  // ---- everything below needs a session ------------------------------------------------------

  app.use('*', async (c, next) => {
    if (c.get('session')) return next();
    if (c.req.method === 'GET' || c.req.method === 'HEAD') {
      const path = c.req.path + (new URL(c.req.url).search || '');
      return c.redirect(path === '/' ? '/login' : `/login?next=${encodeURIComponent(path)}`, 303);
    }
    c.status(401);
    return c.html(<MessagePage title="Signed out" message="Your session has ended. Sign in again." />);
  });

  app.get('/', async (c) => {
    const q = OverviewQuery.safeParse(c.req.query());
    if (!q.success) return badRequest(c, q.error);
    const at = now();
    const { sort, dir, q: filter, page } = q.data;
    return cachedPage(c, `overview|${JSON.stringify([sort, dir, filter, page])}`, 'Services', at, () => (
      <OverviewContent
        rows={store.listServiceOverview(at)}
        sort={sort}
        dir={dir}
        filter={filter}
        page={page}
        pageSize={OVERVIEW_PAGE_SIZE}
        now={at}
        staleAfterDays={STALE_AFTER_DAYS}
      />
    ));
  });

  app.get('/services/:name', async (c) => {
    const name = c.req.param('name');
    const q = ServiceQuery.safeParse(c.req.query());
    if (!q.success) return badRequest(c, q.error);
    const at = now();
    // The existence check is one indexed lookup; the service's figures are only read on a render.
    if (!store.hasService(name)) return notFound(c, `No service named “${name}”.`);
    const { state, severity, category, tool, sort, dir, days, page } = q.data;
    return cachedPage(c, `service|${JSON.stringify([name, q.data])}`, name, at, () => {
      const service = store.getService(name, at);
      if (!service) throw new Error(`service ${name} vanished while its page was rendered`);
      const to = at.toISOString().slice(0, 10);
      const from = new Date(at.getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
      const series = densifySeries(
        store.postureSeries(name, { from, to }).map((p) => ({ day: p.day, counts: p })),
        from,
        to,
      );
      const findings = store.listFindings(
        { service: name, severity, category, tool, state, sort, order: dir, limit: FINDINGS_PAGE_SIZE, offset: (page - 1) * FINDINGS_PAGE_SIZE },
        at,
      );
      const scans = store.listScans(name, 20);
      const tools = [...new Set([...scans.flatMap((s) => s.scanners.map((r) => r.tool)), ...findings.items.map((f) => f.tool), ...(tool ? [tool] : [])])].sort();
      return (
        <ServiceContent
          service={service}
          series={series}
          days={days}
          findings={findings.items}
          findingTotal={findings.total}
          page={page}
          pageSize={FINDINGS_PAGE_SIZE}
          filters={{ state, severity, category, tool }}
          tools={tools}
          sort={sort}
          dir={dir}
          scans={scans}
          sla={store.sla}
          now={at}
        />
      );
    });
  });

  app.get('/services/:name/findings/:fingerprint', (c) => {
    const at = now();
    const detail = store.getFinding(c.req.param('name'), c.req.param('fingerprint'), at);
    if (!detail) return notFound(c, `No finding ${c.req.param('fingerprint')} in service “${c.req.param('name')}”.`);
    return c.html(<FindingPage viewer={viewerOf(c)} detail={detail} sla={store.sla} now={at} />);
  });

  // ---- admin ---------------------------------------------------------------------------------

  app.use('/admin/*', adminOnly);
  app.use('/admin', adminOnly);

  const renderAdmin = (c: Context<PageEnv>, extra: Partial<AdminPageProps> = {}) =>
    c.html(<AdminPage viewer={viewerOf(c)} tokens={store.listTokens()} audit={store.listAudit(200)} now={now()} {...extra} />);

  app.get('/admin', (c) => {
    const revoked = c.req.query('revoked');
    return renderAdmin(c, revoked ? { notice: `Token ${revoked} revoked; its sessions have ended.` } : {});
  });

  app.post('/admin/tokens', async (c) => {
    const session = c.get('session')!;
    const form = await c.req.parseBody();
    const refusal = checkPost(c, session, form._csrf);
    if (refusal) return refusal;
    const parsed = CreateTokenForm.safeParse({
      label: form.label,
      role: form.role,
      services: typeof form.services === 'string' ? form.services : '',
      expiresInDays: form.expiresInDays,
    });
    if (!parsed.success) {
      c.status(400);
      return renderAdmin(c, { error: `Token not created: ${describeZodError(parsed.error)}` });
    }
    const { label, role, services, expiresInDays } = parsed.data;
    const at = now();
    const expiresAt = expiresInDays ? new Date(at.getTime() + expiresInDays * 86_400_000).toISOString() : undefined;
    const created = store.createToken({ label, role, services, expiresAt }, at);
    store.addAudit(actorName(session.tokenId, session.label), 'token.create', { id: created.id, label, role, services, expiresAt: expiresAt ?? null }, at);
    c.status(201);
    return renderAdmin(c, { created: { id: created.id, label, role, token: created.token } });
  });

  app.post('/admin/tokens/:id/revoke', async (c) => {
    const session = c.get('session')!;
    const form = await c.req.parseBody();
    const refusal = checkPost(c, session, form._csrf);
    if (refusal) return refusal;
    const id = c.req.param('id');
    const at = now();
    if (!store.revokeToken(id, at)) {
      c.status(404);
      return renderAdmin(c, { error: `No active token ${id}.` });
    }
    store.addAudit(actorName(session.tokenId, session.label), 'token.revoke', { id }, at);
    return c.redirect(`/admin?revoked=${encodeURIComponent(id)}`, 303);
  });

  // An HTML 404 for any other page path (app.ts answers unknown /api/v1 paths itself, earlier).
  app.get('*', (c) => notFound(c, `No page at ${c.req.path}.`));

  return app;

  // ---- helpers (closures over deps) ----------------------------------------------------------

  function checkPost(c: Context<PageEnv>, session: PageSession, given: unknown): Response | undefined {
    const origin = isSameOriginPost(c, opts);
    if (!origin.ok || !csrfTokensMatch(session.csrf, given)) {
      c.status(403);
      const why = !origin.ok ? origin.reason : 'missing or wrong CSRF token';
      return c.html(<MessagePage title="Request refused" message={`Form refused: ${why}. Reload the page and try again.`} viewer={viewerOf(c)} />) as unknown as Response;
    }
    return undefined;
  }
}

async function adminOnly(c: Context<PageEnv>, next: () => Promise<void>): Promise<Response | void> {
  if (c.get('session')?.role === 'admin') return next();
  c.status(403);
  return c.html(<MessagePage title="Admins only" message="This page needs an admin token." viewer={viewerOf(c)} />);
}

function viewerOf(c: Context<PageEnv>): ViewerInfo {
  const s = c.get('session')!;
  return { name: s.label, tokenId: s.tokenId, role: s.role, csrfToken: s.csrf };
}

function notFound(c: Context<PageEnv>, message: string) {
  c.status(404);
  const s = c.get('session');
  return c.html(<MessagePage title="Not found" message={message} viewer={s ? viewerOf(c) : undefined} />);
}

function badRequest(c: Context<PageEnv>, error: z.ZodError) {
  c.status(400);
  return c.html(<MessagePage title="Bad request" message={describeZodError(error)} viewer={viewerOf(c)} />);
}

function describeZodError(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
}

/** Whether an Accept-Encoding header allows gzip (`gzip` or `*`, without `;q=0`). */
export function acceptsGzip(header: string | undefined): boolean {
  for (const part of (header ?? '').split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== 'x-gzip' && coding !== '*') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (!q || Number(q.slice(2)) > 0) return true;
  }
  return false;
}

/**
 * Only same-site relative paths are followed after login (no open redirect). Browsers drop tab,
 * CR and LF from a URL before reading it (`/\t/evil.example` is `//evil.example`) and treat `\` as
 * `/`, and CR/LF cannot go in a Location header at all: a path with any control character,
 * whitespace or backslash is not followed.
 */
export function safeNext(next: string | undefined): string | undefined {
  if (!next || !next.startsWith('/') || next.length > 2000) return undefined;
  if (/[\u0000-\u0020\u007f-\u00a0\\\u2028\u2029\ufeff]/.test(next)) return undefined;
  if (next.startsWith('//')) return undefined;
  return next;
}

/** The audit actor for an admin acting through the pages (same form as auth/principal.ts). */
export function actorName(tokenId: string, label: string): string {
  return `session:${tokenId} (${label})`;
}
