// The runner end to end on real child processes: the fake scanner (test/fixtures/fake-scanner.mjs)
// prints real recorded output, crashes, hangs, prints garbage or exits oddly; each outcome must be a
// ScannerRun with the right status and a reason a user can act on.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeConfig } from '../../src/config/load.js';
import { ConfigSchema, type RawGatehouseConfig } from '../../src/config/schema.js';
import { ConfigError } from '../../src/errors.js';
import { createMemoryLogger } from '../../src/logger.js';
import { planScan } from '../../src/runner/plan.js';
import { describeOutputShape, executePlan, type ScanProgress } from '../../src/runner/run-scanners.js';
import { resolveServices, ROOT_SERVICE } from '../../src/services/discover.js';

const FAKE = new URL('../fixtures/fake-scanner.mjs', import.meta.url).pathname;
const SHARED = new URL('../../../shared/fixtures/scanners/', import.meta.url).pathname;
const SEMGREP_SARIF = join(SHARED, 'semgrep/sarif-rule-board.sarif');

function makeRepo(): string {
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-runner-'));
  for (const s of ['services/api', 'services/worker']) {
    mkdirSync(join(root, s), { recursive: true });
    writeFileSync(join(root, s, 'package.json'), '{}');
  }
  return root;
}

function fakeEntry(name: string, ...args: string[]) {
  return { name, command: [process.execPath, FAKE, ...args] };
}

async function scan(raw: RawGatehouseConfig, imports?: Record<string, string>, root = makeRepo()) {
  // no default scanners: each test names exactly what runs
  const config = ConfigSchema.parse(mergeConfig({ scanners: { dependency: [], secret: [], misconfig: [], ci: [] } }, raw));
  const services = resolveServices(root, config);
  const logger = createMemoryLogger();
  const events: ScanProgress[] = [];
  const plan = planScan({ repoRoot: root, config, services, imports, logger });
  const result = await executePlan(plan, {
    services,
    concurrency: config.concurrency,
    timeoutMs: config['scanner-timeout'] * 1000,
    maxOutputBytes: config['max-output-mb'] * 1024 * 1024,
    logger,
    onProgress: (e) => events.push(e),
  });
  return { ...result, events, logger, root };
}

