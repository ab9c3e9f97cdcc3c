// A realistic ScanReport for the reporter tests, made from the real recorded scanner output in
// ../shared/fixtures/scanners through the real parsers and the real gate pipeline
// (normalize -> suppressions -> baseline comparison -> decision). Three services:
// api (trivy fs: dependencies, misconfig, secrets), payments (npm audit, semgrep, gitleaks),
// web (trivy image; npm audit failing with the registry's 405).
import { readFileSync } from 'node:fs';
import { ConfigSchema, type RawGatehouseConfig } from '../../src/config/schema.js';
import type { Finding, ParsedFinding } from '../../src/findings/finding.js';
import { normalizeFindings } from '../../src/findings/normalize.js';
import { compareWithBaseline } from '../../src/gate/compare.js';
import { decideGate } from '../../src/gate/decide.js';
import { applySuppressions } from '../../src/gate/suppressions.js';
import { SCAN_REPORT_VERSION, type ScanReport, type ScannerRun } from '../../src/report/scan-report.js';
import type { ParseResult } from '../../src/scanners/adapter.js';
import { parseGitleaksReport } from '../../src/scanners/gitleaks.js';
import { parseNpmAuditReport } from '../../src/scanners/npm-audit.js';
import { parseSemgrepReport } from '../../src/scanners/semgrep.js';
import { parseTrivyReport } from '../../src/scanners/trivy.js';

export const FIXTURES = new URL('../../../shared/fixtures/scanners', import.meta.url).pathname;
export const fixture = (path: string) => readFileSync(`${FIXTURES}/${path}`, 'utf8');

export const HOSTILE_TEXTS = [
  '<img src=x onerror=alert(1)>',
  'ping @org/team and @octocat',
  '[click](javascript:alert(1))',
  '![x](https://evil.example/track.png)',
  '`code` and ```fence```',
  'a | b | c',
  '<script>alert(1)</script>',
  '<details><summary>x</summary>',
  '# heading\n\n- injected list',
  'see https://evil.example/phish and www.evil.example',
  'fixes #1 and GH-2',
  '**bold** _em_ ~~strike~~',
];

interface Source {
  scanner: string;
  tool: string;
  category: ScannerRun['category'];
  service: string;
  parse: () => ParseResult;
}

const SERVICES = [
  { name: 'api', path: 'services/api' },
  { name: 'payments', path: 'services/payments' },
  { name: 'web', path: 'services/web' },
];

export const SOURCES: Source[] = [
  { scanner: 'trivy-fs', tool: 'trivy', category: 'dependency', service: 'api', parse: () => parseTrivyReport(fixture('trivy/fs-vulns-misconfig-secrets.json'), { serviceDir: 'services/api' }) },
  { scanner: 'trivy-secret', tool: 'trivy', category: 'secret', service: 'api', parse: () => parseTrivyReport(fixture('trivy/repo-secrets.json'), { serviceDir: 'services/api' }) },
  { scanner: 'npm-audit', tool: 'npm-audit', category: 'dependency', service: 'payments', parse: () => parseNpmAuditReport(fixture('npm-audit/npm8-v2-26-vulns.json'), { serviceDir: 'services/payments' }) },
  { scanner: 'semgrep', tool: 'semgrep', category: 'sast', service: 'payments', parse: () => parseSemgrepReport(fixture('semgrep/json-many-vulns-error-warning.json'), { serviceDir: 'services/payments' }) },
  { scanner: 'gitleaks', tool: 'gitleaks', category: 'secret', service: 'payments', parse: () => parseGitleaksReport(fixture('gitleaks/json-v8-simple.json'), { serviceDir: 'services/payments' }) },
  { scanner: 'gitleaks', tool: 'gitleaks', category: 'secret', service: 'payments', parse: () => parseGitleaksReport(fixture('gitleaks/json-v8-tags.json'), { serviceDir: 'services/payments' }) },
  { scanner: 'trivy-image', tool: 'trivy', category: 'container', service: 'web', parse: () => parseTrivyReport(fixture('trivy/image-alpine-3.9.json'), { image: 'registry.example/web:1.4.2' }) },
];

/** A semgrep-shaped finding whose every text is hostile. */
export function hostileFinding(i: number): ParsedFinding {
  const text = HOSTILE_TEXTS[i % HOSTILE_TEXTS.length]!;
  return {
    tool: 'semgrep',
    category: 'sast',
    ruleId: `hostile.rule-${i} ${text}`,
    title: text,
    severity: 'high',
    location: { path: `services/web/src/${text.replace(/\s/g, '_')}.js`, startLine: i + 1 },
    fixAvailable: true,
    fix: text,
    message: text,
    matchHash: String(i).padStart(64, '0'),
  };
}

