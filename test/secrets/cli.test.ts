// The scanner as the engine runs it: a real child process started from the adapter's argv, its
// JSON parsed and validated by the adapter.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ScannerOutputError, UnsupportedFormatError } from '../../src/errors.js';
import { gatehouseSecretsAdapter, parseGatehouseSecretsReport } from '../../src/scanners/gatehouse-secrets/adapter.js';
import { getAdapter } from '../../src/scanners/registry.js';
import { ALNUM, Random } from './corpus-gen/values.js';

const random = new Random(99);
const token = `ghp_${random.chars(ALNUM, 36)}`;
const allowedToken = `ghp_${random.chars(ALNUM, 36)}`;
const fixtureToken = `npm_${random.chars(ALNUM, 36)}`;
const password = `Granite!${random.chars('0123456789', 4)}`;

function makeRepo(): { repoRoot: string; serviceDir: string } {
  const repoRoot = mkdtempSync(join(tmpdir(), 'gatehouse-secrets-cli-'));
  const serviceDir = join(repoRoot, 'services', 'api');
  mkdirSync(join(serviceDir, 'config'), { recursive: true });
  mkdirSync(join(serviceDir, 'test', 'fixtures'), { recursive: true });
  mkdirSync(join(serviceDir, 'node_modules', 'dep'), { recursive: true });
  writeFileSync(join(serviceDir, 'config', 'prod.env'), `LOG_LEVEL=info\nGH_TOKEN=${token}\nDB_PASSWORD=${password}\n`);
  writeFileSync(join(serviceDir, 'config', 'ci.env'), `CI_TOKEN=${allowedToken} # gitleaks:allow\n`);
  writeFileSync(join(serviceDir, 'test', 'fixtures', 'tokens.txt'), `NPM_TOKEN=${fixtureToken}\n`);
  writeFileSync(join(serviceDir, 'node_modules', 'dep', 'index.js'), `module.exports = "${token}";\n`);
  return { repoRoot, serviceDir };
}

async function runAdapter(repoRoot: string, serviceDir: string, options: Record<string, unknown>, cwd = serviceDir) {
  const argv = gatehouseSecretsAdapter.command({ service: 'api', dir: serviceDir, repoRoot, options });
  const [file, ...args] = argv;
  // The engine runs tools in the service folder; the scanner must not depend on it.
  const result = await execa(file, args, { cwd, reject: false });
  return { argv, result };
}

describe('gatehouse-secrets CLI as a child process', () => {
  it('is registered under its id and runs node, never a shell', () => {
    expect(getAdapter('gatehouse-secrets')).toBe(gatehouseSecretsAdapter);
    const argv = gatehouseSecretsAdapter.command({ service: 'api', dir: '/x', repoRoot: '/', options: {} });
    expect(argv[0]).toBe(process.execPath);
    expect(argv.slice(-4)).toEqual(['scan', '/x', '--repo-root', '/']);
  });

  it('scans a service folder, honours allow-paths and allow comments, skips node_modules', async () => {
    const { repoRoot, serviceDir } = makeRepo();
    const { result } = await runAdapter(repoRoot, serviceDir, { 'allow-paths': ['services/api/test/fixtures/**'] });
    expect(result.exitCode).toBe(0);
    expect(gatehouseSecretsAdapter.okExitCodes).toContain(result.exitCode);
    const parsed = gatehouseSecretsAdapter.parse(
      { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode ?? -1 },
      { repoRoot, serviceDir: 'services/api' },
    );
    const summary = parsed.findings.map((f) => [f.location.path, f.location.startLine, f.ruleId, f.inlineSuppressed ?? false]);
    expect(summary).toEqual([
      ['services/api/config/ci.env', 1, 'github-pat', true],
      ['services/api/config/prod.env', 2, 'github-pat', false],
      ['services/api/config/prod.env', 3, 'generic-password', false],
    ]);
    const [, gh] = parsed.findings;
    expect(gh).toMatchObject({ tool: 'gatehouse-secrets', category: 'secret', severity: 'high', secretPreview: 'ghp_****' });
    expect(gh.matchHash).toMatch(/^[a-f0-9]{64}$/);
    expect(parsed.toolVersion).toBe('1.1.0');
    // The secret values never leave the child process.
    for (const value of [token, allowedToken, fixtureToken, password]) {
      expect(result.stdout).not.toContain(value);
      expect(result.stderr).not.toContain(value);
      expect(JSON.stringify(parsed)).not.toContain(value);
    }
  });

  it('reports the fixture when no allow-path covers it', async () => {
    const { repoRoot, serviceDir } = makeRepo();
    const { result } = await runAdapter(repoRoot, serviceDir, {});
    const parsed = parseGatehouseSecretsReport(result.stdout, { serviceDir: 'services/api' });
    expect(parsed.findings.map((f) => f.location.path)).toContain('services/api/test/fixtures/tokens.txt');
  });

  it('fails with exit 2 and a clear message for a missing folder', async () => {
    const { repoRoot } = makeRepo();
    const { result } = await runAdapter(repoRoot, join(repoRoot, 'nope'), {}, repoRoot);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('not a directory');
    expect(gatehouseSecretsAdapter.okExitCodes).not.toContain(result.exitCode);
  });

  it('rejects allow-paths that are not a list of strings', () => {
    expect(() => gatehouseSecretsAdapter.command({ service: 'a', dir: '/x', repoRoot: '/', options: { 'allow-paths': 'test/**' } })).toThrow(
      /allow-paths/,
    );
  });
});

