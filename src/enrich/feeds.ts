// Loading the exploitation feeds for one scan: `off`, a file path, or `auto` (download with a
// timeout, kept in a cache folder). The HTTP edge is one injected function, so tests run it against
// a real server on 127.0.0.1 and the CLI and the action pass the platform's fetch.
//
// A feed that cannot be had never fails the scan by itself: it becomes a FeedStatus with the reason
// (said in every report), and the gate falls back to severity alone for what that feed would add.
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FeedError } from './feed-error.js';
import { parseEpssFeed, type EpssFeed } from './epss.js';
import { parseKevCatalog, type KevCatalog } from './kev.js';

export const DEFAULT_KEV_URL = 'https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json';
export const DEFAULT_EPSS_URL = 'https://epss.empiricalsecurity.com/epss_scores-current.csv.gz';

/** `auto` downloads; `off` skips; anything else is a file path. */
export type FeedSetting = string;

export interface FeedOptions {
  kev: FeedSetting;
  epss: FeedSetting;
  kevUrl?: string;
  epssUrl?: string;
  /** Download timeout per feed. */
  timeoutMs: number;
  /** A cached download younger than this is used without asking the network. */
  maxAgeMs: number;
  /** Folder for cached downloads. */
  cacheDir: string;
  /** Base folder for relative file paths (the repository). */
  baseDir: string;
  now: Date;
}

/** The HTTP edge: GET a URL and return its body, or throw. */
export type FetchBytes = (url: string, timeoutMs: number) => Promise<Uint8Array>;

/** What became of one feed, for every report format. */
export interface FeedStatus {
  feed: 'kev' | 'epss';
  state: 'loaded' | 'off' | 'unavailable';
  /** File path or URL. */
  source?: string;
  /** catalogVersion / model_version. */
  version?: string;
  /** The data's own date (KEV dateReleased, EPSS score_date). */
  date?: string;
  /** Whole days between the data's date and the scan. */
  ageDays?: number;
  /** Why it is unavailable, or a caveat (a stale cache used after a failed download). */
  note?: string;
  entries?: number;
}

export interface LoadedFeeds {
  kev?: KevCatalog;
  epss?: EpssFeed;
  status: FeedStatus[];
}

/** The default cache folder: $XDG_CACHE_HOME/gatehouse, ~/.cache/gatehouse, else the temp folder. */
export function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'gatehouse');
  const home = env.HOME ?? homedir();
  return home ? join(home, '.cache', 'gatehouse') : join(tmpdir(), 'gatehouse-cache');
}

/** The platform's fetch with a timeout; the error names the cause (DNS, refused, HTTP status). */
export const fetchBytes: FetchBytes = async (url, timeoutMs) => {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError') throw new Error(`no answer within ${Math.round(timeoutMs / 1000)}s`);
    throw new Error(e.cause?.code ? `${e.cause.code}${e.cause.code === 'ENOTFOUND' ? ' (no network or DNS)' : ''}` : (e.cause?.message ?? e.message));
  }
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
};

export async function loadFeeds(options: FeedOptions, fetchFn: FetchBytes = fetchBytes): Promise<LoadedFeeds> {
  const [kev, epss] = await Promise.all([
    loadOne('kev', options.kev, options.kevUrl ?? DEFAULT_KEV_URL, options, fetchFn, (bytes, source) => parseKevCatalog(Buffer.from(bytes).toString('utf8'), source)),
    loadOne('epss', options.epss, options.epssUrl ?? DEFAULT_EPSS_URL, options, fetchFn, parseEpssFeed),
  ]);
  const out: LoadedFeeds = { status: [kev.status, epss.status] };
  if (kev.data) {
    out.kev = kev.data;
    Object.assign(kev.status, { version: kev.data.version, date: kev.data.released, entries: kev.data.entries.size });
    kev.status.ageDays = ageDays(kev.data.released, options.now);
    if (kev.data.skipped > 0) kev.status.note = joinNotes(kev.status.note, `${kev.data.skipped} entries could not be read and were skipped`);
  }
  if (epss.data) {
    out.epss = epss.data;
    Object.assign(epss.status, { version: epss.data.model, date: epss.data.scoreDate, entries: epss.data.scores.size });
    epss.status.ageDays = ageDays(epss.data.scoreDate, options.now);
  }
  return out;
}

