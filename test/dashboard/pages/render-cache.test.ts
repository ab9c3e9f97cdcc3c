// Cached page bodies never outlive the data: an ingest changes the store's data version and the
// next page shows the new scan. The cache itself stays within its byte budget.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RenderCache } from '../../../dashboard/pages/render-cache.js';
import { finding, snapshot } from './fixtures.js';
import { get, login, NOW, openPageHarness, type PageHarness } from './harness.js';

let h: PageHarness;
let cookie: string;
beforeAll(async () => {
  h = openPageHarness();
  cookie = (await login(h.app, h.tokens.viewer)).cookie;
});
afterAll(() => h.close());

describe('page cache', () => {
  it('shows a newly ingested scan on the next request', async () => {
    const before = await get(h.app, '/', cookie);
    expect(before.html).toContain('<tr data-service="legacy"><td><a href="/services/legacy">legacy</a></td><td class="num"><span class="count sev-critical" title="1 open critical">');
    const again = await get(h.app, '/', cookie);
    expect(again.html).toBe(before.html);

    const scan = snapshot('legacy', new Date(NOW.getTime() - 60_000), [finding('legacy', 1, 'critical'), finding('legacy', 7, 'critical')], 'legacy-new');
    h.store.ingestScan(scan, 'test');
    const after = await get(h.app, '/', cookie);
    const legacy = after.html.slice(after.html.indexOf('<tr data-service="legacy">'));
    expect(legacy).toMatch(/^<tr data-service="legacy">[^]*?title="2 open critical"/);
    const service = await get(h.app, '/services/legacy', cookie);
    expect(service.html).toContain('legacy-new');
  });

  it('keeps the viewer-specific frame out of the cached body', async () => {
    const admin = await login(h.app, h.tokens.admin);
    const a = await get(h.app, '/services/payments', admin.cookie);
    const v = await get(h.app, '/services/payments', cookie);
    expect(a.html).toContain('href="/admin"');
    expect(v.html).not.toContain('href="/admin"');
    expect(a.html).toContain(admin.csrf);
    expect(v.html).not.toContain(admin.csrf);
  });

  it('evicts the least recently used bodies beyond its byte budget', async () => {
    const cache = new RenderCache(100);
    let renders = 0;
    const render = (text: string) => async () => {
      renders += 1;
      return text;
    };
    await cache.get('a', 1, render('x'.repeat(40)));
    await cache.get('b', 1, render('y'.repeat(40)));
    await cache.get('a', 1, render('never'));
    expect(renders).toBe(2);
    await cache.get('c', 1, render('z'.repeat(40))); // evicts b, the least recently used
    expect(cache.size).toBe(2);
    expect(await cache.get('b', 1, render('y2'))).toBe('y2');
    expect(await cache.get('a', 2, render('a at version 2'))).toBe('a at version 2');
  });
});
