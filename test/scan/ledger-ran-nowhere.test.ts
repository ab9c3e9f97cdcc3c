// A configured scanner that applies to no service (trivy-image and grype with no services[].image,
// as on create-t3-turbo) did nothing at all: the text, markdown and SARIF reports name it and say
// why, not only a "not applicable" count (the JSON report's ledger has every pair).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { createMemoryLogger } from '../../src/logger.js';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { toSarif } from '../../src/reporters/sarif.js';
import { renderText } from '../../src/reporters/text.js';
import { runScan } from '../../src/scan.js';

describe('configured scanners that ran on no service', () => {
  it('are named with the reason in the text, markdown and SARIF reports', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gh-nowhere-'));
    for (const [path, text] of Object.entries({ 'apps/web/package.json': '{}', 'apps/api/package.json': '{}' })) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    const config = ConfigSchema.parse({ scanners: { dependency: [], container: ['trivy-image', 'grype'], secret: ['gatehouse-secrets'] } });
    const report = await runScan({ repoRoot: root, config, kind: 'snapshot' }, { logger: createMemoryLogger() });
    expect(report.scanners.some((r) => r.scanner === 'trivy-image' || r.scanner === 'grype')).toBe(false);

    const line = 'ran on no service: grype, trivy-image (no image configured (services[].image))';
    expect(renderText(report, { color: false })).toContain(line);
    expect(renderMarkdown(report)).toContain('ran on no service: grype, trivy-image (no image configured \\(services\\[\\].image\\))');
    const notes = toSarif(report).runs.flatMap((r) => r.invocations?.flatMap((i) => i.toolExecutionNotifications ?? []) ?? []).map((n) => n.message.text);
    expect(notes).toEqual(expect.arrayContaining(['trivy-image ran on no service: no image configured (services[].image)', 'grype ran on no service: no image configured (services[].image)']));
  });

  it('are not listed when they ran on some service', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gh-nowhere-'));
    mkdirSync(join(root, 'apps/web'), { recursive: true });
    writeFileSync(join(root, 'apps/web/package.json'), '{}');
    const config = ConfigSchema.parse({ scanners: { dependency: [], secret: ['gatehouse-secrets'] } });
    const report = await runScan({ repoRoot: root, config, kind: 'snapshot' }, { logger: createMemoryLogger() });
    expect(renderText(report, { color: false })).not.toContain('ran on no service');
  });
});
