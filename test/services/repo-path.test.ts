// Paths are normalised before services are assigned, and nothing outside the repository is read or
// scanned (issue 8 item 7).
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ConfigSchema, type RawGatehouseConfig } from '../../src/config/schema.js';
import { ConfigError } from '../../src/errors.js';
import { createMemoryLogger } from '../../src/logger.js';
import { runScan } from '../../src/scan.js';
import { resolveServicesWithCandidates, ROOT_SERVICE, serviceForPath } from '../../src/services/discover.js';
import { isInsideRepo, normalizeRepoPath, realPathInside } from '../../src/services/repo-path.js';

const REPO = new URL('../../', import.meta.url).pathname;
const SHARED = new URL('../../../shared/fixtures/scanners/', import.meta.url).pathname;
const ESCAPE = 'services/api/../../../../etc/passwd';

function repo(files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-repo-path-'));
  for (const [f, content] of Object.entries({ 'services/api/package.json': '{}', 'services/web/package.json': '{}', ...files })) {
    mkdirSync(join(root, f, '..'), { recursive: true });
    writeFileSync(join(root, f), content);
  }
  return root;
}

/** A folder outside every repository, holding a file with a planted token. */
function outsideFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-outside-'));
  writeFileSync(join(dir, 'package.json'), '{}');
  writeFileSync(join(dir, 'secrets.env'), `GITHUB_TOKEN=ghp_${'A1b2C3d4E5'.repeat(3)}abcdef\n`);
  return dir;
}

const config = (raw: RawGatehouseConfig = {}) => ConfigSchema.parse(raw);

describe('normalizeRepoPath', () => {
  it.each([
    ['services/api/src/a.js', 'services/api/src/a.js'],
    ['./services//api/./src/', 'services/api/src'],
    ['services\\api\\a.js', 'services/api/a.js'],
    ['services/web/../api/a.js', 'services/api/a.js'],
    ['.', ''],
    ['', ''],
    [ESCAPE, undefined],
    ['../x', undefined],
    ['..', undefined],
    ['services/..', ''],
    ['services/../..', undefined],
    ['/etc/passwd', undefined],
    ['C:/Windows', undefined],
    ['C:\\Windows', undefined],
    ['\\\\server\\share', undefined],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeRepoPath(input)).toBe(expected);
    expect(isInsideRepo(input)).toBe(expected !== undefined);
  });
});

describe('service assignment', () => {
  const services = [
    { name: 'api', path: 'services/api', dir: '/r/services/api' },
    { name: 'web', path: 'services/web', dir: '/r/services/web' },
  ];

  it(`${ESCAPE} is not attributed to api`, () => {
    expect(serviceForPath(services, ESCAPE)).toBe(ROOT_SERVICE);
    expect(serviceForPath(services, 'services/api/../web/x.js')).toBe('web');
    expect(serviceForPath(services, 'services/api/./x.js')).toBe('api');
  });

  it('an imported finding with an escaping path goes to no service, is said in every report, and its path is not read', async () => {
    const root = repo();
    const semgrep = JSON.parse(readFileSync(join(SHARED, 'semgrep/json-paths.json'), 'utf8')) as { results: { path: string }[] };
    semgrep.results = semgrep.results.slice(0, 2);
    semgrep.results[0]!.path = ESCAPE;
    semgrep.results[1]!.path = 'services/web/../api/handler.js';
    const file = join(mkdtempSync(join(tmpdir(), 'gatehouse-import-')), 'semgrep.json');
    writeFileSync(file, JSON.stringify(semgrep));
    const report = await runScan(
      {
        repoRoot: root,
        config: config({ scanners: { dependency: [], secret: [], misconfig: [], ci: [], sast: ['semgrep'] } }),
        kind: 'snapshot',
        imports: { semgrep: file },
      },
      { logger: createMemoryLogger() },
    );
    const escaped = report.findings.find((f) => f.location.path === '../../etc/passwd');
    expect(escaped?.service).toBe(ROOT_SERVICE);
    const inside = report.findings.find((f) => f.location.path === 'services/api/handler.js');
    expect(inside?.service).toBe('api');
    expect(report.findings.filter((f) => f.service === 'api')).toHaveLength(1);
    const notes = report.scanners.flatMap((r) => r.toolErrors);
    expect(notes.some((n) => /1 finding names a path outside the repository \(\.\.\/\.\.\/etc\/passwd\): attributed to \(root\)/.test(n))).toBe(true);
    expect(report.gate.warnings.some((w) => /path outside the repository/.test(w))).toBe(true);
  });
});

describe('service folders and discovery roots outside the repository', () => {
  it.each(['/etc', '../x', 'services/../../x'])('services[].path: %s is a config error naming the field', (path) => {
    const root = repo();
    let err: unknown;
    try {
      resolveServicesWithCandidates(root, config({ services: [{ name: 'api', path: 'services/api' }, { name: 'evil', path }] }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/^services\[1\]\.path: ".*" is outside the repository/);
    expect((err as ConfigError).details.field).toBe('services[1].path');
  });

  it('a service folder that is a symbolic link to a folder outside is refused, not followed', () => {
    const root = repo();
    symlinkSync(outsideFolder(), join(root, 'services/linked'));
    expect(() => resolveServicesWithCandidates(root, config({ services: [{ name: 'linked', path: 'services/linked' }] }))).toThrow(
      /services\[0\]\.path: "services\/linked" is a symbolic link to a folder outside the repository/,
    );
    expect(realPathInside(root, join(root, 'services/linked'))).toBe(false);
    expect(realPathInside(root, join(root, 'services/api'))).toBe(true);
  });

  it.each(['../../*', '/etc/*', 'services/*/../../..', '..'])('discover.roots: [%s] is refused', (r) => {
    const root = repo();
    expect(() => resolveServicesWithCandidates(root, config({ discover: { roots: [r] } }))).toThrow(
      /discover\.roots\[0\]: ".*" is outside the repository/,
    );
  });

  it('a discovered candidate that is a symbolic link to outside is not a service and is not read', async () => {
    const root = repo();
    symlinkSync(outsideFolder(), join(root, 'services/linked'));
    const found = resolveServicesWithCandidates(root, config());
    expect(found.services.map((s) => s.name)).toEqual(['api', 'web']);
    // The whole scan: the token in the linked folder is never read or reported.
    const report = await runScan({ repoRoot: root, config: config({ scanners: { dependency: [] } }), kind: 'snapshot' }, { logger: createMemoryLogger() });
    expect(report.findings.filter((f) => f.category === 'secret')).toEqual([]);
    expect(JSON.stringify(report)).not.toContain('secrets.env');
  });

  it('the CLI exits 2 naming the field and its line for services[].path: /etc', async () => {
    const root = repo();
    writeFileSync(join(root, '.gatehouse.yml'), 'services:\n  - name: api\n    path: services/api\n  - name: etc\n    path: /etc\n');
    const r = await execa(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), 'scan', root], { reject: false, cwd: REPO });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`gatehouse: config error: ${join(root, '.gatehouse.yml')}:5:11 services[1].path: "/etc" is outside the repository`);
  });
});
