// Webhook notifications against real HTTP receivers on 127.0.0.1, through a real dashboard: new
// critical and KEV-listed findings of a snapshot, SLA breaches, signed bodies, retries with backoff
// (a receiver that answers 500 then 200, one that is down), dedup across restarts, and an ingest
// that is never held up by the receiver, each key claimed by one dashboard of the several sharing a
// store. Both store backends (the notification records are the store's: sqlite/notify.ts,
// postgres/notify.ts). Plus the pure payload and signature rules.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildPayload, signBody, type NotifyEvent } from '../../../dashboard/notify/events.js';
import { ADMIN_TOKEN, startTestDashboard, type TestDashboard } from '../api/harness.js';
import { BACKENDS, storeLocation } from '../store/backends.js';
import { day, makeReport } from '../store/report-builder.js';

const SECRET = 'whsec-test-0123456789abcdef';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A receiver answering each request with the next status of `statuses` (the last one repeats); `hold` keeps requests open until released. */
async function startReceiver(statuses: number[], opts: { hold?: boolean } = {}) {
  const received: Received[] = [];
  const held: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      const status = statuses[Math.min(received.length - 1, statuses.length - 1)];
      if (opts.hold) held.push(res);
      else res.writeHead(status).end(status < 300 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/T000/B000/XXXXSECRETPATH`;
  return {
    url,
    received,
    release: () => held.splice(0).forEach((res) => res.writeHead(200).end('ok')),
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** A URL on 127.0.0.1 where nothing listens. */
async function downUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}/hook`;
}

const kev = { cve: 'CVE-2024-kev01', dateAdded: '2025-11-01', dueDate: '2099-01-01', ransomware: 'known' as const };
const notable = (scanId: string, createdAt: string) =>
  makeReport({
    scanId,
    createdAt,
    findings: [
      { fp: 'crit1', severity: 'critical', title: 'RCE in pkg-crit1' },
      { fp: 'kev01', severity: 'medium', extra: { kev, epss: { cve: 'CVE-2024-kev01', probability: 0.5, percentile: 0.97 } } },
      { fp: 'high1', severity: 'high' },
      { fp: 'sec01', severity: 'critical', category: 'secret', tool: 'gatehouse-secrets', title: 'GitHub token', extra: { secretPreview: 'ghp_****', message: 'token ghp_SHOULDNOTLEAK in config.js' } },
    ],
    scanners: [{ tool: 'trivy', category: 'dependency' }, { tool: 'gatehouse-secrets', category: 'secret' }],
  });

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

/** A dashboard on the store at `db` (a SQLite file or a PostgreSQL URL), stopped after the test. */
async function dashboard(db: string, webhook: Record<string, unknown>): Promise<TestDashboard> {
  const t = await startTestDashboard({ db, webhook: { backoffMs: 20, slaCheckMinutes: 0, ...webhook }, webhookSecret: SECRET });
  cleanups.push(() => t.stop());
  return t;
}

const post = async (t: TestDashboard, report: unknown) => {
  const res = await t.call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, body: report });
  expect(res.status).toBe(201);
  return res.json() as Promise<Record<string, unknown>>;
};

