// The read API's cached JSON answers: their cache keys, how each is computed, and the one step that
// reads the cache. Shared by the routes (read.ts) and the page warmer, which computes ahead the
// answers a dashboard client or a script polls for a service (pollAnswersAhead), so an answer
// computed ahead is the very entry a request hits: same key, same data version, same bytes.
import { promisify } from 'node:util';
import { constants, gzip, gzipSync } from 'node:zlib';
import { ownedBytes } from '../owned-bytes.js';
import { joinGzip, storedPiece } from '../gzip-join.js';
import type { z } from 'zod';
import { backgroundOf } from '../cached-reads.js';
import { CLOCK_LAG_MS, readClock, type ClockReading } from '../clock-reading.js';
import type { RouteDeps } from '../deps.js';
import { ApiError } from '../http-error.js';
import { CHART_WINDOWS } from '../chart-windows.js';
import { addDays, dayOf, daysBetween } from '../store/days.js';
import type { ReadStore } from '../store/types.js';
import type { FindingsResponseSchema, PostureResponseSchema, ServiceResponseSchema } from '../../src/report/read-api.js';
import {
  cutFromOpenFindings,
  KEPT_OPEN_FINDINGS_MAX,
  openFindingsCut,
  openFindingsSource,
  postureCut,
  posturePieces,
  sourceBytes,
  TOO_MANY_OPEN_FINDINGS,
  type OpenFindingsSource,
  type PostureSource,
  type TooManyOpenFindings,
} from './narrower-answers.js';
import { FindingQuerySchema, toFindingFilter } from './query.js';

export const gzipAsync = promisify(gzip);

export const DEFAULT_POSTURE_DAYS = 90;
/**
 * Posture windows computed ahead: the API's default and the longest chart the service page offers
 * (a client showing a service's chart asks for one of them).
 */
export const AHEAD_POSTURE_DAYS = [DEFAULT_POSTURE_DAYS, Math.max(...CHART_WINDOWS)];
/**
 * What the cache counts per answer besides its gzipped bytes: the Map entry, the key (~60
 * characters) and the Buffer object. A 90-day posture answer is ~800 bytes gzipped: counting
 * only those would let the many small answers computed ahead take more memory than the budget says.
 */
const ENTRY_OVERHEAD = 256;
/**
 * Answers up to this many characters are gzipped in this thread when a request waits for them:
 * through libuv's pool, the stream's setup and the hand-over (queue, wake-up, callback) cost this
 * thread more than the compression itself (a 180-day posture answer, 20 KB at level 1: ~0.05 ms in
 * this thread against ~0.1 ms of this thread's and more of the pool's), and the process more CPU
 * than the whole miss saves elsewhere. A longer answer (a page of 500 findings) goes to the pool:
 * it would hold this thread ~1 ms or more.
 */
export const WAITED_GZIP_MAX = 64 * 1024;

/**
 * Answers up to this many characters are gzipped as stored blocks, no compressor: a findings miss
 * is mostly an empty or short page (`{"items":[],"total":0,"limit":50,"offset":0}`), where setting
 * up zlib (a ~270 KB state, a 16 KiB output chunk) cost more than anything else of its gzip: median
 * ~80 against ~2 us for those 44 characters, 69 bytes instead of 64.
 */
export const STORED_GZIP_MAX = 512;

/** The gzip of an answer gzipped in this thread (up to WAITED_GZIP_MAX characters): stored up to STORED_GZIP_MAX, else zlib's at `level`. */
export function gzipInThread(text: string, level: number): Buffer {
  return text.length <= STORED_GZIP_MAX ? joinGzip([storedPiece(text)]) : gzipSync(text, { level });
}

export type FindingQuery = z.infer<typeof FindingQuerySchema>;
type ServiceResponse = z.infer<typeof ServiceResponseSchema>;
type PostureResponse = z.infer<typeof PostureResponseSchema>;
type FindingsResponse = z.infer<typeof FindingsResponseSchema>;

