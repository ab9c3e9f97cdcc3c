// The gate's read of the dashboard's triage names the scanned repository (`?repository=`), so a
// decision on another repository's same-named service never applies here; a dashboard from before
// that parameter refuses it (400 naming `repository`), and the read goes on without it, said in a
// warning. A stand-in HTTP server on 127.0.0.1 plays the older dashboard (the real one's filter is
// tested in test/dashboard/api/triage-api.test.ts and test/cli/push-two-repositories.test.ts).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../src/logger.js';
import { fetchTriageSuppressions } from '../../src/push/triage.js';

const DECISION = {
  service: 'api',
  fingerprint: 'fp-00000001',
  ruleId: 'R1',
  title: 'bad',
  status: 'false_positive',
  justification: null,
  reason: 'test data',
  owner: null,
  expiresAt: null,
  decidedBy: 'dana',
  decidedAt: '2026-12-01T10:00:00.000Z',
};

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A dashboard that knows `?repository=` or not; the URLs it was asked. */
async function dashboard(knowsRepository: boolean): Promise<{ url: string; asked: string[] }> {
  const asked: string[] = [];
  server = createServer((req, res) => {
    asked.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.searchParams.has('repository') && !knowsRepository) {
      res.writeHead(400, { 'content-type': 'application/json' });
      // What a dashboard before the parameter says (api/query.ts zodIssueToApiError of a strict schema).
      res.end(JSON.stringify({ error: 'invalid query: repository: Unrecognized key: "repository"', field: 'repository' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ decisions: [DECISION] }));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, asked };
}

const auth = { kind: 'token' as const, token: 'gh-test-token-0123456789' };

describe('reading the triage decisions for a repository', () => {
  it('names the repository in the query', async () => {
    const d = await dashboard(true);
    const logger = createMemoryLogger();
    const got = await fetchTriageSuppressions({ dashboardUrl: d.url, auth, logger, repository: 'acme/shop' });
    expect(got.map((s) => s.fingerprint)).toEqual(['fp-00000001']);
    expect(d.asked).toEqual(['/api/v1/triage?repository=acme%2Fshop']);
    expect(logger.lines.join('\n')).not.toContain('does not filter');
  });

  it('an older dashboard that refuses the parameter: asked again without it, with a warning', async () => {
    const d = await dashboard(false);
    const logger = createMemoryLogger();
    const got = await fetchTriageSuppressions({ dashboardUrl: d.url, auth, logger, repository: 'acme/shop' });
    expect(got).toHaveLength(1);
    expect(d.asked).toEqual(['/api/v1/triage?repository=acme%2Fshop', '/api/v1/triage']);
    expect(logger.lines.join('\n')).toContain('the dashboard does not filter triage decisions by repository (upgrade it)');
  });

  it('a 400 refusing the value (not the key) is not taken for an older dashboard: no read without the filter, the failure thrown', async () => {
    const asked: string[] = [];
    server = createServer((req, res) => {
      asked.push(req.url ?? '');
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid query: repository: Too big: expected string to have <=300 characters', field: 'repository' }));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    await expect(fetchTriageSuppressions({ dashboardUrl: url, auth, logger: createMemoryLogger(), repository: 'acme/shop' })).rejects.toThrow(/HTTP 400/);
    expect(asked).toEqual(['/api/v1/triage?repository=acme%2Fshop']);
  });

  it('without a repository (a scan that names none), no parameter', async () => {
    const d = await dashboard(false);
    await fetchTriageSuppressions({ dashboardUrl: d.url, auth, logger: createMemoryLogger() });
    expect(d.asked).toEqual(['/api/v1/triage']);
  });
});
