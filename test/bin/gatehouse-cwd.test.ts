// bin/gatehouse.js behaves the same from any working directory. tsx reads tsconfig.json from the
// current folder unless told which one: started elsewhere, the dashboard's JSX was compiled without
// `jsxImportSource: hono/jsx` ("React is not defined", every page a 500 while /readyz said ready),
// and a tsconfig.json of the folder it ran in (a scanned repository's) applied to Gatehouse's own
// code, its `paths` able to swap an import of Gatehouse for a file of that repository.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { describe, expect, it } from 'vitest';
import { scannerEntryArgv } from '../../src/scanners/gatehouse-secrets/adapter.js';
import { policyEntryArgv } from '../../src/scanners/policy/adapter.js';

const REPO = new URL('../../', import.meta.url).pathname;
const BIN = join(REPO, 'bin/gatehouse.js');

/** The environment of the test run without anything that would pick a tsconfig or an admin token for the child. */
function cleanEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && k !== 'TSX_TSCONFIG_PATH' && k !== 'GATEHOUSE_ADMIN_TOKEN' && k !== 'NODE_OPTIONS') out[k] = v;
  }
  return out;
}

/** Waits until the child's stdout matches every pattern; returns the first group of each. */
function waitForLines(child: ResultPromise, patterns: RegExp[], timeoutMs = 45_000): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let seen = '';
    let errors = '';
    const timer = setTimeout(() => reject(new Error(`timed out; stdout: ${seen}\nstderr: ${errors}`)), timeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const found = patterns.map((p) => p.exec(seen)?.[1]);
      if (found.every((f) => f !== undefined)) {
        clearTimeout(timer);
        resolve(found as string[]);
      }
    });
    void child.then(
      (r) => reject(new Error(`the dashboard exited (${r.exitCode}); stdout: ${seen}\nstderr: ${errors}`)),
      (e: unknown) => reject(e as Error),
    );
  });
}

/** name=value of the named cookie from a response's Set-Cookie headers. */
function cookieFrom(res: Response, name: string): string | undefined {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    if (pair!.startsWith(`${name}=`) && pair!.length > name.length + 1) return pair;
  }
  return undefined;
}

describe('bin/gatehouse.js from a working directory outside the repository', () => {
  it('serves the dashboard pages (login, then the overview), not a 500', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'gatehouse-bin-cwd-'));
    expect(cwd.startsWith(REPO)).toBe(false);
    const child = execa(process.execPath, [BIN, 'dashboard', '--db', join(cwd, 'd.db'), '--port', '0'], {
      cwd,
      env: cleanEnv(),
      extendEnv: false,
      reject: false,
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const [url, token] = await waitForLines(child, [/dashboard: (http:\/\/127\.0\.0\.1:\d+)\//, /Admin token \(shown once[^)]*\): (\S+)/]);
      const form = await fetch(`${url}/login`);
      const html = await form.text();
      expect(form.status, html.slice(0, 500)).toBe(200);
      expect(form.headers.get('content-type')).toMatch(/^text\/html/);
      expect(html).toMatch(/<form[^>]*action="\/login"/);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
      const nonce = cookieFrom(form, 'gatehouse_login');
      expect(csrf && nonce).toBeTruthy();

      const login = await fetch(`${url}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: nonce!, 'content-type': 'application/x-www-form-urlencoded', origin: url },
        body: new URLSearchParams({ _csrf: csrf!, token }).toString(),
      });
      expect(login.status, await login.text()).toBe(303);
      const session = cookieFrom(login, 'gatehouse_session');
      expect(session).toBeTruthy();
      const overview = await fetch(`${url}/`, { headers: { cookie: session! } });
      const page = await overview.text();
      expect(overview.status, page.slice(0, 500)).toBe(200);
      expect(page).toMatch(/^<!DOCTYPE html>/i);
      expect(stderr).not.toMatch(/React is not defined|rendering .* failed|error: GET/);
    } finally {
      child.kill('SIGTERM');
      const r = await child;
      expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    }
  });

  it("never applies a scanned repository's tsconfig.json to Gatehouse's own code (the CLI nor its scanners)", async () => {
    // A repository whose tsconfig maps imports of Gatehouse's code (zod in the CLI, picomatch in the
    // secret scanner) to a file of its own that leaves a mark when loaded.
    const root = mkdtempSync(join(tmpdir(), 'gatehouse-bin-tsconfig-'));
    const mark = join(root, 'loaded-from-the-repository');
    mkdirSync(join(root, 'services/api'), { recursive: true });
    writeFileSync(join(root, 'services/api/package.json'), '{}');
    writeFileSync(join(root, '.gatehouse.yml'), 'scanners:\n  dependency: []\n  misconfig: []\n  ci: []\nenrich:\n  kev: "off"\n  epss: "off"\n');
    const tsconfig = JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { zod: [join(root, 'evil.mjs')], picomatch: [join(root, 'evil.mjs')] } } });
    writeFileSync(join(root, 'tsconfig.json'), tsconfig);
    writeFileSync(join(root, 'services/api/tsconfig.json'), tsconfig);
    writeFileSync(
      join(root, 'evil.mjs'),
      `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(mark)}, 'x');\nexport const z = {};\nexport default function picomatch() {}\n`,
    );
    // bin/gatehouse.js run inside the repository (`npx gatehouse scan` from a clone of Gatehouse), and
    // the package script's entry run from the clone on that repository (its scanners run in its folders).
    const runs: [string, () => ResultPromise][] = [
      ['bin/gatehouse.js in the repository', () => execa(process.execPath, [BIN, 'scan', '.', '--format', 'json'], { cwd: root, env: cleanEnv(), extendEnv: false, reject: false })],
      [
        'node --import tsx src/cli/main.ts from the clone',
        () =>
          execa(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), 'scan', root, '--format', 'json'], {
            cwd: REPO,
            env: cleanEnv(),
            extendEnv: false,
            reject: false,
          }),
      ],
    ];
    for (const [what, start] of runs) {
      rmSync(mark, { force: true });
      const r = await start();
      expect(existsSync(mark), `${what}: ${r.stderr}`).toBe(false);
      expect(r.exitCode, `${what}: ${r.stderr}`).toBe(0);
      const report = JSON.parse(String(r.stdout)) as { scanners: { scanner: string; status: string }[] };
      const secrets = report.scanners.filter((s) => s.scanner === 'gatehouse-secrets');
      expect(secrets.length, what).toBeGreaterThan(0);
      expect(secrets.every((s) => s.status === 'ok'), what).toBe(true);
    }
    // The scanners' own entries from source, as the engine starts them without the CLI (a script, a
    // test calling runScan): in the service folder, with no TSX_TSCONFIG_PATH to say which tsconfig.
    for (const [what, argv] of [['the secret scanner', scannerEntryArgv()], ['the policy scanner', policyEntryArgv('gatehouse-deploy')]] as const) {
      rmSync(mark, { force: true });
      const [node, ...args] = argv;
      const r = await execa(node, [...args, '--help'], { cwd: join(root, 'services/api'), env: cleanEnv(), extendEnv: false, reject: false });
      expect(existsSync(mark), `${what}: ${r.stderr}`).toBe(false);
      expect(String(r.stderr), what).not.toMatch(/ERR_|Cannot find/);
    }
  });
});
