// A realistic 90-day history for the demo, ingested through the real HTTP API (explicit createdAt
// timestamps): one default-branch snapshot per service per day, findings that open and get fixed
// over time (critical ones fast, low ones slowly), one reopened finding, a day where a scanner
// crashed (nothing gets "fixed" that day), and a few PR scans. Deterministic per service name.
import { SEVERITIES, type Category, type Finding, type Severity } from '../src/findings/finding.js';
import { ScanReportSchema, type ScanReport } from '../src/report/scan-report.js';

export interface SeedDemoResult {
  scans: number;
  /** Distinct findings across the history. */
  findings: number;
}

interface Template {
  tool: string;
  category: Category;
  ruleId: string;
  title: string;
  severity: Severity;
  make(service: string): Pick<Finding, 'location' | 'fix' | 'message' | 'fixAvailable' | 'references' | 'cwe' | 'cvss' | 'secretPreview' | 'matchHash'>;
}

const dep = (name: string, version: string, fixed: string, ruleId: string, title: string, severity: Severity, score: number, cwe: string): Template => ({
  tool: 'trivy',
  category: 'dependency',
  ruleId,
  title,
  severity,
  make: (service) => ({
    location: { path: `services/${service}/package-lock.json`, package: { ecosystem: 'npm', name, version, fixedVersions: [fixed] } },
    fix: `upgrade ${name} to ${fixed}`,
    message: `${name}@${version}: ${title}`,
    fixAvailable: true,
    references: [`https://nvd.nist.gov/vuln/detail/${ruleId}`],
    cwe: [cwe],
    cvss: { score },
  }),
});

const sast = (ruleId: string, title: string, severity: Severity, file: string, line: number, cwe: string): Template => ({
  tool: 'semgrep',
  category: 'sast',
  ruleId,
  title,
  severity,
  make: (service) => ({
    location: { path: `services/${service}/src/${file}`, startLine: line, endLine: line + 2 },
    message: title,
    fixAvailable: false,
    references: [`https://semgrep.dev/r/${ruleId}`],
    cwe: [cwe],
    matchHash: `${service}-${ruleId}-${file}`.padEnd(64, '0').slice(0, 64),
  }),
});

const TEMPLATES: Template[] = [
  dep('lodash', '4.17.20', '4.17.21', 'CVE-2021-23337', 'Command injection in lodash template', 'high', 7.2, 'CWE-94'),
  dep('minimist', '1.2.5', '1.2.6', 'CVE-2021-44906', 'Prototype pollution in minimist', 'critical', 9.8, 'CWE-1321'),
  dep('axios', '0.21.1', '0.21.2', 'CVE-2021-3749', 'Inefficient regular expression in axios', 'high', 7.5, 'CWE-1333'),
  dep('jsonwebtoken', '8.5.1', '9.0.0', 'CVE-2022-23529', 'jsonwebtoken unrestricted key type', 'medium', 6.4, 'CWE-20'),
  dep('semver', '7.3.7', '7.5.2', 'CVE-2022-25883', 'Regular expression denial of service in semver', 'medium', 5.3, 'CWE-1333'),
  dep('qs', '6.5.2', '6.5.3', 'CVE-2022-24999', 'qs prototype poisoning', 'high', 7.5, 'CWE-1321'),
  dep('express', '4.17.1', '4.19.2', 'CVE-2024-29041', 'Open redirect in express', 'medium', 6.1, 'CWE-601'),
  dep('cookie', '0.4.0', '0.7.0', 'CVE-2024-47764', 'cookie accepts out-of-bounds characters', 'low', 3.7, 'CWE-74'),
  dep('debug', '2.6.8', '2.6.9', 'CVE-2017-16137', 'Regular expression denial of service in debug', 'low', 3.7, 'CWE-400'),
  dep('ws', '7.4.5', '7.4.6', 'CVE-2021-32640', 'ReDoS in Sec-Websocket-Protocol header', 'medium', 5.3, 'CWE-400'),
  dep('follow-redirects', '1.14.7', '1.14.8', 'CVE-2022-0536', 'Exposure of sensitive information in follow-redirects', 'medium', 5.9, 'CWE-200'),
  dep('node-forge', '1.2.1', '1.3.0', 'CVE-2022-24771', 'Improper verification of signature in node-forge', 'high', 7.5, 'CWE-347'),
  sast('javascript.express.security.audit.xss.direct-response-write', 'Untrusted input written directly to the response', 'high', 'routes/search.js', 42, 'CWE-79'),
  sast('javascript.lang.security.audit.sqli.node-postgres-sqli', 'SQL built from a string concatenation', 'critical', 'db/orders.js', 88, 'CWE-89'),
  sast('javascript.lang.security.detect-child-process', 'child_process called with a non-literal argument', 'medium', 'jobs/export.js', 17, 'CWE-78'),
  sast('javascript.jsonwebtoken.security.jwt-none-alg', 'JWT verified without an algorithm list', 'medium', 'auth/verify.js', 23, 'CWE-327'),
  sast('javascript.lang.security.audit.path-traversal.path-join-resolve-traversal', 'Path built from user input', 'low', 'files/download.js', 31, 'CWE-22'),
  {
    tool: 'gitleaks',
    category: 'secret',
    ruleId: 'github-pat',
    title: 'GitHub personal access token',
    severity: 'high',
    make: (service) => ({
      location: { path: `services/${service}/scripts/deploy.sh`, startLine: 12 },
      message: 'A GitHub personal access token is committed',
      fixAvailable: false,
      references: [],
      cwe: ['CWE-798'],
      secretPreview: 'ghp_****',
      matchHash: 'a3'.repeat(32),
    }),
  },
];

