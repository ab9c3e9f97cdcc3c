// A change to the config a scan read re-gates everything it covers, also when the config lies outside
// the folder scanned: a monorepo's folder jobs sharing one `.gatehouse.yml` at the top (`--config
// ../../.gatehouse.yml`). Before, a PR that only removed a suppression or tightened the gate there
// touched no service of any folder: every job scanned nothing and passed.
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { createMemoryLogger } from '../../src/logger.js';
import { runScan } from '../../src/scan.js';
import { writeRepository } from './repository-tree.js';

function monorepo(extra: Record<string, string> = {}): string {
  const files: Record<string, string> = {
    ...extra,
    '.gatehouse.yml': 'scanners:\n  dependency: []\n',
    'services/web/package.json': '{ "name": "web" }\n',
    'services/web/Dockerfile': 'FROM node:20.11.1-alpine\nCMD ["node", "index.js"]\n',
    'services/api/package.json': '{ "name": "api" }\n',
  };
  return writeRepository('gatehouse-shared-config-', files);
}

const config = ConfigSchema.parse({ scanners: { dependency: [] } });

describe('a change to the config file read', () => {
  it("scans every service of the folder when the folder's config lies outside it; another file outside scans none", async () => {
    const top = monorepo();
    const scan = (changedFiles: string[]) =>
      runScan(
        { repoRoot: join(top, 'services/web'), config, configFile: join(top, '.gatehouse.yml'), kind: 'pr', changedFiles, changedFilesFrom: 'repository', source: { root: 'services/web' } },
        { logger: createMemoryLogger() },
      );
    const edited = await scan(['.gatehouse.yml']);
    expect(edited.services.map((s) => s.name)).toEqual(['web']);
    expect(edited.findings.map((f) => f.ruleId)).toContain('docker-root-user');
    const other = await scan(['services/api/package.json']);
    expect(other.services).toEqual([]);
  });

  it("scans the folder when its config is a link to the shared one, or when its ignore file outside it changes", async () => {
    const top = monorepo({ '.gatehouse-ignore.yml': 'suppressions: []\n' });
    symlinkSync('../../.gatehouse.yml', join(top, 'services/web/.gatehouse.yml'));
    const linked = await runScan(
      { repoRoot: join(top, 'services/web'), config, configFile: join(top, 'services/web/.gatehouse.yml'), kind: 'pr', changedFiles: ['.gatehouse.yml'], changedFilesFrom: 'repository', source: { root: 'services/web' } },
      { logger: createMemoryLogger() },
    );
    expect(linked.services.map((s) => s.name)).toEqual(['web']);
    const withIgnore = ConfigSchema.parse({ scanners: { dependency: [] }, 'ignore-file': '../../.gatehouse-ignore.yml' });
    const ignored = await runScan(
      { repoRoot: join(top, 'services/web'), config: withIgnore, kind: 'pr', changedFiles: ['.gatehouse-ignore.yml'], changedFilesFrom: 'repository', source: { root: 'services/web' } },
      { logger: createMemoryLogger() },
    );
    expect(ignored.services.map((s) => s.name)).toEqual(['web']);
  });

  it('scans every service when a config given by path inside the repository changes', async () => {
    const top = monorepo({ 'ci/gatehouse.yml': 'scanners:\n  dependency: []\n' });
    const report = await runScan(
      { repoRoot: top, config, configFile: join(top, 'ci/gatehouse.yml'), kind: 'pr', changedFiles: ['ci/gatehouse.yml'] },
      { logger: createMemoryLogger() },
    );
    expect(report.services.map((s) => s.name).sort()).toEqual(['(root)', 'api', 'web']);
  });
});
