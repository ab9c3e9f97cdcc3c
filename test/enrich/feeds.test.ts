// loadFeeds against a real HTTP server on 127.0.0.1: downloads, cache, timeout, HTTP errors, broken
// bodies; files; and the platform fetch failing fast where there is no network.
import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchBytes, loadFeeds, type FeedOptions } from '../../src/enrich/feeds.js';
import { epssGz, KEV_FIXTURE } from './feed-files.js';

const kevBytes = readFileSync(KEV_FIXTURE);
const epssBytes = epssGz([['CVE-2021-44228', 0.94358, 0.99968]]);

let server: Server;
let base = '';
const hits: string[] = [];
const sockets = new Set<import('node:net').Socket>();

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/kev.json') res.end(kevBytes);
    else if (req.url === '/epss.csv.gz') res.end(epssBytes);
    else if (req.url === '/truncated.json') res.end(kevBytes.subarray(0, 4000));
    else if (req.url === '/hang') {
      /* never answers */
    } else {
      res.statusCode = 503;
      res.end('down');
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => server.close(r));
});

function options(over: Partial<FeedOptions> = {}): FeedOptions {
  return {
    kev: 'auto',
    epss: 'auto',
    kevUrl: `${base}/kev.json`,
    epssUrl: `${base}/epss.csv.gz`,
    timeoutMs: 2000,
    maxAgeMs: 3_600_000,
    cacheDir: mkdtempSync(join(tmpdir(), 'gatehouse-feeds-')),
    baseDir: '/',
    now: new Date('2025-08-27T10:00:00Z'),
    ...over,
  };
}

describe('loadFeeds', () => {
  it('downloads both feeds, says their version and age, and serves the next scan from the cache', async () => {
    const opts = options();
    const first = await loadFeeds(opts);
    expect(first.kev?.entries.size).toBe(1404);
    expect(first.epss?.scores.get('CVE-2021-44228')?.percentile).toBe(0.99968);
    expect(first.status).toEqual([
      expect.objectContaining({ feed: 'kev', state: 'loaded', source: `${base}/kev.json`, version: '2025.08.25', ageDays: 1, entries: 1404 }),
      expect.objectContaining({ feed: 'epss', state: 'loaded', version: 'v2025.03.14', ageDays: 1, entries: 1 }),
    ]);
    hits.length = 0;
    const second = await loadFeeds({ ...opts, kevUrl: `${base}/gone`, epssUrl: `${base}/gone` });
    expect(hits).toEqual([]);
    expect(second.status.map((s) => s.source)).toEqual([`${base}/gone (cached)`, `${base}/gone (cached)`]);
    expect(second.kev?.entries.size).toBe(1404);
  });

  it('uses a stale cached copy when the download fails, and says both', async () => {
    const opts = options();
    await loadFeeds(opts);
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    utimesSync(join(opts.cacheDir, 'kev.json'), twoDaysAgo, twoDaysAgo);
    const later = await loadFeeds({ ...opts, kevUrl: `${base}/down`, now: new Date('2025-08-30T10:00:00Z') });
    expect(later.kev?.entries.size).toBe(1404);
    expect(later.status[0]).toMatchObject({ state: 'loaded', ageDays: 4, note: expect.stringMatching(/download from .*\/down failed: HTTP 503; using the cached copy/) });
  });

  it('a server that does not answer, an HTTP error or a truncated body makes the feed unavailable with the reason, fast', async () => {
    const out = await loadFeeds(options({ kevUrl: `${base}/hang`, epssUrl: `${base}/down`, timeoutMs: 300 }));
    expect(out.kev).toBeUndefined();
    expect(out.epss).toBeUndefined();
    expect(out.status[0]).toMatchObject({ feed: 'kev', state: 'unavailable', note: expect.stringMatching(/failed: no answer within 0s/) });
    expect(out.status[1]).toMatchObject({ feed: 'epss', state: 'unavailable', note: expect.stringMatching(/HTTP 503/) });
    const truncated = await loadFeeds(options({ kevUrl: `${base}/truncated.json`, epss: 'off' }));
    expect(truncated.status[0]).toMatchObject({ state: 'unavailable', note: expect.stringMatching(/truncated/) });
    expect(truncated.status[1]).toEqual({ feed: 'epss', state: 'off' });
  });

  it('reads files instead of downloading, and names a missing or broken file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-feedfiles-'));
    writeFileSync(join(dir, 'epss.csv.gz'), epssBytes);
    writeFileSync(join(dir, 'bad.json'), '{"catalogVersion":');
    hits.length = 0;
    const out = await loadFeeds(options({ kev: KEV_FIXTURE, epss: 'epss.csv.gz', baseDir: dir }));
    expect(hits).toEqual([]);
    expect(out.status.map((s) => [s.state, s.source])).toEqual([['loaded', KEV_FIXTURE], ['loaded', 'epss.csv.gz']]);
    const bad = await loadFeeds(options({ kev: 'bad.json', epss: 'missing.csv.gz', baseDir: dir }));
    expect(bad.status[0]).toMatchObject({ state: 'unavailable', note: expect.stringMatching(/truncated/) });
    expect(bad.status[1]).toMatchObject({ state: 'unavailable', note: 'missing.csv.gz: file not found' });
  });

  it('the platform fetch names the cause of a failed connection', async () => {
    // A port nobody listens on: the connection is refused (what a machine without network gives
    // for the feeds' hosts is ENOTFOUND, named the same way).
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const err = await fetchBytes(`http://127.0.0.1:${port}/kev.json`, 5000).catch((e: Error) => e);
    expect(String(err)).toMatch(/ECONNREFUSED/);
  });
});