/** Days a finding of this severity typically stays open (critical fast, low slowly, some never). */
const TYPICAL_OPEN_DAYS: Record<Severity, number> = { critical: 5, high: 18, medium: 45, low: 120, info: 200, unknown: 60 };

function rng(seedText: string): () => number {
  let h = 2166136261;
  for (const ch of seedText) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Lifetime {
  template: Template;
  fingerprint: string;
  /** Day indexes [open, close) in which the finding is present; several when it was reopened. */
  periods: [number, number][];
}

function planService(service: string, days: number): { lifetimes: Lifetime[]; crashDay: number } {
  const rnd = rng(service);
  const lifetimes: Lifetime[] = [];
  TEMPLATES.forEach((template, i) => {
    if (rnd() < 0.3) return; // not every service has every problem
    const open = Math.floor(rnd() * days * 0.9);
    const length = Math.max(1, Math.round(TYPICAL_OPEN_DAYS[template.severity] * (0.3 + rnd() * 1.4)));
    const periods: [number, number][] = [[open, Math.min(days + 1, open + length)]];
    // One in six fixed findings comes back a little later (a reverted upgrade).
    if (periods[0][1] < days - 10 && rnd() < 0.17) periods.push([periods[0][1] + 3, Math.min(days + 1, periods[0][1] + 3 + length)]);
    lifetimes.push({ template, fingerprint: `demo-${service}-${i}-${template.ruleId}`, periods });
  });
  return { lifetimes, crashDay: 20 + Math.floor(rnd() * (days - 30)) };
}

function buildReport(service: string, scanId: string, createdAt: string, kind: 'snapshot' | 'pr', present: Lifetime[], trivyCrashed: boolean, commit: string, pullRequest?: number): ScanReport {
  const findings: Finding[] = present.map((l) => ({
    tool: l.template.tool,
    category: l.template.category,
    ruleId: l.template.ruleId,
    title: l.template.title,
    severity: l.template.severity,
    ...l.template.make(service),
    fingerprint: l.fingerprint,
    service,
    status: 'existing',
  }));
  const runs = [
    { scanner: 'trivy-fs', tool: 'trivy', category: 'dependency' as const },
    { scanner: 'semgrep', tool: 'semgrep', category: 'sast' as const },
    { scanner: 'gitleaks', tool: 'gitleaks', category: 'secret' as const },
  ];
  const blocking = findings.filter((f) => f.severity === 'critical' || f.severity === 'high');
  const reasons = [
    ...(trivyCrashed ? [{ kind: 'scanner-error' as const, message: 'trivy-fs failed: exit code 1 (database download timed out)', service, fingerprints: [] }] : []),
    ...(blocking.length
      ? [{ kind: 'severity' as const, message: `${blocking.length} critical/high findings in ${service}`, service, fingerprints: blocking.map((f) => f.fingerprint) }]
      : []),
  ];
  const counted = Object.fromEntries(SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length])) as Record<Severity, number>;
  return ScanReportSchema.parse({
    schema: 'gatehouse/scan-report',
    version: 1,
    scanId,
    createdAt,
    kind,
    source: {
      repository: 'acme/shop',
      ref: kind === 'pr' ? `refs/pull/${pullRequest}/merge` : 'refs/heads/main',
      commit,
      ...(pullRequest ? { pullRequest } : {}),
      runUrl: `https://github.com/acme/shop/actions/runs/${Math.abs(hash(scanId))}`,
    },
    services: [{ name: service, path: `services/${service}` }],
    comparison: { baseline: kind === 'pr' ? 'dashboard' : 'none', changedFiles: kind === 'pr' },
    scanners: runs.map((r) => {
      const crashed = trivyCrashed && r.tool === 'trivy';
      return {
        ...r,
        service,
        status: crashed ? 'error' : 'ok',
        durationMs: 800 + (hash(scanId + r.scanner) % 4000),
        findingCount: crashed ? 0 : findings.filter((f) => f.tool === r.tool).length,
        ...(crashed ? { error: 'trivy exited with code 1: database download timed out' } : {}),
      };
    }),
    findings: trivyCrashed ? findings.filter((f) => f.tool !== 'trivy') : findings,
    gate: {
      passed: reasons.length === 0,
      outcome: reasons.length === 0 ? 'passed' : reasons.every((r) => r.kind === 'scanner-error') ? 'scanner-error' : 'failed',
      reasons,
      warnings: [],
      counted,
    },
  });
}

