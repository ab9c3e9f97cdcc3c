// No planted secret value reaches any output: the scanner's own stdout/stderr, and the full
// pipeline (runScan with the embedded scanner as a child process) rendered as text, JSON, SARIF and
// markdown, plus the scan's log.
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { createMemoryLogger } from '../../src/logger.js';
import type { ScanReport } from '../../src/report/scan-report.js';
import { renderJson } from '../../src/reporters/json.js';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { toSarif } from '../../src/reporters/sarif.js';
import { sarifSchemaErrors } from '../reporters/sarif-validate.js';
import { renderText } from '../../src/reporters/text.js';
import { runScan } from '../../src/scan.js';
import { gatehouseSecretsAdapter } from '../../src/scanners/gatehouse-secrets/adapter.js';
import { corpusFilesDir, loadManifest } from './corpus-evaluation.js';

const manifest = loadManifest();
// Every planted value (each line of a key), including those in allowed fixtures and allowed lines.
const fragments = [...new Set(manifest.expected.flatMap((e) => e.fragments))];

/** The planted values found in `text` (an empty list is the pass). */
function leakedIn(text: string): string[] {
  return fragments.filter((f) => text.includes(f));
}

describe('no secret value in any output', () => {
  let repoRoot: string;
  let report: ScanReport;
  let logLines: string[];

  beforeAll(async () => {
    repoRoot = mkdtempSync(join(tmpdir(), 'gatehouse-secrets-leak-'));
    cpSync(corpusFilesDir(manifest), repoRoot, { recursive: true });
    const config = ConfigSchema.parse({ services: [{ name: 'corpus', path: '.' }], scanners: { dependency: [], secret: ['gatehouse-secrets'] } });
    const logger = createMemoryLogger();
    report = await runScan({ repoRoot, config, kind: 'snapshot', now: new Date('2026-11-24T12:00:00Z') }, { logger });
    logLines = logger.lines;
  });

  it('the check itself sees the planted values in the scanned files', () => {
    expect(fragments.length).toBeGreaterThanOrEqual(300);
    const allText = manifest.secretFiles.map((f) => readFileSync(join(repoRoot, f), 'latin1')).join('\n');
    expect(leakedIn(allText).length).toBe(fragments.length);
  });

  it('scanner stdout and stderr hold previews and hashes only', async () => {
    const [file, ...args] = gatehouseSecretsAdapter.command({ service: 'root', dir: repoRoot, repoRoot, options: {} });
    const result = await execa(file, args, { cwd: repoRoot, reject: false });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).findings.length).toBeGreaterThanOrEqual(380);
    expect(leakedIn(result.stdout)).toEqual([]);
    expect(leakedIn(result.stderr)).toEqual([]);
  });

  it('the pipeline found the secrets (the check is not vacuous)', () => {
    const run = report.scanners.find((s) => s.scanner === 'gatehouse-secrets');
    expect(run?.status, JSON.stringify(run)).toBe('ok');
    const secrets = report.findings.filter((f) => f.category === 'secret');
    expect(secrets.length).toBeGreaterThanOrEqual(380);
    expect(secrets.every((f) => f.secretPreview && f.matchHash)).toBe(true);
  });

  it('text, JSON, SARIF and markdown reports and the log carry no secret value', () => {
    const outputs: Record<string, string> = {
      text: renderText(report, { color: false, top: 1000 }),
      json: renderJson(report),
      sarif: JSON.stringify(toSarif(report)),
      markdown: renderMarkdown(report, { maxChars: 1_000_000 }),
      log: logLines.join('\n'),
    };
    for (const [format, text] of Object.entries(outputs)) {
      expect(text.length, format).toBeGreaterThan(0);
      expect(leakedIn(text), format).toEqual([]);
    }
    expect(outputs.sarif).toContain('gatehouse-secrets');
    expect(sarifSchemaErrors(JSON.parse(outputs.sarif))).toEqual([]);
    expect(outputs.json).toContain('ghp_****');
  });
});
