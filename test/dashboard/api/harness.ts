// A real dashboard on 127.0.0.1 (port 0) over a temporary SQLite file, plus a local JWKS server
// and key pair for GitHub-Actions-style OIDC tokens.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { createMemoryLogger } from '../../../src/logger.js';
import { startDashboard, type RunningDashboard, type StartDashboardOptions } from '../../../dashboard/server.js';
import { storeLocation, type Backend } from '../store/backends.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

/**
 * The runnable dashboard entry as a real child process (for crash and shutdown tests), resolved
 * once it prints its URL; `exited` gives the exit code and signal.
 */
export async function spawnDashboardProcess(args: string[]): Promise<{
  child: ChildProcessWithoutNullStreams;
  base: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'dashboard/server.ts', ...args], {
    env: { ...process.env, GATEHOUSE_ADMIN_TOKEN: ADMIN_TOKEN },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Gatehouse dashboard: (http:\/\/\S+?)\/? /.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', () => reject(new Error(`dashboard exited before listening: ${out}`)));
  });
  return { child, base, exited };
}

export interface TestDashboard {
  dash: RunningDashboard;
  base: string;
  dir: string;
  file: string;
  printed: string[];
  logLines: string[];
  /** fetch against the API with an optional bearer credential. */
  call(method: string, path: string, opts?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<Response>;
  stop(): Promise<void>;
}

export async function startTestDashboard(options: Partial<StartDashboardOptions> & { dir?: string } = {}): Promise<TestDashboard> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'gatehouse-dash-'));
  const file = join(dir, 'dashboard.db');
  const printed: string[] = [];
  const logger = createMemoryLogger();
  const dash = await startDashboard({ db: file, port: 0, adminToken: ADMIN_TOKEN, logger, print: (l) => printed.push(l), ...options });
  const base = dash.url.replace(/\/$/, '');
  return {
    dash,
    base,
    dir,
    file,
    printed,
    logLines: logger.lines,
    call: (method, path, opts = {}) =>
      fetch(`${base}${path}`, {
        method,
        headers: {
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(opts.body !== undefined || opts.rawBody !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(opts.headers ?? {}),
        },
        body: opts.rawBody ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined),
      }),
    async stop() {
      await dash.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A test dashboard over a store of its own, and where that store is. */
export type StoreDashboard = TestDashboard & { location: string };

/**
 * startTestDashboard over a fresh store of `backend` (a temporary SQLite file or a new PostgreSQL
 * database, store/backends.ts); `location` opens it again, and stop() also removes it.
 */
export async function startTestDashboardOn(backend: Backend, options: Partial<StartDashboardOptions> = {}): Promise<StoreDashboard> {
  const { location, cleanup } = await storeLocation(backend);
  const t = await startTestDashboard({ ...options, db: location });
  return {
    ...t,
    location,
    async stop() {
      await t.stop();
      await cleanup();
    },
  };
}

export interface OidcIssuer {
  jwksUrl: string;
  issuer: string;
  audience: string;
  sign(claims: JWTPayload, opts?: { expiresIn?: string | number; audience?: string; issuer?: string; foreignKey?: boolean }): Promise<string>;
  close(): Promise<void>;
}

/** A JWKS endpoint on 127.0.0.1 with a freshly generated RS256 key (and a second key it does not publish). */
export async function startOidcIssuer(): Promise<OidcIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const foreign = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const server: Server = createServer((req, res) => {
    if (req.url === '/.well-known/jwks') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const issuer = `http://127.0.0.1:${port}`;
  const audience = 'gatehouse-test';
  return {
    jwksUrl: `${issuer}/.well-known/jwks`,
    issuer,
    audience,
    sign: (claims, opts = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(opts.issuer ?? issuer)
        .setAudience(opts.audience ?? audience)
        .setIssuedAt(typeof opts.expiresIn === 'number' && opts.expiresIn < 0 ? Math.floor(Date.now() / 1000) - 3600 : undefined)
        .setExpirationTime(opts.expiresIn ?? '5m')
        .sign(opts.foreignKey ? foreign.privateKey : privateKey),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Claims as GitHub Actions puts them in its OIDC token. */
export function githubClaims(repository: string, ref = 'refs/heads/main', workflow = 'gatehouse.yml'): JWTPayload {
  return {
    sub: `repo:${repository}:ref:${ref}`,
    repository,
    repository_owner: repository.split('/')[0],
    ref,
    workflow: 'Gatehouse',
    workflow_ref: `${repository}/.github/workflows/${workflow}@${ref}`,
    job_workflow_ref: `${repository}/.github/workflows/${workflow}@${ref}`,
    event_name: 'push',
  };
}