function hash(text: string): number {
  let h = 0;
  for (const ch of text) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return Math.abs(h);
}

async function post(baseUrl: string, token: string, report: ScanReport): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const res = await fetch(`${baseUrl.replace(/\/$/, '')}/api/v1/scans`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(report),
    });
    if (res.status === 201 || res.status === 200) {
      await res.arrayBuffer();
      return;
    }
    if (res.status === 429) {
      const wait = Number(res.headers.get('retry-after') ?? '1');
      await res.arrayBuffer();
      await new Promise((r) => setTimeout(r, Math.min(60, Math.max(1, wait)) * 1000));
      continue;
    }
    throw new Error(`seeding ${report.scanId}: HTTP ${res.status}: ${await res.text()}`);
  }
  throw new Error(`seeding ${report.scanId}: still rate limited after 20 attempts`);
}

/**
 * Ingests `days` days of history (ending today) for each service through POST /api/v1/scans.
 * Idempotent: scan ids are derived from service and day, so a second run changes nothing.
 * Start the dashboard with a generous `ingestRateLimit` (a 429 is waited out, but slowly).
 */
export async function seedDemoHistory(baseUrl: string, token: string, services: string[], days = 90, now = new Date()): Promise<SeedDemoResult> {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  let scans = 0;
  let findings = 0;
  for (const service of services) {
    const { lifetimes, crashDay } = planService(service, days);
    findings += lifetimes.length;
    for (let d = 0; d <= days; d++) {
      const dayStart = today - (days - d) * 86_400_000;
      const present = lifetimes.filter((l) => l.periods.some(([from, to]) => d >= from && d < to));
      const commit = hash(`${service}-${d}`).toString(16).padStart(8, '0').repeat(5);
      // The nightly default-branch snapshot, at 02:00 UTC (never in the future).
      const at = Math.min(dayStart + 2 * 3600_000, now.getTime() - 60_000);
      await post(baseUrl, token, buildReport(service, `demo-${service}-d${d}`, new Date(at).toISOString(), 'snapshot', present, d === crashDay, commit));
      scans++;
      // A PR every few days: it touches the service and (sometimes) brings a new problem.
      if (d % 6 === 3 && dayStart + 14 * 3600_000 < now.getTime()) {
        const pr = 100 + d;
        await post(baseUrl, token, buildReport(service, `demo-${service}-pr${pr}`, new Date(dayStart + 14 * 3600_000).toISOString(), 'pr', present, false, commit, pr));
        scans++;
      }
    }
  }
  return { scans, findings };
}
