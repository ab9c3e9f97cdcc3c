import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import * as core from '@actions/core';
import { DashboardPushError, pushScanReports, scanIdFor, splitReportByService } from '../../src/push/client.js';
import { createMemoryLogger } from '../../src/logger.js';
import { ScanReportSchema } from '../../src/report/scan-report.js';

const report = ScanReportSchema.parse(JSON.parse(readFileSync(new URL('../fixtures/github/scan-report.json', import.meta.url), 'utf8')));
const run = { repository: 'acme/shop', runId: '9876', runAttempt: '2' };

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A dashboard stand-in: answers each request with the next scripted status (then 201). */
async function startDashboard(script: (number | 'drop')[]): Promise<{ url: string; seen: Seen[]; checks: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const checks: Seen[] = [];
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    if (req.url?.startsWith('/oidc-token')) {
      seen.push({ method: req.method ?? '', url: req.url, headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ value: 'eyJ-oidc-token-for-test' }));
      return;
    }
    if (req.url === '/api/v1/scans/check') {
      // The check before a multi-service push: this stand-in takes every repository (the test of a refused check has its own server).
      checks.push({ method: req.method ?? '', url: req.url, headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok' }));
      return;
    }
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
    const next = script.shift() ?? 201;
    if (next === 'drop') {
      req.socket.destroy();
      return;
    }
    res.writeHead(next, next === 429 ? { 'retry-after': '0', 'content-type': 'application/json' } : { 'content-type': 'application/json' });
    res.end(JSON.stringify(next < 300 ? { scanId: JSON.parse(body).scanId } : { error: `status ${next}` }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, checks, server };
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

describe('dashboard push', () => {
  it('posts one report per service with an idempotent scan id and a bearer token', async () => {
    const d = await startDashboard([]);
    server = d.server;
    const results = await pushScanReports(report, run, { dashboardUrl: d.url, auth: { kind: 'token', token: 'dash-token' }, logger: createMemoryLogger(), baseDelayMs: 1 });
    expect(results.map((r) => r.scanId)).toEqual(['gh/acme/shop/9876/2/payments', 'gh/acme/shop/9876/2/web']);
    expect(d.seen.map((s) => `${s.method} ${s.url}`)).toEqual(['POST /api/v1/scans', 'POST /api/v1/scans']);
    expect(d.seen[0].headers.authorization).toBe('Bearer dash-token');
    const first = ScanReportSchema.parse(JSON.parse(d.seen[0].body));
    expect(first.services).toEqual([{ name: 'payments', path: 'services/payments' }]);
    expect(first.findings.every((f) => f.service === 'payments')).toBe(true);
    expect(first.scanners.map((s) => s.service)).toEqual(['payments']);
    // Before any: one check of the report's repository for all its services.
    expect(d.checks.map((c) => JSON.parse(c.body))).toEqual([{ repository: 'acme/shop', services: ['payments', 'web'] }]);
    expect(d.checks[0].headers.authorization).toBe('Bearer dash-token');
  });

  it('sends no service when the check refuses the repository; goes on when the dashboard has no check (404)', async () => {
    const message = 'source.repository "acme/shop" is not the repository of service "web" ("acme/billing"); nothing was stored.';
    let checkStatus = 409;
    const posted: string[] = [];
    server = createServer((req, res) => {
      req.resume();
      if (req.url === '/api/v1/scans/check') {
        res.writeHead(checkStatus, { 'content-type': 'application/json' });
        res.end(JSON.stringify(checkStatus === 409 ? { error: message, field: 'source.repository' } : { error: 'no such API endpoint' }));
        return;
      }
      posted.push(req.url ?? '');
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'created' }));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const options = { dashboardUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, auth: { kind: 'token' as const, token: 't' }, logger: createMemoryLogger(), retries: 2, baseDelayMs: 1 };
    const err = await pushScanReports(report, run, options).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DashboardPushError);
    expect((err as Error).message).toBe(`the dashboard refused the report; no service of it was sent: HTTP 409: ${message} (field source.repository)`);
    expect(posted).toEqual([]);
    checkStatus = 404;
    expect(await pushScanReports(report, run, options)).toHaveLength(2);
    expect(posted).toEqual(['/api/v1/scans', '/api/v1/scans']);
  });

  it('retries 5xx, 429 and dropped connections with the same scan id, then succeeds', async () => {
    const d = await startDashboard([503, 'drop', 429, 201]);
    server = d.server;
    const logger = createMemoryLogger();
    const [one] = await pushScanReports({ ...report, services: [report.services[0]] }, run, { dashboardUrl: d.url, auth: { kind: 'token', token: 't' }, logger, baseDelayMs: 5 });
    expect(one.attempts).toBe(4);
    expect(new Set(d.seen.map((s) => JSON.parse(s.body).scanId))).toEqual(new Set(['gh/acme/shop/9876/2/payments']));
    expect(new Set(d.seen.map((s) => s.headers['idempotency-key']))).toEqual(new Set(['gh/acme/shop/9876/2/payments']));
    expect(logger.lines.filter((l) => l.includes('retry'))).toHaveLength(3);
  });

  it('gives up after the retries with an error naming the service', async () => {
    const d = await startDashboard([500, 500, 500]);
    server = d.server;
    const err = await pushScanReports({ ...report, services: [report.services[0]] }, run, { dashboardUrl: d.url, auth: { kind: 'token', token: 't' }, logger: createMemoryLogger(), retries: 2, baseDelayMs: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DashboardPushError);
    expect(String(err)).toMatch(/push of payments failed after 3 attempts: HTTP 500/);
    expect(d.seen).toHaveLength(3);
  });

  it('does not retry a 400 or 401, and says what to check', async () => {
    const d = await startDashboard([401]);
    server = d.server;
    const err = await pushScanReports(report, run, { dashboardUrl: d.url, auth: { kind: 'token', token: 'wrong' }, logger: createMemoryLogger(), baseDelayMs: 1 }).catch((e: unknown) => e);
    expect(String(err)).toMatch(/refused the scan of payments: HTTP 401.*check the dashboard token/);
    expect(d.seen).toHaveLength(1);
  });

  it('treats 409 (already ingested) as done', async () => {
    const d = await startDashboard([409]);
    server = d.server;
    const [r] = await pushScanReports({ ...report, services: [report.services[0]] }, run, { dashboardUrl: d.url, auth: { kind: 'token', token: 't' }, logger: createMemoryLogger() });
    expect(r.duplicate).toBe(true);
  });

  it('a 409 naming source.repository is a refusal with the whole message, not "already there"; --move-repository asks for the move', async () => {
    const urls: string[] = [];
    const message = `source.repository "acme/billing" is not the repository of service "payments" ("acme/shop"); nothing was stored. ${'Give the service a name unique in the organisation. '.repeat(6)}`;
    server = createServer((req, res) => {
      urls.push(req.url ?? '');
      req.resume();
      const moving = req.url?.includes('moveRepository=true');
      res.writeHead(moving ? 201 : 409, { 'content-type': 'application/json' });
      res.end(JSON.stringify(moving ? { status: 'created' } : { error: message, field: 'source.repository' }));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const one = { ...report, services: [report.services[0]] };
    const options = { dashboardUrl: url, auth: { kind: 'token' as const, token: 't' }, logger: createMemoryLogger(), retries: 3, baseDelayMs: 1 };
    const err = await pushScanReports(one, run, options).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DashboardPushError);
    // The whole message (longer than the 300 characters other answers are cut to), and no retry.
    expect((err as Error).message).toContain(`HTTP 409: ${message} (field source.repository)`);
    expect(urls).toEqual(['/api/v1/scans']);
    const [moved] = await pushScanReports(one, run, { ...options, moveRepository: true });
    expect(moved).toMatchObject({ status: 201, duplicate: false });
    expect(urls[1]).toBe('/api/v1/scans?moveRepository=true');
  });

  it('authenticates with a GitHub OIDC id-token fetched through @actions/core for the audience', async () => {
    const d = await startDashboard([]);
    server = d.server;
    const saved = { url: process.env.ACTIONS_ID_TOKEN_REQUEST_URL, token: process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN };
    process.env.ACTIONS_ID_TOKEN_REQUEST_URL = `${d.url}/oidc-token?api-version=2.0`;
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = 'runtime-request-token';
    try {
      await pushScanReports({ ...report, services: [report.services[0]] }, run, {
        dashboardUrl: `${d.url}/`,
        auth: { kind: 'oidc', audience: 'https://gatehouse.example', getIdToken: (aud) => core.getIDToken(aud) },
        logger: createMemoryLogger(),
      });
    } finally {
      process.env.ACTIONS_ID_TOKEN_REQUEST_URL = saved.url;
      process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = saved.token;
      if (saved.url === undefined) delete process.env.ACTIONS_ID_TOKEN_REQUEST_URL;
      if (saved.token === undefined) delete process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
    }
    const tokenCall = d.seen.find((s) => s.url.startsWith('/oidc-token'));
    expect(tokenCall?.url).toBe('/oidc-token?api-version=2.0&audience=https%3A%2F%2Fgatehouse.example');
    expect(tokenCall?.headers.authorization).toBe('Bearer runtime-request-token');
    const push = d.seen.find((s) => s.url === '/api/v1/scans');
    expect(push?.headers.authorization).toBe('Bearer eyJ-oidc-token-for-test');
  });

  it('scan ids differ per attempt and per service, and stay within the schema limit', () => {
    expect(scanIdFor(run, 'a')).not.toBe(scanIdFor({ ...run, runAttempt: '3' }, 'a'));
    expect(scanIdFor(run, 'x'.repeat(300)).length).toBe(200);
    expect(splitReportByService(report, run)).toHaveLength(2);
  });

  it('sends a repository\'s "(root)" as <repository name>-root in every field that names a service, and keeps it without a repository', () => {
    // The fixture's "web" as the root service, with a coverage ledger that lists files per service, gaps and unread files.
    const withRoot = ScanReportSchema.parse(JSON.parse(JSON.stringify(JSON.parse(readFileSync(new URL('../fixtures/github/scan-report.json', import.meta.url), 'utf8'))).replaceAll('"web"', '"(root)"')));
    const unread = [{ path: 'pom.xml', service: '(root)', reason: 'no configured dependency scanner reads pom.xml' }];
    withRoot.coverage = {
      ...withRoot.coverage,
      gaps: [{ category: 'dependency', service: '(root)', path: 'pom.xml', reason: 'x' }],
      gapCount: 1,
      files: { total: 3, perService: [{ service: 'payments', files: 2 }, { service: '(root)', files: 1 }], categories: [{ category: 'dependency', noun: 'lockfiles', configured: true, relevant: 1, read: 0, unread, unreadCount: 1 }], outsideServices: { count: 1, paths: ['pom.xml'], scannedBy: [] }, excluded: [], unreadable: [] },
    };
    withRoot.gate.reasons.push({ kind: 'scanner-error', message: 'x', services: ['payments', '(root)'], fingerprints: [] });
    expect(JSON.stringify(withRoot)).toContain('"service":"(root)"');

    const serviceNames = (value: unknown, key = ''): string[] => {
      if (Array.isArray(value)) return value.flatMap((v) => serviceNames(v, key));
      if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => serviceNames(v, k));
      return typeof value === 'string' && ['service', 'services', 'name'].includes(key) ? [value] : [];
    };
    const parts = splitReportByService(withRoot, run);
    const rootPart = parts.find((p) => p.services[0]!.name === 'shop-root');
    expect(rootPart?.scanId).toBe(scanIdFor(run, 'shop-root'));
    expect(rootPart?.findings.length).toBeGreaterThan(0);
    for (const part of parts) expect(serviceNames(part)).not.toContain('(root)');
    expect(serviceNames(parts)).toContain('shop-root');

    const unnamed = splitReportByService({ ...withRoot, source: {} }, (s) => `cli/${s}`);
    expect(unnamed.map((p) => p.services[0]!.name)).toEqual(['payments', '(root)']);
  });
});
