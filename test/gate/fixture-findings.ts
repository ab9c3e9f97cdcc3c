// Findings for the gate and reporter tests, built from the real recorded scanner output in
// ../shared/fixtures/scanners through the real parsers and normalizeFindings.
import { readFileSync } from 'node:fs';
import type { Finding, ParsedFinding } from '../../src/findings/finding.js';
import { normalizeFindings } from '../../src/findings/normalize.js';
import { parseTrivyReport } from '../../src/scanners/trivy.js';

export const FIXTURES = new URL('../../../shared/fixtures/scanners', import.meta.url).pathname;

export function trivyFindings(file: string, service: string, ctx: { image?: string } = {}): Finding[] {
  const text = readFileSync(`${FIXTURES}/trivy/${file}`, 'utf8');
  return normalizeFindings(parseTrivyReport(text, ctx).findings, { service });
}

/** A real-looking npm advisory (lodash CVE-2021-23337 as npm audit reports it). */
export function lodashFinding(service: string, overrides: Partial<ParsedFinding> = {}): Finding {
  const parsed: ParsedFinding = {
    tool: 'npm-audit',
    category: 'dependency',
    ruleId: 'CVE-2021-23337',
    title: 'Command Injection in lodash',
    severity: 'high',
    location: {
      path: `services/${service}/package-lock.json`,
      package: { ecosystem: 'npm', name: 'lodash', version: '4.17.20', fixedVersions: ['4.17.21'] },
    },
    cvss: { score: 7.2 },
    cwe: ['CWE-94'],
    references: ['https://github.com/advisories/GHSA-35jh-r3h4-6jhm'],
    fixAvailable: true,
    fix: 'upgrade lodash to 4.17.21',
    message: 'lodash 4.17.20 is affected by CVE-2021-23337',
    ...overrides,
  };
  return normalizeFindings([parsed], { service })[0]!;
}

export function codeFinding(service: string, overrides: Partial<ParsedFinding> = {}): Finding {
  const parsed: ParsedFinding = {
    tool: 'semgrep',
    category: 'sast',
    ruleId: 'javascript.lang.security.audit.eval-detected',
    title: 'eval-detected',
    severity: 'medium',
    location: { path: `services/${service}/src/calc.js`, startLine: 12, endLine: 12 },
    fixAvailable: false,
    message: 'Detected the use of eval()',
    matchHash: 'b'.repeat(64),
    ...overrides,
  };
  return normalizeFindings([parsed], { service })[0]!;
}
