// Scan reports for the page tests: a few services with a history of default-branch snapshots, and
// one finding whose title is an XSS payload. Built through ScanReportSchema so they are exactly what
// the engine would send.
import type { Finding, Severity } from '../../../src/findings/finding.js';
import { ScanReportSchema, type ScanReport } from '../../../src/report/scan-report.js';

export const XSS_TITLE = '<script>alert(1)</script><img src=x onerror=alert(2)>';

export function finding(service: string, n: number, severity: Severity, extra: Partial<Finding> = {}): Finding {
  return {
    tool: 'trivy',
    category: 'dependency',
    ruleId: `CVE-2024-${1000 + n}`,
    title: `Vulnerability ${n} in pkg${n}`,
    severity,
    location: { path: 'package-lock.json', package: { ecosystem: 'npm', name: `pkg${n}`, version: '1.0.0', fixedVersions: ['1.0.1'] } },
    cwe: [],
    references: [`https://nvd.nist.gov/vuln/detail/CVE-2024-${1000 + n}`],
    fixAvailable: true,
    fix: `upgrade pkg${n} to 1.0.1`,
    message: `pkg${n} 1.0.0 is vulnerable`,
    fingerprint: `fp-${service}-${String(n).padStart(3, '0')}`,
    service,
    status: 'existing',
    ...extra,
  };
}

export function snapshot(service: string, createdAt: Date, findings: Finding[], scanId = `${service}-${createdAt.toISOString()}`): ScanReport {
  const counted = { critical: 0, high: 0, medium: 0, low: 0, info: 0, unknown: 0 };
  for (const f of findings) counted[f.severity] += 1;
  const failed = counted.critical + counted.high > 0;
  return ScanReportSchema.parse({
    schema: 'gatehouse/scan-report',
    version: 1,
    scanId,
    createdAt: createdAt.toISOString(),
    kind: 'snapshot',
    source: { repository: 'acme/shop', ref: 'refs/heads/main', commit: 'a1b2c3d4e5f6a7b8c9d0' },
    services: [{ name: service, path: `services/${service}` }],
    comparison: { baseline: 'none', changedFiles: false },
    scanners: [{ scanner: 'trivy-fs', tool: 'trivy', category: 'dependency', service, status: 'ok', durationMs: 1200, findingCount: findings.length }],
    findings,
    gate: {
      passed: !failed,
      outcome: failed ? 'failed' : 'passed',
      reasons: failed ? [{ kind: 'severity', message: `critical or high findings in ${service}`, service, severity: 'high' }] : [],
      warnings: [],
      counted,
    },
  });
}

/**
 * A 30-day history ending at `now`: "payments" grows then fixes findings, and carries the XSS
 * finding; "orders" is clean; "legacy" was last scanned 20 days ago (stale).
 */
export function historyReports(now: Date): ScanReport[] {
  const day = (d: number) => new Date(now.getTime() - d * 86_400_000);
  const reports: ScanReport[] = [];
  for (let d = 29; d >= 0; d -= 1) {
    const k = 29 - d; // 0..29
    const fs: Finding[] = [];
    for (let i = 0; i < 2 + Math.min(k, 12) - (k > 20 ? k - 20 : 0); i += 1) {
      fs.push(finding('payments', i, (['critical', 'high', 'medium', 'low'] as const)[i % 4]));
    }
    fs.push(
      finding('payments', 98, 'medium', {
        status: 'suppressed',
        suppression: { source: 'config', reason: 'accepted risk: internal only <b>', owner: 'alice', expires: '2027-01-31' },
      }),
      finding('payments', 99, 'high', {
        tool: 'semgrep',
        category: 'sast',
        ruleId: 'js.xss.reflected',
        title: XSS_TITLE,
        location: { path: 'src/<b>view</b>.ts', startLine: 12, endLine: 14 },
        references: ['javascript:alert(3)', 'https://owasp.org/xss'],
        fix: 'escape <output> with encodeURIComponent',
        message: 'user input reaches "innerHTML" <svg onload=alert(4)>',
      }),
    );
    reports.push(snapshot('payments', day(d), fs));
    reports.push(snapshot('orders', day(d), d % 7 === 0 ? [finding('orders', 1, 'low')] : []));
  }
  reports.push(snapshot('legacy', day(20), [finding('legacy', 1, 'critical'), finding('legacy', 2, 'medium')]));
  return reports;
}
