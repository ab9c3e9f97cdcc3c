// The demo's 90-day history, made of the example repository's own findings (the scan `npm run demo`
// just made of examples/), ingested through the real HTTP API with explicit createdAt timestamps: one
// default-branch snapshot per service per day in which today's findings appear one by one (critical
// ones recently, low ones long ago), some fixed once and back again, a day where trivy crashed
// (nothing gets "fixed" that day), a PR scan every few days; then today's scan itself as the latest
// snapshot. Deterministic per service and fingerprint.
import { SEVERITIES, type Finding, type Severity } from '../src/findings/finding.js';
import { ScanReportSchema, type ScanReport } from '../src/report/scan-report.js';
import { mulberry32 } from './seeded-random.js';

interface SeedDemoResult {
  scans: number;
  /** Distinct findings across the history. */
  findings: number;
}

/** Days a finding of this severity typically stays open (critical fast, low slowly, some never). */
const TYPICAL_OPEN_DAYS: Record<Severity, number> = { critical: 5, high: 18, medium: 45, low: 120, info: 200, unknown: 60 };

function rng(seedText: string): () => number {
  let h = 2166136261;
  for (const ch of seedText) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return mulberry32(h);
}

interface Lifetime {
  finding: Finding;
  /** Day indexes [open, close) in which the finding is present; the last period reaches today. */
  periods: [number, number][];
}

/**
 * The past of today's findings of one service: each was first seen some day in the window (critical
 * ones recently, low ones long ago) and is still there today; about one in four was fixed once
 * before and came back (a reverted upgrade, a copied snippet), which gives the fix history and MTTR.
 */
function planService(service: string, findings: Finding[], days: number): { lifetimes: Lifetime[]; crashDay: number } {
  const rnd = rng(service);
  const lifetimes = findings.map((finding): Lifetime => {
    const r = rng(finding.fingerprint);
    const typical = TYPICAL_OPEN_DAYS[finding.severity];
    const age = Math.min(days - 1, Math.max(1, Math.round(typical * (0.2 + r() * 1.2))));
    const open = days - age;
    const periods: [number, number][] = [];
    if (open > 12 && r() < 0.25) {
      const first = Math.floor(r() * (open - 10));
      const length = Math.max(2, Math.min(open - first - 4, Math.round(typical * (0.2 + r() * 0.6))));
      periods.push([first, first + length]);
    }
    periods.push([open, days + 1]);
    return { finding, periods };
  });
  return { lifetimes, crashDay: 20 + Math.floor(rnd() * (days - 30)) };
}

/** One scan of a service in the past: today's scanner runs (same tools, same statuses) over the findings then present. */
function buildReport(
  today: ScanReport,
  service: string,
  scanId: string,
  createdAt: string,
  kind: 'snapshot' | 'pr',
  present: Lifetime[],
  trivyCrashed: boolean,
  commit: string,
  pullRequest?: number,
): ScanReport {
  const crashedTool = trivyCrashed && present.some((l) => l.finding.tool === 'trivy') ? 'trivy' : undefined;
  const findings: Finding[] = present.map((l) => ({ ...l.finding, status: 'existing' as const })).filter((f) => f.tool !== crashedTool);
  const runs = today.scanners
    .filter((r) => r.service === service)
    .map((r) => {
      const crashed = crashedTool !== undefined && r.tool === crashedTool;
      const { error: _error, ...rest } = r;
      return {
        ...rest,
        status: crashed ? ('error' as const) : r.status,
        durationMs: 800 + (hash(scanId + r.scanner) % 4000),
        findingCount: crashed ? 0 : findings.filter((f) => f.tool === r.tool).length,
        ...(crashed ? { error: 'trivy exited with code 1: database download timed out' } : r.error ? { error: r.error } : {}),
      };
    });
  const counted = Object.fromEntries(SEVERITIES.map((sev) => [sev, findings.filter((f) => f.severity === sev && f.status !== 'suppressed').length])) as Record<Severity, number>;
  const blocking = findings.filter((f) => f.status !== 'suppressed' && (f.severity === 'critical' || f.severity === 'high'));
  const reasons = [
    ...runs.filter((r) => r.status === 'error').map((r) => ({ kind: 'scanner-error' as const, message: `${r.scanner} failed: ${r.error ?? 'error'}`, service, fingerprints: [] })),
    ...(blocking.length ? [{ kind: 'severity' as const, message: `${blocking.length} critical/high findings in ${service}`, service, fingerprints: blocking.map((f) => f.fingerprint) }] : []),
  ];
  const path = today.services.find((x) => x.name === service)?.path ?? '';
  return ScanReportSchema.parse({
    schema: 'gatehouse/scan-report',
    version: 1,
    scanId,
    createdAt,
    kind,
    // No repository and no run URL: the example lives in this checkout, and a made-up link would be dead.
    source: { ref: kind === 'pr' ? `refs/pull/${pullRequest}/merge` : 'refs/heads/main', commit, ...(pullRequest ? { pullRequest } : {}) },
    services: [{ name: service, path }],
    comparison: { baseline: kind === 'pr' ? 'dashboard' : 'none', changedFiles: kind === 'pr' },
    scanners: runs,
    findings,
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
 * Ingests `days` days of history (ending yesterday) for every service of `today` (the scan the demo
 * just made of examples/) through POST /api/v1/scans: nightly snapshots and a PR scan every few
 * days, all made of today's own findings (the example's packages and files), then `today` itself as
 * the latest snapshot, so the dashboard shows what the terminal printed. Idempotent: scan ids are
 * derived from service and day. Start the dashboard with a generous `ingestRateLimit`.
 */
export async function seedDemoHistory(baseUrl: string, token: string, today: ScanReport, days = 90, now = new Date()): Promise<SeedDemoResult> {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  let scans = 0;
  let findings = 0;
  for (const { name: service } of today.services) {
    const mine = today.findings.filter((f) => f.service === service);
    const { lifetimes, crashDay } = planService(service, mine, days);
    findings += lifetimes.length;
    for (let d = 0; d < days; d++) {
      const dayStart = midnight - (days - d) * 86_400_000;
      const present = lifetimes.filter((l) => l.periods.some(([from, to]) => d >= from && d < to));
      const commit = hash(`${service}-${d}`).toString(16).padStart(8, '0').repeat(5);
      // The nightly default-branch snapshot, at 02:00 UTC.
      await post(baseUrl, token, buildReport(today, service, `demo-${service}-d${d}`, new Date(dayStart + 2 * 3600_000).toISOString(), 'snapshot', present, d === crashDay, commit));
      scans++;
      // A PR every few days: it touches the service and carries what the branch had then.
      if (d % 6 === 3) {
        const pr = 100 + d;
        await post(baseUrl, token, buildReport(today, service, `demo-${service}-pr${pr}`, new Date(dayStart + 14 * 3600_000).toISOString(), 'pr', present, false, commit, pr));
        scans++;
      }
    }
  }
  // Today's scan, as it is: the latest default-branch snapshot of every service.
  await post(baseUrl, token, { ...today, kind: 'snapshot' });
  scans++;
  return { scans, findings };
}