/** An answer already serialized (its parts written by the store): gzippedAnswer takes it as it is. */
export class JsonText {
  constructor(readonly text: string) {}
}

/** A posture answer's text: `prefix` (service, from, to) + `points` + `}` (what a cut of it needs apart). */
class PostureText extends JsonText {
  constructor(
    readonly prefix: string,
    readonly points: string,
  ) {
    super(`${prefix}${points}}`);
  }
}

/**
 * What narrower answers are cut from (narrower-answers.ts): a kept answer in pieces (a posture series),
 * or a service's open findings kept as rows under their own key (openFindingsKey), for any instant.
 */
export type CutSource = PostureSource | OpenFindingsSource | TooManyOpenFindings;

/** What the cache keeps for a JSON answer: its gzip, or a posture series in pieces (which holds it). */
export type KeptAnswer = Buffer | PostureSource;

/** The gzip a request gets of what the cache keeps for an answer. */
export const keptGzip = (kept: KeptAnswer): Buffer => (Buffer.isBuffer(kept) ? kept : kept.pieces.gzip);

/**
 * Answers the cache holds at the data version a computation reads (the version is read before the
 * data): what an answer may be cut from instead of reading the database (narrower-answers.ts).
 */
export interface KeptAnswers {
  /**
   * The answer kept under `key` as a cut source, if it is kept as one. One with ages only while it
   * is still true at the computation's instant; the computation's clock then notes when it turns (a
   * cut of it turns no later).
   */
  source(key: string): CutSource | undefined;
}

/**
 * One cacheable JSON answer of the read API; `Answer` the type its contract's schema infers
 * (src/report/read-api.ts), which a computed value must be (each compute declares it as its return
 * type too: TypeScript refuses a key the type lacks in a returned object literal only against a
 * declared one). An answer written as JSON text for speed (JsonText: a posture series the database
 * writes, a findings page cut from kept rows) is a string to the compiler: that it is the contract's
 * is what the contract test checks (test/dashboard/api/read-contract.test.ts).
 */
export interface JsonAnswer<Answer> {
  /** Its key in the app's cache. */
  key: string;
  /** The data version it shows (read before the data, so an answer is never older than its version). */
  version: () => Promise<number>;
  /**
   * The answer's value to serialize, or its finished JSON text. Answers with ages read the clock
   * through `clock` (a reading of `at`, new per computation) when given, else at `at`.
   */
  compute: (clock?: Date) => Promise<Answer | JsonText>;
  /**
   * The same answer cut from what the cache holds, if it holds it (else undefined: `compute` reads
   * the database): the same text as `compute` gives at the same version and instant, gzipped, or
   * its JSON text (gzipped then as a computed answer's: a long one on the thread pool).
   */
  cut?: (kept: KeptAnswers, clock: Date) => Buffer | JsonText | undefined;
  /**
   * For an answer others are cut from (computed as text): that text as a cut source (its gzip in
   * pieces), or undefined to keep it as one gzip. `level`: zlib's level of its pieces.
   */
  keep?: (text: JsonText, level: number) => PostureSource | undefined;
  /** Answers with ages (findings, service): the instant they are computed at. */
  at?: Date;
  /** zlib's level when not its default (6). */
  gzipLevel?: number;
}

/** The days a posture request asks for: `to` defaults to today, `from` to DEFAULT_POSTURE_DAYS before it. */
export function postureWindow(q: { from?: string; to?: string }, at: Date): { from: string; to: string } {
  const to = q.to ?? dayOf(at.toISOString());
  return { from: q.from ?? addDays(to, -(DEFAULT_POSTURE_DAYS - 1)), to };
}

/**
 * GET /services/:name/posture. The series of fixed days depends on the data only (no clock): one
 * answer per window and service version. Windows that end today carry today in their key, so after
 * the day turns a request for the default window is another key: yesterday's is never served as today's.
 */
