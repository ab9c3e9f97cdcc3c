// The read API (viewer or admin): services, posture series, findings, exports, the badge.
import { gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app.js';
import { requireRole, requireServiceRead } from '../auth/principal.js';
import { addDays, dayOf, daysBetween } from '../store/days.js';
import type { ServiceOverview } from '../store/types.js';
import { badgeMessage, renderBadge } from './badge.js';
import { findingsToCsv } from './csv.js';
import { createResponseCache } from './response-cache.js';
import { ApiError } from './errors.js';
import {
  ExportQuerySchema,
  FindingQuerySchema,
  LimitQuerySchema,
  parseQuery,
  PostureQuerySchema,
  toFindingFilter,
} from './query.js';

const MAX_POSTURE_DAYS = 3660;
const DEFAULT_POSTURE_DAYS = 90;

export function createReadRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { store } = deps;
  const viewer = requireRole('viewer');

  // The overview is cached by the store per data version; its JSON is cached per overview object,
  // so 32 dashboards polling do not serialize 500 services each time.
  const overviewJson = new WeakMap<ServiceOverview[], { json: string; gzip: Buffer }>();
  const postureJson = createResponseCache(store);

  app.get('/services', viewer, (c) => {
    const services = store.listServiceOverview();
    let body = overviewJson.get(services);
    if (body === undefined) {
      // Hundreds of services with their trends are hundreds of KB of JSON; gzip it once per version.
      const json = JSON.stringify({ services });
      body = { json, gzip: gzipSync(json) };
      overviewJson.set(services, body);
    }
    const headers = { 'Content-Type': 'application/json; charset=UTF-8', Vary: 'Accept-Encoding' };
    if (/\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
      return c.body(body.gzip as Uint8Array<ArrayBuffer>, 200, { ...headers, 'Content-Encoding': 'gzip' });
    }
    return c.body(body.json, 200, headers);
  });

  app.get('/services/:name', viewer, (c) => {
    const name = c.req.param('name');
    const service = store.getService(name);
    if (!service) throw new ApiError(404, `no service "${name}"`, 'name');
    return c.json({ service, scans: store.listScans(name, 20) });
  });

  app.get('/services/:name/posture', viewer, (c) => {
    const name = c.req.param('name');
    const q = parseQuery(PostureQuerySchema, c.req.query());
    const to = q.to ?? dayOf(new Date().toISOString());
    const from = q.from ?? addDays(to, -(DEFAULT_POSTURE_DAYS - 1));
    if (from > to) throw new ApiError(400, `invalid query: from (${from}) is after to (${to})`, 'from');
    if (daysBetween(from, to) >= MAX_POSTURE_DAYS) {
      throw new ApiError(400, `invalid query: at most ${MAX_POSTURE_DAYS} days per request`, 'from');
    }
    if (!store.hasService(name)) throw new ApiError(404, `no service "${name}"`, 'name');
    const body = postureJson.get(`${name}\u0000${from}\u0000${to}`, () => ({ service: name, from, to, points: store.postureSeries(name, { from, to }) }));
    return c.body(body, 200, { 'Content-Type': 'application/json; charset=UTF-8' });
  });

  app.get('/services/:name/scans', requireServiceRead((c) => c.req.param('name')), (c) => {
    const name = c.req.param('name');
    const q = parseQuery(LimitQuerySchema, c.req.query());
    if (!store.hasService(name)) throw new ApiError(404, `no service "${name}"`, 'name');
    return c.json({ scans: store.listScans(name, q.limit) });
  });

  app.get('/findings', requireServiceRead((c) => c.req.query('service')), (c) => {
    const q = parseQuery(FindingQuerySchema, c.req.query());
    const { items, total } = store.listFindings(toFindingFilter(q));
    return c.json({ items, total, limit: q.limit, offset: q.offset });
  });

  app.get('/findings/:service/:fingerprint', viewer, (c) => {
    const { service, fingerprint } = c.req.param();
    const detail = store.getFinding(service, fingerprint);
    if (!detail) throw new ApiError(404, `no finding ${fingerprint} in service "${service}"`, 'fingerprint');
    return c.json(detail);
  });

  app.get('/export/findings.csv', viewer, (c) => {
    const q = parseQuery(ExportQuerySchema, c.req.query());
    const { items, total } = store.listFindings(toFindingFilter(q));
    return c.body(findingsToCsv(items), 200, {
      'Content-Type': 'text/csv; charset=UTF-8',
      'Content-Disposition': 'attachment; filename="gatehouse-findings.csv"',
      'X-Total-Count': String(total),
    });
  });

  app.get('/export/findings.json', viewer, (c) => {
    const q = parseQuery(ExportQuerySchema, c.req.query());
    const { items, total } = store.listFindings(toFindingFilter(q));
    c.header('Content-Disposition', 'attachment; filename="gatehouse-findings.json"');
    return c.json({ generatedAt: new Date().toISOString(), total, count: items.length, items });
  });

  // Badges are public when `publicBadges` is set (to embed in READMEs, which GitHub fetches
  // anonymously); otherwise a viewer credential is needed like the rest of the read API.
  app.get(
    '/badge/:file{[^/]+\\.svg}',
    deps.config.publicBadges ? (_c, next) => next() : viewer,
    (c) => {
      const name = c.req.param('file').slice(0, -'.svg'.length);
      const overview = store.listServiceOverview().find((s) => s.name === name);
      if (!overview) throw new ApiError(404, `no service "${name}"`, 'name');
      const { message, color } = badgeMessage(overview);
      return c.body(renderBadge(name, message, color), 200, {
        'Content-Type': 'image/svg+xml; charset=UTF-8',
        // Behind a credential the badge is per viewer: a shared cache must not hand it to others.
        'Cache-Control': deps.config.publicBadges ? 'public, max-age=300' : 'private, max-age=300',
        ...(deps.config.publicBadges ? { 'Cross-Origin-Resource-Policy': 'cross-origin' } : {}),
      });
    },
  );
  return app;
}
