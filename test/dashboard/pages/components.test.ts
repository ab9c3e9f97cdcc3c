// The small pure pieces the pages stand on: the chart's series and axis, links from tool data, ages.
import { describe, expect, it } from 'vitest';
import { densifySeries } from '../../../dashboard/components/charts.js';
import { formatAge, formatDateTime, formatDay, queryString, safeHttpUrl } from '../../../dashboard/components/format.js';
import { describeLocation } from '../../../dashboard/pages/view-models.js';

describe('densifySeries', () => {
  it('carries counts forward between scans and leaves days before the first scan unknown', () => {
    const days = densifySeries(
      [
        { day: '2026-01-03', counts: { high: 2 } },
        { day: '2026-01-05', counts: { high: 1, low: 4 } },
      ],
      '2026-01-01',
      '2026-01-06',
    );
    expect(days.map((d) => d.day)).toEqual(['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05', '2026-01-06']);
    expect(days[0].counts).toBeNull();
    expect(days[1].counts).toBeNull();
    expect(days[3].counts).toMatchObject({ high: 2, low: 0, critical: 0 });
    expect(days[5].counts).toMatchObject({ high: 1, low: 4 });
  });

  it('starts from the latest point before the window, whatever the points\' order', () => {
    const points = [
      { day: '2025-12-30', counts: { critical: 5 } },
      { day: '2025-11-01', counts: { critical: 1 } },
      { day: '2026-01-02', counts: { high: 2 } },
      { day: '2025-12-31', counts: { critical: 7 } },
      { day: '2025-12-02', counts: { critical: 3 } },
    ];
    const days = densifySeries(points, '2026-01-01', '2026-01-03');
    expect(days.map((d) => [d.counts?.critical, d.counts?.high])).toEqual([[7, 0], [0, 2], [0, 2]]);
  });

  it('gives the same days for points in day order (walked) as in any other order', () => {
    const points = Array.from({ length: 40 }, (_, i) => ({ day: new Date(Date.UTC(2025, 11, 10) + i * 3 * 86_400_000).toISOString().slice(0, 10), counts: { high: i % 7, low: i } }));
    const shuffled = points.map((p, i) => ({ p, k: (i * 17) % 40 })).sort((a, b) => a.k - b.k).map(({ p }) => p);
    for (const [from, to] of [['2026-01-01', '2026-03-31'], ['2025-11-01', '2026-01-05'], ['2026-04-20', '2026-05-02']]) {
      const walked = densifySeries(points, from, to);
      expect(walked).toEqual(densifySeries(shuffled, from, to));
      expect(walked.length).toBe((Date.parse(to) - Date.parse(from)) / 86_400_000 + 1);
    }
    // Of two points on one day, the later one.
    const twice = densifySeries([{ day: '2026-01-01', counts: { high: 1 } }, { day: '2026-01-02', counts: { high: 2 } }, { day: '2026-01-02', counts: { high: 3 } }], '2026-01-01', '2026-01-03');
    expect(twice.map((d) => d.counts?.high)).toEqual([1, 3, 3]);
  });

  it('starts from the last point before the window', () => {
    const days = densifySeries([{ day: '2025-12-20', counts: { critical: 3 } }], '2026-01-01', '2026-01-02');
    expect(days.map((d) => d.counts?.critical)).toEqual([3, 3]);
  });
});

describe('safeHttpUrl', () => {
  it('keeps http(s) links and refuses javascript:, data: and garbage', () => {
    expect(safeHttpUrl('https://nvd.nist.gov/vuln/detail/CVE-2024-1')).toBe('https://nvd.nist.gov/vuln/detail/CVE-2024-1');
    expect(safeHttpUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeHttpUrl(' JavaScript:alert(1)')).toBeUndefined();
    expect(safeHttpUrl('data:text/html,<script>')).toBeUndefined();
    expect(safeHttpUrl('not a url')).toBeUndefined();
  });
});

describe('formatting', () => {
  const now = new Date('2026-11-24T12:00:00Z');
  it('says how long ago a scan was', () => {
    expect(formatAge('2026-11-24T11:59:30Z', now)).toBe('just now');
    expect(formatAge('2026-11-24T11:15:00Z', now)).toBe('45 min ago');
    expect(formatAge('2026-11-24T02:00:00Z', now)).toBe('10 h ago');
    expect(formatAge('2026-11-23T10:00:00Z', now)).toBe('1 day ago');
    expect(formatAge('2026-11-04T12:00:00Z', now)).toBe('20 days ago');
    expect(formatAge(null, now)).toBe('never');
  });

  // Texts are formatted once and kept (format.ts): the same text again, many texts past the bound,
  // a Date and the unparseable all format as a Date parsed each time did.
  it('formats days and instants of texts as often as asked, each its own', () => {
    const parsedEachTime = (v: string) => {
      const d = new Date(v);
      return Number.isNaN(d.getTime()) ? ['—', '—'] : [d.toISOString().slice(0, 10), `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`];
    };
    const texts = Array.from({ length: 5000 }, (_, i) => new Date(Date.UTC(2026, 0, 1, 0, i * 7)).toISOString());
    texts.push('2026-11-24T23:30:00-02:00', 'not a date', '', '2026-02-30T00:00:00Z');
    for (let round = 0; round < 2; round++) {
      for (const t of texts) expect([formatDay(t), formatDateTime(t)]).toEqual(parsedEachTime(t));
    }
    expect(formatDay('2026-11-24T23:30:00-02:00')).toBe('2026-11-25');
    expect(formatDateTime('2026-11-24T09:15:42.123Z')).toBe('2026-11-24 09:15 UTC');
    expect(formatDateTime(new Date('2026-11-24T09:15:00Z'))).toBe('2026-11-24 09:15 UTC');
    expect(formatDay(undefined)).toBe('—');
  });

  it('builds query strings without empty values', () => {
    expect(queryString({ a: 'x y', b: undefined, c: '', d: 3 })).toBe('?a=x+y&d=3');
    expect(queryString({})).toBe('');
  });

  it('describes a location by file and lines, package or image', () => {
    expect(describeLocation({ path: 'src/a.ts', startLine: 3, endLine: 5 })).toBe('src/a.ts:3-5');
    expect(describeLocation({ path: 'src/a.ts', startLine: 3, endLine: 3 })).toBe('src/a.ts:3');
    expect(describeLocation({ path: 'package-lock.json', package: { ecosystem: 'npm', name: 'lodash', version: '4.17.20', fixedVersions: [] } })).toBe(
      'lodash@4.17.20 · (package-lock.json)',
    );
    expect(describeLocation({ image: 'alpine:3.18', package: { ecosystem: 'alpine', name: 'openssl', version: '3.1.0', fixedVersions: [] } })).toBe(
      'alpine:3.18 · openssl@3.1.0',
    );
    expect(describeLocation({})).toBe('—');
  });
});
