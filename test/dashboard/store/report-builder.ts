// Builds valid ScanReports for the dashboard tests (parsed by the real ScanReportSchema, so a
// helper mistake fails loudly instead of testing an impossible body).
import type { Finding, Severity } from '../../../src/findings/finding.js';
import { ScanReportSchema, type ScanReport } from '../../../src/report/scan-report.js';

export interface FindingSpec {
  fp: string;
  service?: string;
  severity?: Severity;
  tool?: string;
  category?: Finding['category'];
  title?: string;
  suppressed?: boolean;
  /** Any other finding fields (aliases, kev, epss, ...), set as they are. */
  extra?: Partial<Finding>;
}

export interface ReportSpec {
  scanId: string;
  createdAt: string;
  kind?: 'snapshot' | 'pr';
  services?: string[];
  findings?: FindingSpec[];
  /** Scanner runs; default one ok `trivy` dependency run per service. */
  scanners?: { tool: string; category: Finding['category']; service?: string; status?: 'ok' | 'error' | 'imported' }[];
  gate?: 'passed' | 'failed' | 'scanner-error';
  commit?: string;
}

export function finding(spec: FindingSpec, defaultService: string): Finding {
  const tool = spec.tool ?? 'trivy';
  return {
    tool,
    category: spec.category ?? 'dependency',
    ruleId: `CVE-2024-${spec.fp}`,
    title: spec.title ?? `vulnerability ${spec.fp}`,
    severity: spec.severity ?? 'high',
    location: {
      path: 'package-lock.json',
      package: { ecosystem: 'npm', name: `pkg-${spec.fp}`, version: '1.0.0', fixedVersions: ['1.0.1'] },
    },
    cwe: [],
    references: [`https://example.test/${spec.fp}`],
    fixAvailable: true,
    fix: `upgrade pkg-${spec.fp} to 1.0.1`,
    message: `pkg-${spec.fp} 1.0.0 is vulnerable`,
    // Padded to the schema's 8-character minimum: give distinct findings ids of 5+ characters or distinct padding.
    fingerprint: `fp-${spec.fp}`.padEnd(8, '0'),
    service: spec.service ?? defaultService,
    status: spec.suppressed ? 'suppressed' : 'existing',
    ...(spec.suppressed
      ? { suppression: { source: 'config', reason: 'accepted risk', owner: 'sec-team', expires: '2099-01-01' } }
      : {}),
    ...spec.extra,
  };
}

export function makeReport(spec: ReportSpec): ScanReport {
  const services = spec.services ?? ['payments'];
  const findings = (spec.findings ?? []).map((f) => finding(f, services[0]));
  const runs: NonNullable<ReportSpec['scanners']> =
    spec.scanners ?? services.map((s) => ({ tool: 'trivy', category: 'dependency' as const, service: s }));
  const scanners = runs.map((r) => ({
    scanner: `${r.tool}-${r.category}`,
    tool: r.tool,
    category: r.category,
    service: r.service ?? services[0],
    status: r.status ?? 'ok',
    durationMs: 12,
    findingCount: findings.filter((f) => f.tool === r.tool).length,
    ...(r.status === 'error' ? { error: `${r.tool} exited 2` } : {}),
  }));
  const outcome = spec.gate ?? 'passed';
  return ScanReportSchema.parse({
    schema: 'gatehouse/scan-report',
    version: 1,
    scanId: spec.scanId,
    createdAt: spec.createdAt,
    kind: spec.kind ?? 'snapshot',
    source: { repository: 'acme/shop', ref: 'refs/heads/main', commit: spec.commit ?? 'abc123' },
    services: services.map((name) => ({ name, path: `services/${name}` })),
    comparison: { baseline: 'none', changedFiles: false },
    scanners,
    findings,
    gate: {
      passed: outcome === 'passed',
      outcome,
      reasons:
        outcome === 'passed'
          ? []
          : [{ kind: outcome === 'scanner-error' ? 'scanner-error' : 'severity', message: 'gate says no', service: services[0] }],
      warnings: [],
      counted: { critical: 0, high: 0, medium: 0, low: 0, info: 0, unknown: 0 },
    },
  });
}

export const day = (d: string, time = '12:00:00') => `${d}T${time}Z`;

/** A failing PR scan whose gate blocked on `blocking` (fingerprint ids) of `findings`. */
export function failingPr(scanId: string, createdAt: string, findings: FindingSpec[], blocking: string[], pullRequest = 7): ScanReport {
  const r = makeReport({ scanId, createdAt, kind: 'pr', gate: 'failed', findings });
  return {
    ...r,
    source: { ...r.source, ref: `refs/pull/${pullRequest}/merge`, pullRequest },
    gate: { ...r.gate, reasons: [{ kind: 'severity', message: 'new critical findings', service: 'payments', severity: 'high', fingerprints: blocking.map((id) => `fp-${id}`.padEnd(8, '0')) }] },
  };
}