export function postureAnswer(store: ReadStore, name: string, window: { from: string; to: string }, today?: string): JsonAnswer<PostureResponse> {
  const { from, to } = window;
  // The points spliced into what JSON.stringify({ service, from, to, points }) gives.
  const prefix = `{"service":${JSON.stringify(name)},"from":${JSON.stringify(from)},"to":${JSON.stringify(to)},"points":`;
  const key = postureKey(name, from, to);
  return {
    key,
    version: () => store.serviceVersion(name),
    compute: async () => {
      // The points as JSON text written by the database (a year of them as values cost more than
      // the rest of the request).
      const points = await store.postureJson(name, { from, to });
      if (points === undefined) throw new ApiError(404, `no service "${name}"`, 'name');
      return new PostureText(prefix, points);
    },
    // A window inside the longest one computed ahead (ending on `to` or today; it holds every shorter
    // one): its days cut from that answer's pieces, no database read (a miss's statement was most of its cost).
    cut: (kept) => {
      for (const end of today === undefined || today === to ? [to] : [to, today]) {
        const start = addDays(end, -(CUT_FROM_DAYS - 1));
        if (start > from || end < to) continue;
        const wideKey = postureKey(name, start, end);
        const source = wideKey === key ? undefined : kept.source(wideKey);
        const gzip = source?.kind === 'posture' ? postureCut(source, prefix, from, to) : undefined;
        if (gzip !== undefined) return gzip;
      }
      return undefined;
    },
    // That window is what others are cut from (kept in blocks of days).
    keep: (text, level) => (text instanceof PostureText && daysBetween(from, to) + 1 === CUT_FROM_DAYS ? posturePieces(prefix, text.points, to, level) : undefined),
    // Level 1: a year's 40 KB in a third of level 6's CPU (0.12 against 0.33 ms), 2.9 KB instead of 2.3.
    gzipLevel: 1,
  };
}

/** The posture window others are cut from: the longest computed ahead. */
const CUT_FROM_DAYS = Math.max(...AHEAD_POSTURE_DAYS);

const postureKey = (name: string, from: string, to: string) => `api|posture|${name}\u0000${from}\u0000${to}`;

/**
 * GET /services/:name: the service's own figures (ages, SLA breaches and the trend follow the clock:
 * the answer is kept until one of them changes, as the findings answer) and its last scans, one
 * answer per service version (another service's ingest leaves it cached). An unknown name throws a
 * 404, and nothing is kept for it.
 */
export function serviceAnswer(store: ReadStore, name: string, at: Date): JsonAnswer<ServiceResponse> {
  return {
    key: `api|service|${name}`,
    version: () => store.serviceVersion(name),
    compute: async (clock: Date = at): Promise<ServiceResponse> => {
      // Both reads at once (each on its own pooled connection on PostgreSQL): one round trip's wait.
      const [service, scans] = await Promise.all([store.getService(name, clock), store.listScans(name, 20)]);
      if (!service) throw new ApiError(404, `no service "${name}"`, 'name');
      return { service, scans };
    },
    at,
  };
}

/**
 * GET /findings. Ages, SLA breaches and triage decisions follow the clock: one answer per query and
 * data version, kept until one of its values changes (clock-reading.ts). Filtered to one service,
 * the answer is that service's own: its version, not the global one (the caller's right to read
 * the service is the route's check).
 */
export function findingsAnswer(store: ReadStore, q: FindingQuery, at: Date): JsonAnswer<FindingsResponse> {
  return {
    key: findingsKey(q),
    version: q.service === undefined ? () => store.dataVersion() : () => store.serviceVersion(q.service!),
    compute: async (clock: Date = at): Promise<FindingsResponse> => {
      const { items, total } = await store.listFindings(toFindingFilter(q), clock);
      return { items, total, limit: q.limit, offset: q.offset };
    },
    // One service's open findings by severity, filtered by severity, category or tool, any page of
    // them: cut from the service's open findings kept ahead (keepOpenFindings) at this instant.
    cut: (kept, clock) => {
      if (!cutFromOpenFindings(q)) return undefined;
      const source = kept.source(openFindingsKey(q.service!));
      const text = source?.kind === 'open-findings' ? openFindingsCut(source, q, clock, store.sla) : undefined;
      return text === undefined ? undefined : new JsonText(text);
    },
    at,
    // Level 1: a page of 50 rows (~25 KB) in about half of level 6's CPU, ~1.7 KB instead of ~1.5.
    gzipLevel: 1,
  };
}