describe('executePlan', () => {
  it('runs a SARIF-writing command per service and parses its real recorded output', async () => {
    const { runs, findings, events } = await scan({
      scanners: { sarif: [fakeEntry('fake-sast', '--print', SEMGREP_SARIF, '--exit', '1')] },
    });
    expect(runs.map((r) => [r.scanner, r.service, r.status])).toEqual([
      ['fake-sast', 'api', 'ok'],
      ['fake-sast', 'worker', 'ok'],
    ]);
    // 3 results on one line of one file with one snippet hash: normalized to one finding per service
    expect(runs.map((r) => r.findingCount)).toEqual([findings.length / 2, findings.length / 2]);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.filter((f) => f.service === 'api').every((f) => f.location.path?.startsWith('services/api/'))).toBe(true);
    expect(events.filter((e) => e.type === 'scanner-start')).toHaveLength(2);
    const ends = events.filter((e) => e.type === 'scanner-end');
    expect(ends).toHaveLength(2);
    expect(ends.every((e) => e.type === 'scanner-end' && e.durationMs > 0 && e.status === 'ok')).toBe(true);
  });

  it('reads a report the command writes to a file, and fails when it writes none', async () => {
    const { runs } = await scan({
      services: [{ name: 'api', path: 'services/api' }],
      scanners: {
        sarif: [
          { ...fakeEntry('to-file', '--print', SEMGREP_SARIF, '--write-to', 'out.sarif'), output: 'out.sarif' },
          { ...fakeEntry('no-file', '--exit', '0'), output: 'missing.sarif' },
        ],
      },
    });
    expect(runs[0]).toMatchObject({ scanner: 'to-file', status: 'ok' });
    expect(runs[0].findingCount).toBeGreaterThan(0);
    expect(runs[1]).toMatchObject({ scanner: 'no-file', status: 'error' });
    expect(runs[1].error).toContain('did not write its report file "missing.sarif"');
  });

  it('turns a crash, an odd exit code, a hang and garbage into errors with reasons', async () => {
    const { runs, findings } = await scan({
      services: [{ name: 'api', path: 'services/api' }],
      // not 1 s: on a loaded machine starting node alone can take a second, and the crasher would time out
      'scanner-timeout': 4,
      scanners: {
        sarif: [
          fakeEntry('crasher', '--signal', 'SIGSEGV'),
          fakeEntry('odd-exit', '--print', SEMGREP_SARIF, '--stderr', 'fatal: database locked', '--exit', '7'),
          fakeEntry('hanger', '--hang', join(mkdtempSync(join(tmpdir(), 'gh-')), 'pid')),
          fakeEntry('garbage', '--garbage'),
        ],
      },
    });
    const byName = Object.fromEntries(runs.map((r) => [r.scanner, r]));
    expect(Object.values(byName).every((r) => r.status === 'error' && r.findingCount === 0)).toBe(true);
    expect(findings).toEqual([]);
    // (node may print a line to stderr on its way down: then the reason also counts its bytes)
    expect(byName.crasher.error).toMatch(/^crasher: crashed \(killed by SIGSEGV\)/);
    expect(byName['odd-exit'].error).toBe(
      'odd-exit: exited with code 7 (expected 0 or 1); it printed 23 bytes to stderr (not shown: a tool\'s output may hold secrets); its database was locked (another process may be using its cache)',
    );
    expect(byName.hanger.error).toMatch(/^hanger: timed out after 4 s and was stopped \(raise "scanner-timeout"/);
    expect(byName.garbage.error).toMatch(
      /^garbage output is not valid: .*\(output: 82 characters of plain text output starting "Seg… fault\? toke"\)$/,
    );
    // the token the garbage held never reaches the error
    expect(byName.garbage.error).not.toContain('Zx9yW8vU7tS6rQ5pO4nM3lK2jI1hG0fE9dC8');
    expect(byName.garbage.error).not.toContain('ghp_Zx9y');
  });

  it('runs at most `concurrency` scanner processes at once, and really runs them in parallel', async () => {
    // Each fake scanner appends its start and exit times to a shared file; the largest number of
    // processes alive at one moment is what the limit must bound.
    const maxAlive = async (concurrency: number) => {
      const record = join(mkdtempSync(join(tmpdir(), 'gatehouse-overlap-')), 'times.log');
      const entries = ['a', 'b', 'c'].map((n) => fakeEntry(`sleeper-${n}`, '--sleep', '400', '--print', SEMGREP_SARIF, '--record', record));
      const { runs } = await scan({ concurrency, scanners: { sarif: entries } });
      expect(runs).toHaveLength(6); // 3 scanners x 2 services
      expect(runs.every((r) => r.status === 'ok')).toBe(true);
      const events = readFileSync(record, 'utf8')
        .trim()
        .split('\n')
        .map((line) => line.split(' '))
        .map(([kind, at]) => ({ delta: kind === 'start' ? 1 : -1, at: Number(at) }))
        // at the same instant, count an exit before a start
        .sort((x, y) => x.at - y.at || x.delta - y.delta);
      expect(events).toHaveLength(12);
      let alive = 0;
      let max = 0;
      for (const e of events) max = Math.max(max, (alive += e.delta));
      return max;
    };
    expect(await maxAlive(2)).toBe(2);
    expect(await maxAlive(1)).toBe(1);
  });

  it('reports a missing tool by name with how to install it', async () => {
    const { runs } = await scan({
      services: [{ name: 'api', path: 'services/api' }],
      scanners: { sarif: [{ name: 'hadolint', command: ['gatehouse-missing-hadolint', 'Dockerfile'] }] },
    });
    expect(runs[0].status).toBe('error');
    expect(runs[0].error).toBe(
      'hadolint is not installed ("gatehouse-missing-hadolint" was not found on PATH); to install: install gatehouse-missing-hadolint so that "gatehouse-missing-hadolint" is on PATH, or give scanners.sarif[].import a SARIF file made elsewhere',
    );
  });

  it('imports a recorded trivy report instead of running trivy and maps findings to services by path', async () => {
    const root = makeRepo();
    const { runs, findings } = await scan(
      { scanners: { dependency: ['trivy-fs'] } },
      { 'trivy-fs': join(SHARED, 'trivy/repo-npm-lockfile.json') },
      root,
    );
    // trivy ran nowhere: one imported run per service (and the root service holds the finding,
    // whose path "package-lock.json" is outside both service folders)
    expect(runs.map((r) => [r.service, r.status, r.findingCount])).toEqual([
      ['api', 'imported', 0],
      ['worker', 'imported', 0],
      [ROOT_SERVICE, 'imported', 1],
    ]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ tool: 'trivy', service: ROOT_SERVICE, category: 'dependency' });
  });

  it('imports for one service with TOOL@SERVICE, reading paths relative to that service', async () => {
    const { runs, findings } = await scan({ scanners: { dependency: [] } }, {
      'trivy-fs@worker': join(SHARED, 'trivy/repo-npm-lockfile.json'),
    });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ scanner: 'trivy-fs', service: 'worker', status: 'imported', findingCount: 1 });
    expect(findings[0].location.path).toBe('services/worker/package-lock.json');
  });

  it('fails an import that is missing or of an unknown shape, naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-import-'));
    writeFileSync(join(dir, 'odd.json'), '{"Scan": {"items": []}}');
    const missing = await scan({}, { 'trivy-fs': join(dir, 'nope.json') });
    expect(missing.runs[0]).toMatchObject({ status: 'error', service: ROOT_SERVICE });
    expect(missing.runs[0].error).toBe(`import of the trivy-fs report: imported report "${join(dir, 'nope.json')}" not found`);
    const odd = await scan({}, { 'trivy-fs': join(dir, 'odd.json') });
    expect(odd.runs[0].status).toBe('error');
    expect(odd.runs[0].error).toMatch(/^unsupported trivy report format: got an object with keys \[Scan\]/);
    const garbage = join(dir, 'garbage.txt');
    writeFileSync(garbage, 'Error: could not connect to the vulnerability DB');
    const bad = await scan({}, { 'trivy-fs': garbage });
    expect(bad.runs[0].error).toMatch(
      /^trivy output is not valid: .*\(imported report ".*garbage\.txt": 48 characters of plain text output starting "Error: could not con…"\)$/,
    );
  });

  it('skips a tool where it has nothing to scan (npm audit without a package-lock.json)', () => {
    const root = makeRepo();
    writeFileSync(join(root, 'services/api/package-lock.json'), '{"lockfileVersion": 3, "packages": {}}');
    const config = ConfigSchema.parse({ scanners: { dependency: ['npm-audit'], secret: [], misconfig: [], ci: [] } });
    const logger = createMemoryLogger();
    const plan = planScan({ repoRoot: root, config, services: resolveServices(root, config), logger });
    expect(plan.map((p) => [p.adapter.id, p.service.name])).toEqual([['npm-audit', 'api']]);
    // said where a user sees it (info, not only --verbose)
    expect(logger.lines).toContain('npm-audit: nothing to scan in worker (services/worker) (e.g. no lockfile there); skipped there');
  });

  it('refuses unknown scanners and imports before running anything', () => {
    const root = makeRepo();
    const config = ConfigSchema.parse({ scanners: { dependency: [], secret: [], misconfig: [], ci: [], sast: ['not-a-scanner'] } });
    expect(() => planScan({ repoRoot: root, config, services: resolveServices(root, config) })).toThrow(
      /^scanners\.sast\[0\]: unknown scanner "not-a-scanner"; known scanners: /,
    );
    const ok = ConfigSchema.parse({ scanners: { dependency: [], secret: [], misconfig: [], ci: [] } });
    expect(() =>
      planScan({ repoRoot: root, config: ok, services: resolveServices(root, ok), imports: { nope: 'x.json' } }),
    ).toThrow(ConfigError);
  });
});

