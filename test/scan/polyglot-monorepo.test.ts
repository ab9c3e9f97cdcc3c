import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { createMemoryLogger } from '../../src/logger.js';
import { toSarif } from '../../src/reporters/sarif.js';
import { runScan } from '../../src/scan.js';
import { sarifSchemaErrors } from '../reporters/sarif-validate.js';
import { PLANTED_TOKEN, POLYGLOT_SERVICES, writePolyglotMonorepo } from './polyglot-monorepo.js';

describe('a polyglot monorepo with services under src/<name>/', () => {
  it('finds every service, puts every file in the ledger, reports the root token and says what npm audit could not read', async () => {
    const { root, files } = writePolyglotMonorepo();
    const config = ConfigSchema.parse({ scanners: { dependency: ['npm-audit'] } });
    const report = await runScan({ repoRoot: root, config, kind: 'snapshot' }, { logger: createMemoryLogger() });
    expect(report.services.map((s) => s.name).sort()).toEqual([...POLYGLOT_SERVICES, '(root)'].sort());
    expect(report.coverage.notServices.map((n) => n.path)).toEqual(['src/docs-only']);
    const ledger = report.coverage.files!;
    expect(ledger.total).toBe(files.length);
    expect(ledger.perService.reduce((n, s) => n + s.files, 0)).toBe(files.length);
    expect(ledger.outsideServices.paths.sort()).toEqual(['.env.production', 'README.md', 'docker-compose.yml', 'src/docs-only/README.md'].sort());
    const token = report.findings.find((f) => f.category === 'secret' && f.location.path === '.env.production');
    expect(token?.service).toBe('(root)');
    expect(JSON.stringify(report)).not.toContain(PLANTED_TOKEN);
    // the Node lockfile one folder down is a gap npm audit cannot read, and said why
    expect(report.coverage.gaps).toContainEqual(expect.objectContaining({ path: 'src/node-web/app/package-lock.json', reason: expect.stringMatching(/not at a service root/) }));
    // a manifest npm audit never reads names the scanners that would (a Java or Go service's next step)
    expect(report.coverage.gaps).toContainEqual(expect.objectContaining({ path: 'src/go-api/go.mod', reason: 'no configured dependency scanner reads go.mod (configured: npm-audit; osv-scanner or trivy-fs would)' }));
    expect(report.gate.warnings.some((w) => /coverage gap/.test(w))).toBe(true);
  });

  it('reads changed files given as absolute and backslash paths, and gates a change to root files only', async () => {
    const { root } = writePolyglotMonorepo();
    const config = ConfigSchema.parse({ scanners: { dependency: [] } });
    const changed = [join(root, '.env.production'), 'src\\py-worker\\app.py'];
    const report = await runScan({ repoRoot: root, config, kind: 'pr', changedFiles: changed }, { logger: createMemoryLogger() });
    expect(report.services.map((s) => s.name).sort()).toEqual(['(root)', 'py-worker']);
    const token = report.findings.find((f) => f.location.path === '.env.production')!;
    expect(token.status).toBe('introduced');
    expect(report.gate.passed).toBe(false);
    await expect(runScan({ repoRoot: root, config, kind: 'pr', changedFiles: ['/etc/passwd'] }, { logger: createMemoryLogger() })).rejects.toThrow(/"\/etc\/passwd" is outside the repository/);
  });

  it('gives a tool that is missing its own SARIF run, unsuccessful, valid against the schema', async () => {
    const { root } = writePolyglotMonorepo();
    const config = ConfigSchema.parse({ scanners: { dependency: [], sarif: [{ name: 'absent-tool', command: ['gatehouse-no-such-tool-xyz'] }] } });
    const report = await runScan({ repoRoot: root, config, kind: 'snapshot' }, { logger: createMemoryLogger() });
    const sarif = toSarif(report);
    expect(sarifSchemaErrors(sarif)).toEqual([]);
    const run = sarif.runs.find((r) => r.tool.driver.name === 'absent-tool')!;
    expect(run.invocations![0]!.executionSuccessful).toBe(false);
    expect(run.invocations![0]!.toolExecutionNotifications!.length).toBeGreaterThan(0);
  });
});