const findingsKey = (q: FindingQuery) => `api|findings|${JSON.stringify(q)}`;
/** The key a service's open findings are kept under for cuts (keepOpenFindings); no answer's key. */
export const openFindingsKey = (service: string) => `open-findings|${service}`;
/** The read of a service's open findings kept for cuts: the default query's, as many rows as a page may hold. */
const openFindingsQuery = (service: string): FindingQuery => FindingQuerySchema.parse({ service, limit: KEPT_OPEN_FINDINGS_MAX });

/**
 * Keeps a service's open findings for cuts (narrower-answers.ts openFindingsSource) unless the
 * cache holds them at the service's current version: one read of up to KEPT_OPEN_FINDINGS_MAX
 * rows, kept until the service's data changes (not the clock: a cut computes the clocked fields at
 * its own instant). A service with more open findings keeps a marker: its pages go to the database.
 * A service that had more at its previous version is counted first (a one-row page's total), so
 * that each of its ingests does not read KEPT_OPEN_FINDINGS_MAX rows for nothing.
 * `pause`: work ahead lets the requests in flight go first before each step.
 */
export async function keepOpenFindings(deps: Pick<RouteDeps, 'cache' | 'now'>, store: ReadStore, name: string, pause: () => Promise<void>): Promise<void> {
  const { cache } = deps;
  if (!cache) return;
  const version = await store.serviceVersion(name);
  await cache.get<CutSource>(
    openFindingsKey(name),
    version,
    async () => {
      await pause();
      const at = deps.now();
      const query = openFindingsQuery(name);
      if (cache.peekAnyVersion<CutSource>(openFindingsKey(name))?.kind === TOO_MANY_OPEN_FINDINGS.kind) {
        const { total } = await store.listFindings(toFindingFilter({ ...query, limit: 1 }), at);
        if (total > KEPT_OPEN_FINDINGS_MAX) return TOO_MANY_OPEN_FINDINGS;
        await pause();
      }
      const page = await store.listFindings(toFindingFilter(query), at);
      await pause();
      return openFindingsSource(page, at.getTime(), 1) ?? TOO_MANY_OPEN_FINDINGS;
    },
    (kept) => sourceBytes(kept) + ENTRY_OVERHEAD,
  );
}

/**
 * The answer's JSON, gzipped: from the app's cache (until the data changes), or computed when
 * caching is off. Kept gzipped (a tenth of the memory; a miss a request waits for is gzipped in
 * this thread up to WAITED_GZIP_MAX, anything else on libuv's thread pool). Answers
 * with ages are kept until the first instant one of their values changes (the computation notes
 * it); up to CLOCK_LAG_MS after it, the kept one (same data) is served while the answer of now is
 * computed in the background, as the pages do.
 *
 * `ahead` (the warmer): computes this minute's answer unless the cache holds it, and before each
 * step (reading, serializing) lets the requests in flight go first unless one waits for it.
 */