function joinNotes(a: string | undefined, b: string): string {
  return a ? `${a}; ${b}` : b;
}

function ageDays(date: string, now: Date): number | undefined {
  const t = Date.parse(date);
  return Number.isNaN(t) ? undefined : Math.max(0, Math.floor((now.getTime() - t) / 86_400_000));
}

async function loadOne<T>(
  feed: 'kev' | 'epss',
  setting: FeedSetting,
  url: string,
  options: FeedOptions,
  fetchFn: FetchBytes,
  parse: (bytes: Uint8Array, source: string) => T,
): Promise<{ status: FeedStatus; data?: T }> {
  if (setting === 'off') return { status: { feed, state: 'off' } };
  if (setting !== 'auto') {
    const file = resolve(options.baseDir, setting);
    try {
      const bytes = await readFile(file);
      return { status: { feed, state: 'loaded', source: setting }, data: parse(bytes, setting) };
    } catch (err) {
      return { status: { feed, state: 'unavailable', source: setting, note: reasonOf(err, setting) } };
    }
  }

  // auto: a fresh cached copy, else download (and cache), else a stale cached copy, else nothing.
  const cacheFile = join(options.cacheDir, feed === 'kev' ? 'kev.json' : 'epss.csv.gz');
  const cached = await readCache(cacheFile);
  // The cache's age is wall-clock time (its file time), not the scan's `now`.
  if (cached && Date.now() - cached.mtimeMs < options.maxAgeMs) {
    try {
      return { status: { feed, state: 'loaded', source: `${url} (cached)` }, data: parse(cached.bytes, cacheFile) };
    } catch {
      // A broken cache file is ignored and downloaded again.
    }
  }
  let downloadError: string;
  try {
    const bytes = await fetchFn(url, options.timeoutMs);
    const data = parse(bytes, url);
    await writeCache(cacheFile, bytes);
    return { status: { feed, state: 'loaded', source: url }, data };
  } catch (err) {
    downloadError = `download from ${url} failed: ${reasonOf(err, url)}`;
  }
  if (cached) {
    try {
      const data = parse(cached.bytes, cacheFile);
      return { status: { feed, state: 'loaded', source: `${cacheFile} (cached)`, note: `${downloadError}; using the cached copy` }, data };
    } catch {
      // fall through: no usable copy
    }
  }
  return { status: { feed, state: 'unavailable', source: url, note: downloadError } };
}

function reasonOf(err: unknown, source: string): string {
  if (err instanceof FeedError) return err.reason;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `${source}: file not found`;
  if (code) return `${source}: cannot read (${code})`;
  return err instanceof Error ? err.message : String(err);
}

async function readCache(file: string): Promise<{ bytes: Uint8Array; mtimeMs: number } | undefined> {
  try {
    const [bytes, info] = await Promise.all([readFile(file), stat(file)]);
    return { bytes, mtimeMs: info.mtimeMs };
  } catch {
    return undefined;
  }
}

/** Written to a temporary name and renamed, so a concurrent scan never reads half a file. */
async function writeCache(file: string, bytes: Uint8Array): Promise<void> {
  try {
    await mkdir(resolve(file, '..'), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, file);
  } catch {
    // A cache that cannot be written only costs a download next time.
  }
}

/** Feeds as `.gatehouse.yml` sets them (`enrich:`); relative paths from `baseDir` (the config's folder). */
export function loadConfiguredFeeds(
  enrich: { kev: string; epss: string; 'kev-url'?: string | undefined; 'epss-url'?: string | undefined; timeout: number },
  ctx: { baseDir: string; env: NodeJS.ProcessEnv; now?: Date; fetch?: FetchBytes },
): Promise<LoadedFeeds> {
  return loadFeeds(
    {
      kev: enrich.kev,
      epss: enrich.epss,
      ...(enrich['kev-url'] ? { kevUrl: enrich['kev-url'] } : {}),
      ...(enrich['epss-url'] ? { epssUrl: enrich['epss-url'] } : {}),
      timeoutMs: enrich.timeout * 1000,
      maxAgeMs: 24 * 3_600_000,
      cacheDir: ctx.env.GATEHOUSE_CACHE_DIR || defaultCacheDir(ctx.env),
      baseDir: ctx.baseDir,
      now: ctx.now ?? new Date(),
    },
    ctx.fetch,
  );
}