export interface BuildOptions {
  /** Extra parsed findings for web (hostile texts, volume). */
  extraWeb?: ParsedFinding[];
  gate?: RawGatehouseConfig['gate'];
  withBaseline?: boolean;
}

export function buildReport(opts: BuildOptions = {}): ScanReport {
  const now = new Date('2026-11-24T12:00:00Z');
  const scanners: ScannerRun[] = [];
  let findings: Finding[] = [];
  for (const s of SOURCES) {
    const parsed = s.parse();
    const normalized = normalizeFindings(parsed.findings, { service: s.service });
    findings.push(...normalized);
    scanners.push({
      scanner: s.scanner,
      tool: s.tool,
      category: s.category,
      service: s.service,
      status: 'imported',
      ...(parsed.toolVersion ? { toolVersion: parsed.toolVersion } : {}),
      durationMs: 850,
      findingCount: normalized.length,
      toolErrors: parsed.toolErrors,
    });
  }
  if (opts.extraWeb) findings.push(...normalizeFindings(opts.extraWeb, { service: 'web' }));
  scanners.push({
    scanner: 'npm-audit',
    tool: 'npm-audit',
    category: 'dependency',
    service: 'web',
    status: 'error',
    durationMs: 412,
    findingCount: 0,
    error: 'the registry refused the audit endpoint (HTTP 405 Method Not Allowed)',
    toolErrors: [],
  });
  // De-duplicate across sources as the engine does per service.
  findings = [...new Map(findings.map((f) => [f.fingerprint, f])).values()];

  const config = ConfigSchema.parse({
    gate: opts.gate ?? {},
    suppressions: [
      { id: 'urllib3-waiver', rule: 'CVE-2021-33503', reason: 'not reachable from request paths', owner: '@api-team', expires: '2026-12-01' },
      { id: 'old-waiver', rule: 'CVE-1999-0001', reason: 'legacy', owner: '@sec' },
      { id: 'docker-root', path: 'services/api/Dockerfile', reason: 'base image runs as root until Q1', expires: '2026-10-01' },
    ],
  });
  const suppressed = applySuppressions(findings, config.suppressions, now);

  // The base: the same scan minus a few findings (so some are new), plus one that is now fixed.
  const base = opts.withBaseline === false ? undefined : baseFindings(suppressed.findings);
  const changedFiles = ['services/payments/package-lock.json', 'services/web/Dockerfile', 'services/web/src/app.js'];
  const compared = compareWithBaseline(suppressed.findings, base && { findings: base }, changedFiles, {
    services: SERVICES.map((s) => s.name),
    servicePaths: Object.fromEntries(SERVICES.map((s) => [s.name, s.path])),
  });
  const gate = decideGate({
    findings: compared.findings,
    scanners,
    gate: config.gate,
    services: SERVICES,
    newOnly: true,
    suppressions: suppressed.report,
    baseline: base ? 'report' : 'none',
  });
  return {
    schema: 'gatehouse/scan-report',
    version: SCAN_REPORT_VERSION,
    scanId: 'run-42-attempt-1',
    createdAt: now.toISOString(),
    kind: 'pr',
    source: { repository: 'example/shop', ref: 'refs/pull/7/merge', commit: 'a'.repeat(40), pullRequest: 7, baseCommit: 'b'.repeat(40) },
    services: SERVICES,
    comparison: { baseline: base ? 'report' : 'none', changedFiles: true },
    scanners,
    findings: compared.findings,
    fixed: compared.fixed,
    suppressions: suppressed.report,
    coverage: { scanners: [], gaps: [], gapCount: 0, notServices: [] },
    gate,
  };
}

function baseFindings(current: Finding[]): Finding[] {
  // api, and payments' semgrep and gitleaks results, existed before; payments' npm audit and web are new.
  const old = current.filter((f) => f.service === 'api' || (f.service === 'payments' && (f.tool === 'semgrep' || f.tool === 'gitleaks')));
  const gone: Finding = { ...old[0]!, ruleId: 'CVE-2020-0001', title: 'An old vulnerability, now fixed', fingerprint: 'e'.repeat(32) };
  return [...old, gone];
}