export async function gzippedAnswer<Answer>(deps: Pick<RouteDeps, 'cache'> & Partial<Pick<RouteDeps, 'warmer'>>, a: JsonAnswer<Answer>, ahead?: { pause: () => Promise<void> }): Promise<Buffer> {
  const { cache } = deps;
  // Set once the version is read (a cut reads answers of that version only).
  let version: number | undefined;
  const kept = (clock?: ClockReading): KeptAnswers => ({
    source: (key) => {
      if (!cache || version === undefined) return undefined;
      const hit = cache.peekAt<CutSource | Buffer>(key, version, clock?.getTime(), true);
      if (!hit || Buffer.isBuffer(hit.value)) return undefined;
      if (hit.until !== undefined) clock?.changesAt(hit.until);
      return hit.value;
    },
  });
  const render = async (clock?: ClockReading): Promise<KeptAnswer> => {
    await ahead?.pause();
    const cut = a.cut && version !== undefined ? a.cut(kept(clock), clock ?? a.at ?? new Date()) : undefined;
    if (Buffer.isBuffer(cut)) return ownedBytes(cut);
    const value = cut ?? (await a.compute(clock));
    await ahead?.pause();
    // A source's pieces are compressed in this thread, each apart (tens of us each; the pool's hand-over would cost more).
    const source = cache && value instanceof JsonText ? a.keep?.(value, a.gzipLevel ?? constants.Z_DEFAULT_COMPRESSION) : undefined;
    if (source) return source;
    const text = value instanceof JsonText ? value.text : JSON.stringify(value);
    const level = a.gzipLevel ?? constants.Z_DEFAULT_COMPRESSION;
    // Work ahead (nobody waits for it) keeps to the pool, but for a stored answer: the requests meanwhile find this thread free.
    // Ahead in a catch-up slice under a stream (page-warmer.ts) in this thread too: each answer of the pool would wait a round of requests.
    const inThread = text.length <= STORED_GZIP_MAX || ((!ahead || deps.warmer?.inSlice) && text.length <= WAITED_GZIP_MAX);
    return ownedBytes(inThread ? gzipInThread(text, level) : await gzipAsync(text, { level }));
  };
  if (!cache) return keptGzip(await render());
  // The version before the data: a render reads data at least as new as the version it is kept under.
  version = await a.version();
  const size = (kept: KeptAnswer) => (Buffer.isBuffer(kept) ? kept.length : sourceBytes(kept)) + ENTRY_OVERHEAD;
  if (a.at === undefined) return keptGzip(await cache.get(a.key, version, render, size));
  const at = a.at;
  const renderUntil = async () => {
    const clock = readClock(at);
    const value = await render(clock);
    return { value, validUntil: clock.validUntil };
  };
  return keptGzip(await cache.getUntil(a.key, version, at.getTime(), renderUntil, { size, maxLagMs: ahead ? 0 : CLOCK_LAG_MS, schedule: backgroundOf(deps) }));
}

/**
 * What a dashboard client or a script polls for one service, as a request at `at` would ask it:
 * the service itself (`/services/NAME`), the posture of AHEAD_POSTURE_DAYS ending today, and the
 * first findings page (`/findings?service=NAME`, default limit and offset).
 */
export function polledAnswers(store: ReadStore, name: string, at: Date): JsonAnswer<ServiceResponse | PostureResponse | FindingsResponse>[] {
  const today = dayOf(at.toISOString());
  return [
    serviceAnswer(store, name, at),
    // The longest first: a shorter window is then cut from it, not read again.
    ...[...AHEAD_POSTURE_DAYS].sort((a, b) => b - a).map((days) => postureAnswer(store, name, { from: addDays(today, -(days - 1)), to: today }, today)),
    findingsAnswer(store, FindingQuerySchema.parse({ service: name }), at),
  ];
}

/**
 * Computes a service's polled answers into the cache (the page warmer's task), one after another
 * and only while no request is in flight; a request for one of them meanwhile joins its computation.
 */
export async function pollAnswersAhead(deps: Pick<RouteDeps, 'cache' | 'warmer' | 'now'> & { store: ReadStore }, name: string): Promise<void> {
  const { cache, warmer, store } = deps;
  if (!cache || !(await store.hasService(name))) return;
  const pause = (key: string) => () => warmer?.yieldToRequests(() => cache.awaited(key)) ?? Promise.resolve();
  // The open findings first: the first findings page is then cut from them, not read.
  await keepOpenFindings(deps, store, name, pause(openFindingsKey(name)));
  for (const a of polledAnswers(store, name, deps.now())) {
    await gzippedAnswer(deps, a, { pause: pause(a.key) });
  }
}
