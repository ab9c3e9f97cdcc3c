// The read API (viewer or admin): services, posture series, findings, exports, the badge.
import { gunzipSync } from 'node:zlib';
import { Hono, type Context } from 'hono';
import type { z } from 'zod';
import type { FindingsExportSchema, ScansResponseSchema } from '../../src/report/read-api.js';
import { requireRole, requireServiceRead } from '../auth/principal.js';
import { backgroundOf, cachedOverview, overviewPeriod } from '../cached-reads.js';
import { findingsAnswer, gzipAsync, gzippedAnswer, pollAnswersAhead, postureAnswer, postureWindow, serviceAnswer, type JsonAnswer } from './answers.js';
import type { AppEnv, RouteDeps } from '../deps.js';
import { ApiError } from '../http-error.js';
import { dayOf, daysBetween } from '../store/days.js';
import type { ReadStore } from '../store/types.js';
import { badgeMessage, renderBadge } from './badge.js';
import { findingsToCsv } from './csv.js';
import {
  ExportQuerySchema,
  FindingQuerySchema,
  LimitQuerySchema,
  parseQuery,
  PostureQuerySchema,
  toFindingFilter,
  WeekQuerySchema,
} from './query.js';
import { readWeek } from '../week-read.js';
import { acceptsGzip } from '../accept-encoding.js';
import { ownedBytes } from '../owned-bytes.js';
import { etagMatches, weakEtagOf } from './etag.js';
import { servicesResponse } from './services-list.js';

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=UTF-8', Vary: 'Accept-Encoding' };
const MAX_POSTURE_DAYS = 3660;

