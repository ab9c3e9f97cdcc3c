// Every API endpoint by every kind of caller: no credential, garbage, wrong scope, viewer, ingest,
// admin, revoked token, expired token, and GitHub Actions OIDC tokens (valid, expired, wrong
// audience, not allowlisted, signed by an unknown key) verified against a local JWKS server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../dashboard/store/store.js';
import { BACKENDS } from '../store/backends.js';
import { day, makeReport } from '../store/report-builder.js';
import { ADMIN_TOKEN, githubClaims, startOidcIssuer, startTestDashboard, startTestDashboardOn, type OidcIssuer, type StoreDashboard } from './harness.js';

/**
 * `service-read`: viewers, triagers, admins, and ingest credentials scoped to that service (the
 * engine's PR baseline, the gate's triage read). `triager`: triagers and admins (triage decisions).
 */
type Need = 'public' | 'viewer' | 'triager' | 'admin' | 'ingest' | 'service-read';
type Caller =
  | 'none' | 'garbage' | 'viewer' | 'triager' | 'ingest' | 'ingest-other-service' | 'admin' | 'revoked' | 'expired-token'
  | 'oidc' | 'oidc-expired' | 'oidc-wrong-audience' | 'oidc-wrong-repo' | 'oidc-wrong-ref' | 'oidc-unknown-key'
  | 'session-admin-no-csrf' | 'session-triager-no-csrf' | 'session-triager-csrf';

let t: StoreDashboard;
let issuer: OidcIssuer;
const creds = {} as Record<Caller, { token?: string; cookie?: string; csrf?: string }>;
let scanCounter = 0;

interface Endpoint {
  method: string;
  path: () => Promise<string> | string;
  need: Need;
  body?: () => unknown;
  /** Run before each call (a decision to clear). */
  before?: () => Promise<void>;
}

/** A decision on the seeded finding, so that each DELETE has one to clear. */
const decide = async () => {
  const res = await t.call('POST', '/api/v1/triage', { token: ADMIN_TOKEN, body: { service: 'payments', fingerprint: 'fp-m0000', status: 'false_positive', reason: 'matrix' } });
  expect(res.status).toBe(200);
};

const endpoints: Endpoint[] = [
  { method: 'GET', path: () => '/api/v1/openapi.json', need: 'public' },
  { method: 'GET', path: () => '/healthz', need: 'public' },
  { method: 'POST', path: () => '/api/v1/scans', need: 'ingest', body: () => makeReport({ scanId: `m-${++scanCounter}`, createdAt: day('2026-01-01'), services: ['payments'], findings: [{ fp: 'm' }] }) },
  { method: 'GET', path: () => '/api/v1/services', need: 'viewer' },
  { method: 'GET', path: () => '/api/v1/services/payments', need: 'viewer' },
  { method: 'GET', path: () => '/api/v1/services/payments/posture', need: 'viewer' },
  { method: 'GET', path: () => '/api/v1/services/payments/scans', need: 'service-read' },
  { method: 'GET', path: () => '/api/v1/findings', need: 'viewer' },
  { method: 'GET', path: () => '/api/v1/findings?service=payments&state=all', need: 'service-read' },
  { method: 'GET', path: () => '/api/v1/findings/payments/fp-m0000', need: 'viewer' },
  { method: 'GET', path: () => '/api/v1/export/findings.csv', need: 'viewer' },
  { method: 'GET', path: () => '/api/v1/export/findings.json', need: 'viewer' },
  { method: 'GET', path: () => '/api/v1/badge/payments.svg', need: 'viewer' },
  { method: 'GET', path: () => '/api/v1/admin/tokens', need: 'admin' },
  { method: 'POST', path: () => '/api/v1/admin/tokens', need: 'admin', body: () => ({ role: 'viewer', label: 'matrix' }) },
  {
    method: 'DELETE',
    need: 'admin',
    // A fresh token to revoke on every call, so a success is a real revocation.
    path: async () => {
      const res = await t.call('POST', '/api/v1/admin/tokens', { token: ADMIN_TOKEN, body: { role: 'viewer', label: 'to-revoke' } });
      return `/api/v1/admin/tokens/${((await res.json()) as { id: string }).id}`;
    },
  },
  { method: 'GET', path: () => '/api/v1/admin/audit', need: 'admin' },
  { method: 'GET', path: () => '/api/v1/admin/audit?action=triage', need: 'admin' },
  { method: 'GET', path: () => '/api/v1/triage?service=payments', need: 'service-read' },
  { method: 'GET', path: () => '/api/v1/triage/openvex', need: 'viewer' },
  { method: 'POST', path: () => '/api/v1/triage', need: 'triager', body: () => ({ service: 'payments', fingerprint: 'fp-m0000', status: 'false_positive', reason: 'matrix' }) },
  { method: 'DELETE', path: () => '/api/v1/triage', need: 'triager', body: () => ({ service: 'payments', fingerprints: ['fp-m0000'] }), before: decide },
];