describe.each(BACKENDS)('webhook notifications (real receivers on 127.0.0.1, %s)', (backend) => {
  // Each test's store (a file, or a database on the test server), removed after its dashboards stop.
  let db: string;
  beforeEach(async () => {
    const made = await storeLocation(backend);
    db = made.location;
    cleanups.push(made.cleanup);
  });

  it('sends new critical and KEV-listed findings of a snapshot once, signed, Slack-compatible, without secret values; never again after a restart', async () => {
    const rx = await startReceiver([200]);
    cleanups.push(rx.close);
    let t = await dashboard(db, { url: rx.url, format: 'slack', dashboardUrl: 'https://gatehouse.example.test' });
    const answer = await post(t, notable('s1', day('2026-01-01')));
    expect(answer).not.toHaveProperty('notable');
    await t.dash.notifier!.idle();
    expect(rx.received).toHaveLength(1);
    const [{ headers, body }] = rx.received;
    const ts = Number(headers['x-gatehouse-timestamp']);
    expect(Math.abs(ts - Date.now() / 1000)).toBeLessThan(300);
    expect(headers['x-gatehouse-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex')}`);
    const payload = JSON.parse(body) as { text: string };
    expect(payload.text).toContain('New critical finding* in *payments*: critical <https://gatehouse.example.test/services/payments/findings/fp-crit1|RCE in pkg-crit1>');
    expect(payload.text).toContain('New finding on the CISA KEV list');
    expect(payload.text).toContain('KEV (ransomware), due 2099-01-01 · EPSS 50.0% (p97)');
    expect(payload.text).toContain('GitHub token');
    expect(payload.text).not.toContain('pkg-high1');
    expect(body).not.toContain('SHOULDNOTLEAK');
    expect(body).not.toContain('ghp_');
    expect(body).not.toContain(SECRET);
    // Neither the secret nor the webhook URL's path is in any log line.
    expect(t.logLines.join('\n')).not.toContain('XXXXSECRETPATH');
    expect(t.logLines.join('\n')).toContain('delivered 3 notification(s) (2 new-critical, 1 new-kev) on try 1');

    // The next snapshot finds them again: nothing new to say. Nor after a restart.
    await post(t, notable('s2', day('2026-01-02')));
    await t.dash.notifier!.idle();
    await t.stop();
    cleanups = cleanups.filter((c) => c !== cleanups[cleanups.length - 1]);
    t = await dashboard(db, { url: rx.url });
    await post(t, notable('s3', day('2026-01-03')));
    await t.dash.notifier!.idle();
    expect(rx.received).toHaveLength(1);

    // A PR scan never notifies.
    await post(t, makeReport({ scanId: 'pr1', kind: 'pr', createdAt: day('2026-01-03'), findings: [{ fp: 'crit9', severity: 'critical' }] }));
    await t.dash.notifier!.idle();
    expect(rx.received).toHaveLength(1);
  });

  it('retries a receiver that answers 500, with the same delivery id, and records the delivery (plain JSON format)', async () => {
    const rx = await startReceiver([500, 200]);
    cleanups.push(rx.close);
    const t = await dashboard(db, { url: rx.url, format: 'json' });
    await post(t, notable('s1', day('2026-01-01')));
    await t.dash.notifier!.idle();
    expect(rx.received).toHaveLength(2);
    expect(rx.received[1].headers['x-gatehouse-delivery']).toBe(rx.received[0].headers['x-gatehouse-delivery']);
    const payload = JSON.parse(rx.received[1].body) as { schema: string; events: NotifyEvent[] };
    expect(payload.schema).toBe('gatehouse/notification');
    expect(payload.events.map((e) => `${e.event} ${e.fingerprint}`).sort()).toEqual(['new-critical fp-crit1', 'new-critical fp-sec01', 'new-kev fp-kev01']);
    expect(payload.events.find((e) => e.event === 'new-kev')).toMatchObject({ kev: { cve: 'CVE-2024-kev01', dueDate: '2099-01-01', ransomware: 'known' }, epss: { probability: 0.5, percentile: 0.97 } });
    expect(Object.keys(payload.events[0]).sort()).not.toContain('message');
    const records = await t.dash.store.listNotifications(10);
    expect(records.map((r) => `${r.status} ${r.attempts}`)).toEqual(['delivered 2', 'delivered 2', 'delivered 2']);
    expect(t.logLines.some((l) => /try 1 of 5 failed \(HTTP 500\); retrying in 20 ms/.test(l))).toBe(true);
  });

  it('gives up on a receiver that is down after its tries, with a log line and an audit entry; the ingest is not affected', async () => {
    const t = await dashboard(db, { url: await downUrl(), format: 'json', maxAttempts: 3 });
    const answer = await post(t, notable('s1', day('2026-01-01')));
    expect(answer).toMatchObject({ status: 'created', opened: 4 });
    await t.dash.notifier!.idle();
    expect(t.logLines.filter((l) => l.includes('retrying in'))).toHaveLength(2);
    expect(t.logLines.some((l) => /error: webhook http:\/\/127\.0\.0\.1:\d+: gave up after 3 tries: 3 notification\(s\) \(2 new-critical, 1 new-kev\) not delivered/.test(l))).toBe(true);
    const audit = (await (await t.call('GET', '/api/v1/admin/audit', { token: ADMIN_TOKEN })).json()) as { entries: { action: string; detail: Record<string, unknown> }[] };
    const failed = audit.entries.find((e) => e.action === 'notify.failed');
    expect(failed?.detail).toMatchObject({ attempts: 3 });
    expect(JSON.stringify(failed)).not.toContain('/hook');
    expect((await t.dash.store.listNotifications(10)).every((r) => r.status === 'failed' && r.attempts === 3)).toBe(true);
    // Given up is final: the next snapshot does not send them again.
    await post(t, notable('s2', day('2026-01-02')));
    await t.dash.notifier!.idle();
    expect(t.logLines.filter((l) => l.includes('gave up'))).toHaveLength(1);
  });

  it('answers the upload while the receiver still holds the notification request', async () => {
    const rx = await startReceiver([200], { hold: true });
    cleanups.push(rx.close);
    const t = await dashboard(db, { url: rx.url });
    await post(t, notable('s1', day('2026-01-01')));
    // The upload was answered; the webhook request is still open at the receiver.
    await expect.poll(() => rx.received.length).toBe(1);
    expect((await t.dash.store.listNotifications(10)).every((r) => r.status === 'pending')).toBe(true);
    rx.release();
    await t.dash.notifier!.idle();
    expect((await t.dash.store.listNotifications(10)).every((r) => r.status === 'delivered')).toBe(true);
  });

  it('sends SLA breaches once per open period', async () => {
    const rx = await startReceiver([200]);
    cleanups.push(rx.close);
    const t = await dashboard(db, { url: rx.url, format: 'json', events: ['sla-breach'] });
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000).toISOString();
    await post(t, makeReport({ scanId: 's1', createdAt: tenDaysAgo, findings: [{ fp: 'crit1', severity: 'critical' }, { fp: 'high1', severity: 'high' }] }));
    await t.dash.notifier!.idle();
    expect(rx.received).toHaveLength(0);
    await t.dash.notifier!.checkSlaBreaches();
    await t.dash.notifier!.checkSlaBreaches();
    await t.dash.notifier!.idle();
    expect(rx.received).toHaveLength(1);
    const payload = JSON.parse(rx.received[0].body) as { events: NotifyEvent[] };
    expect(payload.events.map((e) => `${e.event} ${e.fingerprint}`)).toEqual(['sla-breach fp-crit1']);
    expect(payload.events[0].slaDueAt).toBe(new Date(Date.parse(tenDaysAgo) + 7 * 86_400_000).toISOString());
  });

  it('sends each SLA breach once when two dashboards on one store sweep at the same time: each key is claimed by one', async () => {
    const rx = await startReceiver([200]);
    cleanups.push(rx.close);
    const a = await dashboard(db, { url: rx.url, format: 'json', events: ['sla-breach'] });
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000).toISOString();
    const breached = ['crit1', 'crit2', 'crit3'];
    await post(a, makeReport({ scanId: 's1', createdAt: tenDaysAgo, findings: breached.map((fp) => ({ fp, severity: 'critical' as const })) }));
    // A second process on the same store (its own connections or file handle), as a second replica runs.
    const b = await dashboard(db, { url: rx.url, format: 'json', events: ['sla-breach'] });
    await Promise.all([a.dash.notifier!.checkSlaBreaches(), b.dash.notifier!.checkSlaBreaches()]);
    await Promise.all([a.dash.notifier!.idle(), b.dash.notifier!.idle()]);
    const sent = rx.received.flatMap((r) => (JSON.parse(r.body) as { events: NotifyEvent[] }).events.map((e) => e.fingerprint));
    expect(sent.sort()).toEqual(breached.map((fp) => `fp-${fp}`));
    expect((await b.dash.store.listNotifications(10)).map((r) => `${r.fingerprint} ${r.status} ${r.attempts}`).sort()).toEqual(breached.map((fp) => `fp-${fp} delivered 1`));
    // And neither sends them again.
    await Promise.all([a.dash.notifier!.checkSlaBreaches(), b.dash.notifier!.checkSlaBreaches()]);
    expect(rx.received.flatMap((r) => (JSON.parse(r.body) as { events: NotifyEvent[] }).events)).toHaveLength(breached.length);
  });
});

describe('webhook payloads', () => {
  const event: NotifyEvent = {
    event: 'new-critical', service: 'svc', fingerprint: 'fp1', openedAt: '2026-01-01T00:00:00.000Z', severity: 'critical', category: 'dependency',
    ruleId: 'CVE-2024-1', title: '<!channel> & <http://evil|click>', where: 'package-lock.json (a@1)', kev: null, epss: null, slaDueAt: null,
  };

  it('escapes Slack control text so a tool title cannot mention or link', () => {
    const text = (buildPayload('slack', [event], new Date()) as { text: string }).text;
    expect(text).toContain('&lt;!channel&gt; &amp; &lt;http://evil|click&gt;');
    expect(text).not.toContain('<!channel>');
  });

  it('lists at most 20 findings in a Slack message and counts the rest', () => {
    const text = (buildPayload('slack', Array.from({ length: 25 }, (_, i) => ({ ...event, fingerprint: `fp${i}` })), new Date()) as { text: string }).text;
    expect(text.split('\n').filter((l) => l.startsWith('•'))).toHaveLength(20);
    expect(text).toContain('…and 5 more');
  });

  it('signs timestamp.body with HMAC-SHA256', () => {
    expect(signBody('k', 1700000000, '{}')).toBe(`sha256=${createHmac('sha256', 'k').update('1700000000.{}').digest('hex')}`);
  });
});

describe('webhook configuration', () => {
  it('refuses a bad webhook config naming the field, never echoing the URL', async () => {
    await expect(startTestDashboard({ webhook: { url: 'ftp://hooks.example.test/T0/B0/SECRETPATH' } })).rejects.toThrow(/^webhook\.url: /);
    await expect(startTestDashboard({ webhook: { url: 'ftp://hooks.example.test/T0/B0/SECRETPATH' } })).rejects.not.toThrow(/SECRETPATH/);
    await expect(startTestDashboard({ webhook: { url: 'https://hooks.example.test/x', format: 'xml' as 'json' } })).rejects.toThrow(/^webhook\.format: /);
  });

  it('takes the URL from GATEHOUSE_WEBHOOK_URL; without any URL there is no notifier', async () => {
    const rx = await startReceiver([200]);
    cleanups.push(rx.close);
    const plain = await startTestDashboard({});
    cleanups.push(() => plain.stop());
    expect(plain.dash.notifier).toBeUndefined();
    process.env.GATEHOUSE_WEBHOOK_URL = rx.url;
    try {
      const t = await startTestDashboard({ webhook: { slaCheckMinutes: 0 } });
      cleanups.push(() => t.stop());
      await post(t, notable('s1', day('2026-01-01')));
      await t.dash.notifier!.idle();
      expect(rx.received).toHaveLength(1);
      // No secret configured: sent unsigned.
      expect(rx.received[0].headers['x-gatehouse-signature']).toBeUndefined();
    } finally {
      delete process.env.GATEHOUSE_WEBHOOK_URL;
    }
  });
});
