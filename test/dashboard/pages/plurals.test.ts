// "1 scans" and its kind: with one of everything (one service, one SLA breach, one pull request, one
// failing gate, one open finding, a finding fixed after one day) every count on the pages agrees
// with its noun.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findingHref } from '../../../dashboard/components/hrefs.js';
import { openStore } from '../../../dashboard/store/store.js';
import type { Store } from '../../../dashboard/store/types.js';
import { countOf, nounFor } from '../../../dashboard/components/format.js';
import { finding, snapshot } from './fixtures.js';
import { get, login, NOW, pageApp } from './harness.js';

let dir: string;
let store: Store;
let app: ReturnType<typeof pageApp>;
let cookie: string;
const day = (d: number) => new Date(NOW.getTime() - d * 86_400_000);
/** Visible text: tags dropped, whitespace folded. */
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-plurals-'));
  store = await openStore(join(dir, 'dashboard.db'));
  // One service. Finding 1 (critical) open for 10 days: one SLA breach. Finding 2 fixed after one day.
  await store.ingestScan(snapshot('solo', day(10), [finding('solo', 1, 'critical'), finding('solo', 2, 'medium')]), 'test');
  await store.ingestScan(snapshot('solo', day(9), [finding('solo', 1, 'critical')]), 'test');
  await store.ingestScan(snapshot('solo', day(0.1), [finding('solo', 1, 'critical')]), 'test');
  // One pull request, whose gate fails.
  const pr = snapshot('solo', day(0.05), [finding('solo', 1, 'critical')], 'pr-7');
  await store.ingestScan({ ...pr, kind: 'pr', source: { ...pr.source, pullRequest: 7, ref: 'refs/pull/7/merge' } }, 'test');
  app = pageApp(store);
  const admin = (await store.createToken({ role: 'admin', label: 'lead' })).token;
  cookie = (await login(app, admin)).cookie;
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('counts of one', () => {
  it('the helpers', () => {
    expect([countOf(0, 'scan'), countOf(1, 'scan'), countOf(2, 'scan'), countOf(1, 'SLA breach', 'SLA breaches')]).toEqual(['0 scans', '1 scan', '2 scans', '1 SLA breach']);
    expect([nounFor(1, 'service'), nounFor(3, 'service')]).toEqual(['service', 'services']);
  });

  it('overview cards: 1 service, 1 SLA breach', async () => {
    const { status, html } = await get(app, '/', cookie);
    expect(status).toBe(200);
    const cards = text(html.slice(html.indexOf('<section class="cards"'), html.indexOf('</section>', html.indexOf('<section class="cards"'))));
    expect(cards).toContain('1 service ');
    expect(cards).toContain('1 SLA breach ');
    expect(cards).not.toMatch(/\b1 (services|SLA breaches)\b/);
  });

  it('pull requests: 1 pull request scanned, 1 failing gate', async () => {
    const { html } = await get(app, '/pulls', cookie);
    const t = text(html);
    expect(t).toContain('1 pull request scanned');
    expect(t).toContain('1 failing gate (PR × service)');
  });

  it('a finding fixed after one day: "after 1 day open"', async () => {
    const { html } = await get(app, findingHref('solo', 'fp-solo-002'), cookie);
    expect(text(html)).toContain('after 1 day open');
    expect(text(html)).not.toMatch(/\b1 days\b/);
  });

  it('bulk triage: 1 open finding', async () => {
    const { html } = await get(app, '/services/solo/triage', cookie);
    expect(text(html)).toContain('1 open finding;');
  });

  it('no page says "1 <plural>"', async () => {
    for (const path of ['/', '/pulls', '/services/solo', findingHref('solo', 'fp-solo-001'), findingHref('solo', 'fp-solo-002'), '/services/solo/triage', '/vulnerabilities', '/admin']) {
      const { status, html } = await get(app, path, cookie);
      expect(status, path).toBe(200);
      expect(text(html), path).not.toMatch(/(?<![\d.,])1 (scans|services|findings|days|breaches|SLA breaches|pull requests|failing gates|open findings|decisions|tokens|entries)\b/);
    }
  });
});