const callers: Caller[] = [
  'none', 'garbage', 'viewer', 'triager', 'ingest', 'ingest-other-service', 'admin', 'revoked', 'expired-token',
  'oidc', 'oidc-expired', 'oidc-wrong-audience', 'oidc-wrong-repo', 'oidc-wrong-ref', 'oidc-unknown-key',
  'session-admin-no-csrf', 'session-triager-no-csrf', 'session-triager-csrf',
];
const REFUSED: Caller[] = ['garbage', 'revoked', 'expired-token', 'oidc-expired', 'oidc-wrong-audience', 'oidc-wrong-repo', 'oidc-wrong-ref', 'oidc-unknown-key'];
const ROLE_OF: Partial<Record<Caller, 'viewer' | 'triager' | 'ingest' | 'admin'>> = {
  viewer: 'viewer', triager: 'triager', ingest: 'ingest', 'ingest-other-service': 'ingest', admin: 'admin', oidc: 'ingest',
  'session-admin-no-csrf': 'admin', 'session-triager-no-csrf': 'triager', 'session-triager-csrf': 'triager',
};
/** Which roles each need lets in (admin everything; a triager what a viewer may, and triage). */
const ALLOWED: Record<Exclude<Need, 'public' | 'service-read'>, readonly string[]> = {
  viewer: ['viewer', 'triager', 'admin'],
  triager: ['triager', 'admin'],
  admin: ['admin'],
  ingest: ['ingest', 'admin'],
};

function expected(e: Endpoint, caller: Caller): number {
  const success = e.method === 'POST' && e.need !== 'triager' ? 201 : 200;
  if (e.need === 'public') return 200;
  if (caller === 'none' || REFUSED.includes(caller)) return 401;
  const role = ROLE_OF[caller]!;
  if (e.need === 'service-read') return caller !== 'ingest-other-service' ? success : 403;
  if (!ALLOWED[e.need].includes(role)) return 403;
  if (e.need === 'ingest' && caller === 'ingest-other-service') return 403;
  if ((caller === 'session-admin-no-csrf' || caller === 'session-triager-no-csrf') && e.method !== 'GET') return 403;
  return success;
}

