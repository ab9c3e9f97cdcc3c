// Two secret scanners configured side by side for coverage (the embedded scanner and gitleaks) see
// the same value on the same line. One value is one finding naming both tools, in every report
// format; before, the PR comment listed each such secret twice.
// gitleaks cannot run here: its report is the recorded v8 JSON (../shared/fixtures/scanners/gitleaks/
// json-v8-simple.json) with this repository's files, lines and values put in.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema, type RawGatehouseConfig } from '../../src/config/schema.js';
import type { Finding } from '../../src/findings/finding.js';
import { createMemoryLogger } from '../../src/logger.js';
import { renderJson } from '../../src/reporters/json.js';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { toSarif } from '../../src/reporters/sarif.js';
import { renderText } from '../../src/reporters/text.js';
import { runScan } from '../../src/scan.js';

const RECORDED = new URL('../../../shared/fixtures/scanners/gitleaks/json-v8-simple.json', import.meta.url).pathname;
// Built at run time so this file holds no token-shaped literal.
const TOKEN = `${'ghp_'}${'Wm4qT8zK2vR7nP1xL5cY9bH3dF6gJ0sA2eU4'}`;
const TEST_PASSWORD = 'Lantern-Quiver-9917x';
// a value only a custom gitleaks rule knows
const TICKET = 'ACME-7730-2291-0042';

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

/** gitleaks' recorded leak with another rule, file, line and value (the shape is the real one). */
function leak(ruleId: string, file: string, line: number, secret: string): Record<string, unknown> {
  const [template] = JSON.parse(readFileSync(RECORDED, 'utf8')) as Record<string, unknown>[];
  return { ...template, RuleID: ruleId, Description: ruleId, File: file, StartLine: line, EndLine: line, Secret: secret, Match: `x = "${secret}"`, Commit: '', Fingerprint: `${file}:${ruleId}:${line}` };
}

async function scan(root: string, secret: RawGatehouseConfig['scanners'] extends infer S ? (S extends { secret?: infer E } ? E : never) : never) {
  const config = ConfigSchema.parse({ services: [{ name: 'api', path: 'services/api' }], scanners: { dependency: [], misconfig: [], ci: [], secret } });
  return runScan({ repoRoot: root, config, kind: 'snapshot' }, { logger: createMemoryLogger() });
}

const at = (f: Finding) => `${f.location.path}:${f.location.startLine} ${f.severity} ${(f.tools ?? [f.tool]).join('+')}`;

describe('the embedded secret scanner and gitleaks on one repository', () => {
  it('give one finding per value, naming both tools, keeping the embedded finding\'s identity and context', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gh-two-secret-scanners-'));
    write(root, {
      'services/api/package.json': '{}',
      'services/api/src/config.ts': `export const region = 'eu';\n\nexport const githubToken = '${TOKEN}';\n`,
      // a generic password in a test: the embedded scanner counts it as low there (the default contexts)
      'services/api/test/login.test.ts': `it('logs in', () => {\n  const password = "${TEST_PASSWORD}";\n});\n`,
      // another value gitleaks alone reports (a custom rule the embedded scanner does not have)
      'services/api/src/other.ts': `// nothing\nconst ticket = '${TICKET}';\n`,
    });
    const report = join(mkdtempSync(join(tmpdir(), 'gh-gitleaks-report-')), 'gitleaks.json');
    writeFileSync(report, JSON.stringify([
      // a repository-wide import: paths from the repository root
      leak('github-pat', 'services/api/src/config.ts', 3, TOKEN),
      leak('generic-api-key', 'services/api/test/login.test.ts', 2, TEST_PASSWORD),
      leak('acme-ticket', 'services/api/src/other.ts', 2, TICKET),
    ]));
    const embeddedOnly = await scan(root, ['gatehouse-secrets']);
    const both = await scan(root, ['gatehouse-secrets', { use: 'gitleaks', import: report }]);
    expect(both.findings.map(at).sort()).toEqual([
      'services/api/src/config.ts:3 high gatehouse-secrets+gitleaks',
      'services/api/src/other.ts:2 high gitleaks',
      'services/api/test/login.test.ts:2 low gatehouse-secrets+gitleaks',
    ]);
    // The merged findings keep the fingerprints the embedded scanner alone gave (a dashboard's history).
    const embeddedPrints = new Set(embeddedOnly.findings.map((f) => f.fingerprint));
    expect(embeddedPrints.size).toBe(2);
    for (const f of both.findings.filter((x) => x.tools)) expect(embeddedPrints.has(f.fingerprint)).toBe(true);
    const token = both.findings.find((f) => f.location.path === 'services/api/src/config.ts')!;
    expect(token.message).toContain('(also gitleaks: github-pat)');
    expect(token.secret?.context).toBe('code');

    const outputs = {
      text: renderText(both, { color: false }),
      markdown: renderMarkdown(both),
      sarif: JSON.stringify(toSarif(both)),
      json: renderJson(both),
    };
    for (const [format, out] of Object.entries(outputs)) {
      for (const value of [TOKEN, TEST_PASSWORD, TICKET]) expect(out, format).not.toContain(value);
    }
    expect(outputs.markdown).toContain('found by gatehouse-secrets + gitleaks');
    expect(JSON.parse(outputs.sarif).runs.flatMap((r: { results: unknown[] }) => r.results)).toHaveLength(3);
  });

  it('keeps two findings when the two tools show different values on one line', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gh-two-secret-scanners-'));
    write(root, {
      'services/api/package.json': '{}',
      'services/api/src/config.ts': `export const githubToken = '${TOKEN}';\n`,
    });
    const report = join(mkdtempSync(join(tmpdir(), 'gh-gitleaks-report-')), 'gitleaks.json');
    // gitleaks in history mode reports a value an older version of the file had on that line
    writeFileSync(report, JSON.stringify([{ ...leak('aws-access-token', 'services/api/src/config.ts', 1, `${'AKIA'}Q3EXAMPLE7ZT4VW2K9`), Commit: 'a'.repeat(40) }]));
    const both = await scan(root, ['gatehouse-secrets', { use: 'gitleaks', import: report }]);
    expect(both.findings.map(at).sort()).toEqual([
      'services/api/src/config.ts:1 high gatehouse-secrets',
      'services/api/src/config.ts:1 high gitleaks',
    ]);
  });
});
