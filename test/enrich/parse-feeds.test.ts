import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseEpssFeed } from '../../src/enrich/epss.js';
import { FeedError } from '../../src/enrich/feed-error.js';
import { parseKevCatalog } from '../../src/enrich/kev.js';
import { epssCsv, epssGz, KEV_FIXTURE, KEV_JQUERY, KEV_LOG4SHELL } from './feed-files.js';

const kevText = readFileSync(KEV_FIXTURE, 'utf8');

function feedError(fn: () => unknown): FeedError {
  try {
    fn();
  } catch (err) {
    if (err instanceof FeedError) return err;
    throw err;
  }
  throw new Error('expected a FeedError');
}

describe('parseKevCatalog on the real CISA catalog of 2025-08-25', () => {
  const catalog = parseKevCatalog(kevText, 'kev.json');

  it('reads all 1404 entries, with due dates and ransomware use', () => {
    expect(catalog.version).toBe('2025.08.25');
    expect(catalog.entries.size).toBe(1404);
    expect(catalog.skipped).toBe(0);
    expect([...catalog.entries.values()].filter((e) => e.ransomware === 'known')).toHaveLength(293);
    expect(catalog.entries.get(KEV_LOG4SHELL)).toMatchObject({ dateAdded: '2021-12-10', dueDate: '2021-12-24', ransomware: 'known' });
    expect(catalog.entries.get(KEV_JQUERY)).toMatchObject({ ransomware: 'unknown', dateAdded: '2025-01-23' });
  });

  it('refuses a truncated catalog, another document and an unknown catalog version by name', () => {
    expect(feedError(() => parseKevCatalog(kevText.slice(0, 50_000), 'k')).reason).toMatch(/truncated/);
    expect(feedError(() => parseKevCatalog('{"hello": 1}', 'k')).reason).toMatch(/not a KEV catalog \(at catalogVersion/);
    const data = JSON.parse(kevText);
    expect(feedError(() => parseKevCatalog(JSON.stringify({ ...data, catalogVersion: 'v3-beta' }), 'k')).reason).toMatch(/unknown catalog version "v3-beta"/);
    // Entries cut out of a still-valid JSON document: the stated count gives it away.
    expect(feedError(() => parseKevCatalog(JSON.stringify({ ...data, vulnerabilities: data.vulnerabilities.slice(0, 10) }), 'k')).reason).toMatch(/says it has 1404 entries but holds 10/);
  });

  it('skips and counts an entry with a bad id instead of failing the whole catalog', () => {
    const data = JSON.parse(kevText);
    data.vulnerabilities[0].cveID = 'not-an-id';
    const parsed = parseKevCatalog(JSON.stringify(data), 'k');
    expect(parsed.skipped).toBe(1);
    expect(parsed.entries.size).toBe(1403);
  });
});

describe('parseEpssFeed', () => {
  it('reads the gzipped daily file and the plain CSV', () => {
    const rows: [string, number, number][] = [[KEV_LOG4SHELL, 0.94358, 0.99968], ['CVE-2021-23337', 0.0112, 0.7771]];
    for (const bytes of [epssGz(rows), Buffer.from(epssCsv(rows))]) {
      const feed = parseEpssFeed(bytes, 'epss');
      expect(feed.model).toBe('v2025.03.14');
      expect(feed.scoreDate).toBe('2025-08-25T12:55:00Z');
      expect(feed.scores.get(KEV_LOG4SHELL)).toEqual({ cve: KEV_LOG4SHELL, probability: 0.94358, percentile: 0.99968 });
      expect(feed.scores.size).toBe(2);
    }
  });

  it('reads the +0000 time zone FIRST writes', () => {
    expect(parseEpssFeed(epssGz([['CVE-2020-1', 0.1, 0.2]], 'v2023.03.01', '2023-10-03T00:00:00+0000'), 'e').scoreDate).toBe('2023-10-03T00:00:00+0000');
  });

  it('refuses a truncated gzip, a cut last row, a missing header, an unknown model and a bad row, naming the line', () => {
    const gz = epssGz([['CVE-2020-1', 0.1, 0.2], ['CVE-2020-2', 0.3, 0.4]]);
    expect(feedError(() => parseEpssFeed(gz.subarray(0, gz.length - 12), 'e')).reason).toMatch(/gzip file is truncated/);
    const csv = epssCsv([['CVE-2020-1', 0.1, 0.2], ['CVE-2020-2', 0.3, 0.4]]);
    expect(feedError(() => parseEpssFeed(gzipSync(csv.slice(0, -6)), 'e')).reason).toMatch(/truncated \(line 4 has no line end\)/);
    expect(feedError(() => parseEpssFeed(Buffer.from('cve,epss,percentile\nCVE-2020-1,0.1,0.2\n'), 'e')).reason).toMatch(/line 1 should be "#model_version/);
    expect(feedError(() => parseEpssFeed(Buffer.from(epssCsv([['CVE-2020-1', 0.1, 0.2]], 'v1')), 'e')).reason).toMatch(/unknown EPSS model version "v1"/);
    expect(feedError(() => parseEpssFeed(Buffer.from(csv.replace('cve,epss,percentile', 'cve,epss')), 'e')).reason).toMatch(/line 2 should be the header/);
    expect(feedError(() => parseEpssFeed(Buffer.from(csv.replace('0.30000', 'high')), 'e')).reason).toMatch(/line 4 is not "cve,epss,percentile": "CVE-2020-2,high/);
    expect(feedError(() => parseEpssFeed(Buffer.from(csv.replace('0.30000', '1.7')), 'e')).reason).toMatch(/line 4/);
  });

  it('reads an odd-case CVE id in a row by its canonical form', () => {
    const feed = parseEpssFeed(Buffer.from('#model_version:v2025.03.14,score_date:2025-08-25T00:00:00Z\ncve,epss,percentile\ncve-2020-5,0.5,0.9\n'), 'e');
    expect(feed.scores.get('CVE-2020-5')?.probability).toBe(0.5);
  });
});