// On each store backend: a temporary SQLite file and a fresh PostgreSQL database.
describe.each(BACKENDS)('%s store', (backend) => {
  beforeAll(async () => {
    issuer = await startOidcIssuer();
    t = await startTestDashboardOn(backend, {
      oidc: {
        jwksUrl: issuer.jwksUrl,
        issuer: issuer.issuer,
        audience: issuer.audience,
        allow: [{ repository: 'acme/*', workflow: 'acme/*/.github/workflows/gatehouse.yml', ref: 'refs/heads/main', services: ['payments'] }],
      },
      ingestRateLimit: { perMinute: 10_000 },
      // This matrix sends hundreds of refused credentials on purpose; throttling has its own test (hardening.test.ts).
      authFailureLimit: { perMinute: 100_000 },
    });
    const mk = async (body: Record<string, unknown>) => {
      const res = await t.call('POST', '/api/v1/admin/tokens', { token: ADMIN_TOKEN, body });
      return (await res.json()) as { id: string; token: string };
    };
    creds.none = {};
    creds.garbage = { token: 'gatehouse_not-a-real-token' };
    creds.viewer = { token: (await mk({ role: 'viewer', label: 'v' })).token };
    const triager = await mk({ role: 'triager', label: 't' });
    creds.triager = { token: triager.token };
    creds.ingest = { token: (await mk({ role: 'ingest', label: 'i', services: ['payments'] })).token };
    creds['ingest-other-service'] = { token: (await mk({ role: 'ingest', label: 'io', services: ['users'] })).token };
    creds.admin = { token: ADMIN_TOKEN };
    const revoked = await mk({ role: 'admin', label: 'r' });
    await t.call('DELETE', `/api/v1/admin/tokens/${revoked.id}`, { token: ADMIN_TOKEN });
    creds.revoked = { token: revoked.token };
    // An admin token that expired: written straight into the same file (the API refuses past expiries).
    const side = (await openStore(t.location));
    creds['expired-token'] = { token: (await side.createToken({ role: 'admin', label: 'old', expiresAt: '2020-01-01T00:00:00Z' }, new Date('2019-01-01T00:00:00Z'))).token };
    const session = (await side.createSession((await side.verifyToken(ADMIN_TOKEN))!.id));
    const triagerSession = await side.createSession(triager.id);
    (await side.close());
    creds['session-admin-no-csrf'] = { cookie: `gatehouse_session=${session.id}` };
    creds['session-triager-no-csrf'] = { cookie: `gatehouse_session=${triagerSession.id}` };
    creds['session-triager-csrf'] = { cookie: `gatehouse_session=${triagerSession.id}`, csrf: triagerSession.csrf };
    creds.oidc = { token: await issuer.sign(githubClaims('acme/shop')) };
    creds['oidc-expired'] = { token: await issuer.sign(githubClaims('acme/shop'), { expiresIn: Math.floor(Date.now() / 1000) - 60 }) };
    creds['oidc-wrong-audience'] = { token: await issuer.sign(githubClaims('acme/shop'), { audience: 'someone-else' }) };
    creds['oidc-wrong-repo'] = { token: await issuer.sign(githubClaims('evil/shop')) };
    creds['oidc-wrong-ref'] = { token: await issuer.sign(githubClaims('acme/shop', 'refs/heads/feature')) };
    creds['oidc-unknown-key'] = { token: await issuer.sign(githubClaims('acme/shop'), { foreignKey: true }) };
    // Data for the read endpoints.
    expect((await t.call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, body: makeReport({ scanId: 'seed', createdAt: day('2026-01-01'), findings: [{ fp: 'm' }] }) })).status).toBe(201);
  });

  afterAll(async () => {
    await t.stop();
    await issuer.close();
  });

  describe('auth matrix', () => {
    for (const e of endpoints) {
      it(`${e.method} ${e.need === 'public' ? '(public) ' : ''}${e.method === 'DELETE' && !e.before ? '/api/v1/admin/tokens/:id' : (e.path() as string)}`, async () => {
        const got: Record<string, number> = {};
        const want: Record<string, number> = {};
        for (const caller of callers) {
          const c = creds[caller];
          await e.before?.();
          const res = await t.call(e.method, await e.path(), {
            token: c.token,
            body: e.body?.(),
            headers: { ...(c.cookie ? { cookie: c.cookie } : {}), ...(c.csrf ? { 'x-csrf-token': c.csrf } : {}) },
          });
          got[caller] = res.status;
          want[caller] = expected(e, caller);
          if (res.status === 401) {
            expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
            expect(((await res.json()) as { error: string }).error).toBeTruthy();
          } else {
            await res.arrayBuffer();
          }
        }
        expect(got).toEqual(want);
      });
    }

    it('says why an OIDC token was refused and records the OIDC identity on ingest', async () => {
      const why = async (caller: Caller) =>
        ((await (await t.call('POST', '/api/v1/scans', { token: creds[caller].token, body: makeReport({ scanId: `why-${caller}`, createdAt: day('2026-01-01') }) })).json()) as { error: string }).error;
      expect(await why('oidc-expired')).toBe('OIDC token expired');
      expect(await why('oidc-wrong-audience')).toMatch(/claim "aud"/);
      expect(await why('oidc-wrong-repo')).toMatch(/evil\/shop .* matches no allow rule/);
      expect(await why('oidc-unknown-key')).toMatch(/key the JWKS does not list|signature/);
      const res = await t.call('GET', '/api/v1/services/payments/scans?limit=200', { token: ADMIN_TOKEN });
      const scans = ((await res.json()) as { scans: { ingestedBy: string }[] }).scans;
      expect(scans.some((s) => s.ingestedBy === 'oidc:acme/shop@refs/heads/main (acme/shop/.github/workflows/gatehouse.yml)')).toBe(true);
    });

    it('lets a session caller change things only with the session CSRF token', async () => {
      const side = (await openStore(t.location));
      const session = (await side.createSession((await side.verifyToken(ADMIN_TOKEN))!.id));
      (await side.close());
      const headers = { cookie: `gatehouse_session=${session.id}`, 'x-csrf-token': session.csrf };
      expect((await t.call('POST', '/api/v1/admin/tokens', { body: { role: 'viewer', label: 's' }, headers })).status).toBe(201);
      expect((await t.call('POST', '/api/v1/admin/tokens', { body: { role: 'viewer', label: 's' }, headers: { ...headers, 'x-csrf-token': 'wrong' } })).status).toBe(403);
    });

    it('refuses OIDC tokens when the dashboard has no OIDC configuration', async () => {
      const plain = await startTestDashboard();
      try {
        const res = await plain.call('POST', '/api/v1/scans', { token: creds.oidc.token, body: makeReport({ scanId: 'no-oidc', createdAt: day('2026-01-01') }) });
        expect(res.status).toBe(401);
        expect(((await res.json()) as { error: string }).error).toMatch(/no OIDC configuration/);
      } finally {
        await plain.stop();
      }
    });
  });
});