describe('parseGatehouseSecretsReport', () => {
  const valid = {
    tool: 'gatehouse-secrets',
    formatVersion: 2,
    toolVersion: '1.1.0',
    stats: { filesScanned: 1, bytesScanned: 10, filesSkipped: 0, filesAllowed: 0, durationMs: 1, cpuMs: 1, rules: 100, keySource: 'env' },
    skipped: [{ path: 'big.json', reason: 'too-large' }],
    findings: [
      {
        ruleId: 'github-pat',
        family: 'provider-token',
        title: 'GitHub personal access token',
        severity: 'high',
        context: 'code',
        path: 'a.env',
        line: 1,
        endLine: 1,
        column: 5,
        occurrences: 1,
        lines: [1],
        preview: 'ghp_****',
        matchHash: 'a'.repeat(64),
        anchor: 'b'.repeat(64),
        inlineAllowed: false,
      },
    ],
  };

  it('reads a valid report', () => {
    expect(parseGatehouseSecretsReport(JSON.stringify(valid), {}).findings[0].location).toEqual({ path: 'a.env', startLine: 1, endLine: 1, startColumn: 5 });
  });

  it('refuses garbage, unknown versions and unmasked previews', () => {
    expect(() => parseGatehouseSecretsReport('Segmentation fault', {})).toThrow(ScannerOutputError);
    expect(() => parseGatehouseSecretsReport(JSON.stringify({ ...valid, formatVersion: 3 }), {})).toThrow(UnsupportedFormatError);
    expect(() => parseGatehouseSecretsReport(JSON.stringify({ ...valid, formatVersion: 1 }), {})).toThrow(UnsupportedFormatError);
    const leaky = { ...valid, findings: [{ ...valid.findings[0], preview: `ghp_${'A'.repeat(36)}` }] };
    expect(() => parseGatehouseSecretsReport(JSON.stringify(leaky), {})).toThrow(/preview/);
    expect(() => parseGatehouseSecretsReport(JSON.stringify({ ...valid, findings: 'none' }), {})).toThrow(ScannerOutputError);
  });

  it('never echoes the output it refuses', () => {
    const secretish = `{"token": "ghp_${'B'.repeat(36)}"`;
    try {
      parseGatehouseSecretsReport(secretish, {});
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain('BBBB');
    }
  });
});

describe('bundled scanner (dist/secret-scanner.js beside the action bundle)', () => {
  it('is preferred by the adapter when present and reports the same as the source CLI', async () => {
    const { build } = await import('esbuild');
    const out = mkdtempSync(join(tmpdir(), 'gatehouse-secrets-bundle-'));
    const root = join(import.meta.dirname, '..', '..');
    const common = {
      absWorkingDir: root,
      bundle: true,
      platform: 'node' as const,
      format: 'esm' as const,
      target: 'node20',
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
      logLevel: 'silent' as const,
    };
    await build({ ...common, entryPoints: ['src/scanners/gatehouse-secrets/cli.ts'], outfile: join(out, 'secret-scanner.js') });
    // Stands in for the action bundle: the adapter, bundled, prints the argv it would run.
    writeFileSync(
      join(out, 'entry.ts'),
      `import { scannerEntryArgv } from ${JSON.stringify(join(root, 'src/scanners/gatehouse-secrets/adapter.ts'))};\nconsole.log(JSON.stringify(scannerEntryArgv()));\n`,
    );
    await build({ ...common, entryPoints: [join(out, 'entry.ts')], outfile: join(out, 'index.js') });
    const printed = await execa(process.execPath, [join(out, 'index.js')]);
    expect(JSON.parse(printed.stdout)).toEqual([process.execPath, join(out, 'secret-scanner.js')]);

    const { repoRoot, serviceDir } = makeRepo();
    const bundled = await execa(process.execPath, [join(out, 'secret-scanner.js'), 'scan', serviceDir, '--repo-root', repoRoot], { cwd: serviceDir });
    const { result: fromSource } = await runAdapter(repoRoot, serviceDir, {});
    const strip = (stdout: string) => parseGatehouseSecretsReport(stdout, {}).findings;
    expect(strip(bundled.stdout)).toEqual(strip(fromSource.stdout));
    expect(strip(bundled.stdout).length).toBeGreaterThanOrEqual(3);
  });
});
