// The PR comment's "Fix first": a credential in code is rotated first; a value in a test, example
// or docs (counted low there) is most often a fixture, so it is a "check" after the code fixes, never
// "Rotate ... leaked" at the top (retail-store-sample-app: its e2e workflow's DB_PASSWORD='test123'
// opened the list above every deployment fix). Real scan of a generated repository.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { createMemoryLogger } from '../../src/logger.js';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { runScan } from '../../src/scan.js';

async function fixFirst(files: Record<string, string>): Promise<string[]> {
  const root = mkdtempSync(join(tmpdir(), 'gh-fixfirst-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const report = await runScan({ repoRoot: root, config: ConfigSchema.parse({ scanners: { dependency: [] } }), kind: 'snapshot' }, { logger: createMemoryLogger() });
  const md = renderMarkdown(report);
  const start = md.indexOf('### Fix first');
  return md.slice(start).split('\n').filter((l) => /^\d\. /.test(l)).slice(0, 5);
}

describe('Fix first and secrets in tests', () => {
  it('puts the code fixes before a test-context value, and asks to check it rather than rotate it', async () => {
    const lines = await fixFirst({
      'services/api/package.json': '{}',
      'services/api/Dockerfile': 'FROM node:20.11\nCMD ["node", "server.js"]\n',
      'services/api/test/e2e.env': 'DB_PASSWORD=Meadow?2231x\n',
    });
    expect(lines[0]).toMatch(/^1\. \*\*Fix\*\* \w+ docker-root-user in /);
    const check = lines.find((l) => l.includes('generic-password'));
    expect(check).toMatch(/\*\*Check\*\* the generic-password in test context in .*e2e\.env:1.*: rotate it if it is a real credential, else mark it as a fixture$/);
    expect(lines.join('\n')).not.toContain('**Rotate**');
  });

  it('still rotates a credential in code first', async () => {
    const lines = await fixFirst({
      'services/api/package.json': '{}',
      'services/api/Dockerfile': 'FROM node:20.11\nCMD ["node", "server.js"]\n',
      'services/api/config/app.env': 'DB_PASSWORD=Meadow?2231x\n',
    });
    expect(lines[0]).toMatch(/^1\. \*\*Rotate\*\* the generic-password leaked in .*app\.env:1/);
  });
});