describe('describeOutputShape', () => {
  it('says what output looked like without echoing a secret', () => {
    expect(describeOutputShape('')).toBe('the output was empty');
    expect(describeOutputShape('<html><body>502 Bad Gateway')).toBe(
      '27 characters of HTML output starting "<html><body>502 Bad Gate"',
    );
    const shape = describeOutputShape('ghp_Zx9yW8vU7tS6rQ5pO4nM3lK2jI1hG0fE9dC8 leaked');
    expect(shape).not.toMatch(/Zx9y/);
  });
});

describe('planScan options', () => {
  it('hands secrets.allow-paths to the embedded secret scanner', () => {
    const root = makeRepo();
    const config = ConfigSchema.parse({
      scanners: { dependency: [] },
      secrets: { 'allow-paths': ['**/testdata/**'] },
      services: [{ name: 'api', path: 'services/api' }],
    });
    const [planned] = planScan({ repoRoot: root, config, services: resolveServices(root, config) });
    expect(planned.adapter.id).toBe('gatehouse-secrets');
    // one run at the repository root; the glob keeps its repository and service-folder meanings
    expect(planned.mode === 'run' && planned.argv.slice(-4)).toEqual(['--allow-path', '**/testdata/**', '--allow-path', 'services/api/**/testdata/**']);
  });
});