export function createReadRoutes(deps: Pick<RouteDeps, 'config' | 'now' | 'cache' | 'warmer'> & { store: ReadStore }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { store, cache } = deps;
  const viewer = requireRole('viewer');

  /** A JSON answer (answers.ts: the cache step shared with the answers computed ahead), gzipped or not as the client accepts. */
  const cachedJson = async <Answer>(c: Context<AppEnv>, answer: JsonAnswer<Answer>): Promise<Response> => {
    const gz = await gzippedAnswer(deps, answer);
    if (acceptsGzip(c.req.header('accept-encoding'))) {
      return c.body(gz as Uint8Array<ArrayBuffer>, 200, { ...JSON_HEADERS, 'Content-Encoding': 'gzip' });
    }
    return c.body(gunzipSync(gz) as Uint8Array<ArrayBuffer>, 200, JSON_HEADERS);
  };
  // What the page warmer computes ahead for a service (after its ingest, on start, when the day turns).
  deps.warmer?.setAnswerTarget((name) => pollAnswersAhead({ ...deps, store }, name));

  /**
   * Hundreds of services with their trends are hundreds of KB of JSON; serialize and gzip it once
   * per version and 5 minutes (the overview's own period; the previous period's answer is served
   * while this one's is built in the background), not once per poll. Gzip on the thread pool.
   * `fresh`: this period's, built now when the cache holds an older one.
   */
  const servicesBody = async (at: Date, fresh = false) => {
    const version = await store.dataVersion();
    const build = async () => {
      const json = JSON.stringify(servicesResponse(await cachedOverview(deps, at, version, true), at));
      const gzip = ownedBytes(await gzipAsync(json));
      return { json, gzip, etag: weakEtagOf(gzip) };
    };
    return cache
      ? cache.getAging('api|services', version, overviewPeriod(at), build, { size: (b) => b.json.length + b.gzip.length, maxLag: fresh ? 0 : 1, schedule: backgroundOf(deps, true) })
      : build();
  };
  // When the period turns, this period's answer is built ahead: a poll after hours of quiet finds it.
  deps.warmer?.setPeriodTarget('api|services', async () => void (await servicesBody(deps.now(), true)));

  app.get('/services', viewer, async (c) => {
    const body = await servicesBody(deps.now());
    // A client polling the overview sends back the ETag it has: while the answer is the same, 304
    // and no body (the answer is ~400 bytes of JSON a service).
    if (etagMatches(c.req.header('if-none-match'), body.etag)) return c.body(null, 304, { ETag: body.etag, Vary: 'Accept-Encoding' });
    if (acceptsGzip(c.req.header('accept-encoding'))) {
      return c.body(body.gzip as Uint8Array<ArrayBuffer>, 200, { ...JSON_HEADERS, 'Content-Encoding': 'gzip', ETag: body.etag });
    }
    return c.body(body.json, 200, { ...JSON_HEADERS, ETag: body.etag });
  });

  app.get('/services/:name', viewer, async (c) => {
    const name = c.req.param('name');
    return cachedJson(c, serviceAnswer(store, name, deps.now()));
  });

  app.get('/services/:name/posture', viewer, async (c) => {
    const name = c.req.param('name');
    const q = parseQuery(PostureQuerySchema, c.req.query());
    const at = deps.now();
    const { from, to } = postureWindow(q, at);
    if (from > to) throw new ApiError(400, `invalid query: from (${from}) is after to (${to})`, 'from');
    if (daysBetween(from, to) >= MAX_POSTURE_DAYS) {
      throw new ApiError(400, `invalid query: at most ${MAX_POSTURE_DAYS} days per request`, 'from');
    }
    // No hasService first: services are never deleted, so a cached answer's service exists; a miss's
    // one statement finds an unknown name (a 404, and nothing is kept for it).
    return cachedJson(c, postureAnswer(store, name, { from, to }, dayOf(at.toISOString())));
  });

  app.get('/services/:name/scans', requireServiceRead((c) => c.req.param('name')), async (c) => {
    const name = c.req.param('name');
    const q = parseQuery(LimitQuerySchema, c.req.query());
    if (!(await store.hasService(name))) throw new ApiError(404, `no service "${name}"`, 'name');
    const answer: z.infer<typeof ScansResponseSchema> = { scans: await store.listScans(name, q.limit) };
    return c.json(answer);
  });

  app.get('/week', viewer, async (c) => {
    const q = parseQuery(WeekQuerySchema, c.req.query());
    return c.json(await readWeek(deps, deps.now(), q.days, q.limit));
  });

  app.get('/findings', requireServiceRead((c) => c.req.query('service')), async (c) => {
    const q = parseQuery(FindingQuerySchema, c.req.query());
    return cachedJson(c, findingsAnswer(store, q, deps.now()));
  });

  app.get('/findings/:service/:fingerprint', viewer, async (c) => {
    const { service, fingerprint } = c.req.param();
    const detail = await store.getFinding(service, fingerprint, deps.now());
    if (!detail) throw new ApiError(404, `no finding ${fingerprint} in service "${service}"`, 'fingerprint');
    return c.json(detail);
  });

  app.get('/vulnerabilities/:id', viewer, async (c) => {
    const id = c.req.param('id');
    const answer = await store.findVulnerability(id, deps.now());
    if (!answer) throw new ApiError(400, 'not a vulnerability id (expected e.g. CVE-2021-44228, GHSA-jfh8-c2jp-5v3q, GO-2022-0001)', 'id');
    return c.json(answer);
  });

  app.get('/export/findings.csv', viewer, async (c) => {
    const q = parseQuery(ExportQuerySchema, c.req.query());
    const { items, total } = await store.listFindings(toFindingFilter(q), deps.now());
    return c.body(findingsToCsv(items), 200, {
      'Content-Type': 'text/csv; charset=UTF-8',
      'Content-Disposition': 'attachment; filename="gatehouse-findings.csv"',
      'X-Total-Count': String(total),
    });
  });

  app.get('/export/findings.json', viewer, async (c) => {
    const q = parseQuery(ExportQuerySchema, c.req.query());
    const at = deps.now();
    const { items, total } = await store.listFindings(toFindingFilter(q), at);
    c.header('Content-Disposition', 'attachment; filename="gatehouse-findings.json"');
    const answer: z.infer<typeof FindingsExportSchema> = { generatedAt: at.toISOString(), total, count: items.length, items };
    return c.json(answer);
  });

  // Badges are public when `publicBadges` is set (to embed in READMEs, which GitHub fetches
  // anonymously); otherwise a viewer credential is needed like the rest of the read API.
  app.get(
    '/badge/:file{[^/]+\\.svg}',
    deps.config.publicBadges ? (_c, next) => next() : viewer,
    async (c) => {
      const name = c.req.param('file').slice(0, -'.svg'.length);
      const at = deps.now();
      // One service's figures, cached under its version for the overview's 5-minute period: another
      // service's ingest leaves it cached (a miss throws: unknown names are not kept).
      const read = async () => {
        const service = await store.getService(name, at);
        if (!service) throw new ApiError(404, `no service "${name}"`, 'name');
        return badgeMessage(service);
      };
      const { message, color } = cache ? await cache.get(`badge|${name}|${Math.floor(at.getTime() / 300_000)}`, await store.serviceVersion(name), read, () => 256) : await read();
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
