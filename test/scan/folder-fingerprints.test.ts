// A folder's findings keep their identity whether the repository is scanned whole or in parts: a
// nightly scan of the whole repository is the dashboard base of a folder's pull-request job, and a
// fingerprint that named files from the folder made every one of its findings "new" there (and fixed,
// then reopened, on the dashboard at each switch).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { createMemoryLogger } from '../../src/logger.js';
import { runScan } from '../../src/scan.js';
import { writeRepository } from './repository-tree.js';

// Built from pieces so this file holds no token-shaped literal (Gatehouse scans Gatehouse).
const KEY_ID = ['AKIA', 'Z7VRSQ5TJN2XKPWM'].join('');

function monorepo(): string {
  const files: Record<string, string> = {
    'services/web/package.json': '{ "name": "web" }\n',
    'services/web/config.js': `export const awsAccessKeyId = "${KEY_ID}";\n`,
    'services/web/Dockerfile': 'FROM node:20.11.1-alpine\nCMD ["node", "index.js"]\n',
    'services/api/package.json': '{ "name": "api" }\n',
  };
  return writeRepository('gatehouse-folder-fp-', files);
}

const config = ConfigSchema.parse({ scanners: { dependency: [] } });
const scan = (repoRoot: string, root?: string) =>
  runScan({ repoRoot, config, kind: 'snapshot', ...(root ? { source: { root } } : {}) }, { logger: createMemoryLogger() });

describe('fingerprints of a folder scanned alone', () => {
  it('equal those of the same findings in a scan of the whole repository', async () => {
    const top = monorepo();
    const whole = await scan(top);
    const part = await scan(join(top, 'services/web'), 'services/web');
    const web = whole.findings.filter((f) => f.service === 'web');
    expect(web.map((f) => f.ruleId).sort()).toEqual(['aws-access-key-id', 'docker-root-user']);
    // The part names its files from its folder, and the same service.
    expect(part.findings.map((f) => [f.ruleId, f.location.path, f.service]).sort()).toEqual([
      ['aws-access-key-id', 'config.js', 'web'],
      ['docker-root-user', 'Dockerfile', 'web'],
    ]);
    expect(part.findings.map((f) => f.fingerprint).sort()).toEqual(web.map((f) => f.fingerprint).sort());
  });

  it('of a scan of the top are what they were before folder scans named files from the top (pinned from 45bf395)', async () => {
    const whole = await scan(monorepo());
    expect(whole.findings.map((f) => [f.ruleId, f.location.path, f.fingerprint]).sort()).toEqual([
      ['aws-access-key-id', 'services/web/config.js', '98b9688bf8eb95894b4ebc3b80f57f37'],
      ['docker-root-user', 'services/web/Dockerfile', 'e9b0ba8bc4bd4075c138b3dd8f2e4030'],
    ]);
  });
});
