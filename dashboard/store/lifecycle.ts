// The finding lifecycle, as one pure function: what the store knew before a report (per service) and
// the report in, the list of decisions out. No SQL here: each backend (sqlite/ingest.ts,
// postgres/ingest.ts) reads the prior state, calls `planIngest` and applies the decisions in one
// transaction. The rules, in the order they are decided:
//
// - A PR scan never moves the lifecycle: it records where known findings were seen (`sighted`).
// - A snapshot at or after the service's latest snapshot is "in order":
//     - a finding never seen before is `opened`;
//     - a known finding is `refreshed` (its fields follow the report); a fixed one is `reopened`;
//     - an open finding absent from the report is `fixed`, but only when the scanner that finds it
//       (its tool) ran without error for this service in this report: a scanner that crashed or did
//       not run proves nothing, so its findings stay open.
// - A snapshot older than the latest ("late", e.g. matrix jobs racing) is merged conservatively:
//   known findings only get the sighting; a finding nobody saw before existed then and was gone by
//   the next snapshot, so it is `lateOpenedAndFixed` (opened at the late snapshot, fixed at the next).
//   Its posture day is filled only when no later snapshot of that day did (`ifAbsent`), counting as
//   an in-order snapshot does the open findings of a scanner that errored or did not run.
// - Posture and report counts leave out suppressed findings and those with a dashboard triage
//   decision in force at the report's time (`PriorService.triaged`), whether or not the client
//   applied it. A finding the report marks suppressed by such a decision (the action's) is stored as
//   found: the decision is the store's, so clearing it makes the finding count again at once.
import type { Finding, Severity } from '../../src/findings/finding.js';
import type { ScanReport } from '../../src/report/scan-report.js';
import { inlineSuppression } from '../../src/findings/inline-suppression.js';
import { dayOf } from './days.js';
import type { GateOutcome, IngestResult, NotableFinding, RepositoryMove, SeverityCounts } from './shapes.js';
import { RepositoryMismatchError } from './errors.js';
import { emptyCounts } from './counts.js';

/** What the store knows about one finding of a service before the report. */
export interface PriorFinding {
  fingerprint: string;
  state: 'open' | 'fixed';
  openedAt: string;
  /** When it was fixed (null while open): a late snapshot counts one fixed after its time as open then. */
  fixedAt?: string | null;
  severity: Severity;
  tool: string;
  category: string;
  suppressed: boolean;
  /** The rule and the `path:line` text (the backends read them; a secret's fingerprint migration uses them). */
  ruleId?: string;
  where?: string;
}

/** What the store knows about one service before the report (undefined fields: a new service). */
export interface PriorService {
  lastScanAt: string | null;
  lastSnapshotAt: string | null;
  /** The earliest snapshot of this service after the report's createdAt (late snapshots only), or null. */
  nextSnapshotAt: string | null;
  findings: ReadonlyMap<string, PriorFinding>;
  /**
   * The fingerprints with a triage decision of the dashboard in force at the report's time (the
   * backends read them with the findings): out of the posture counts, as out of every open count,
   * whether or not the client that pushed the report applied them (the action does, the CLI does not).
   */
  triaged?: ReadonlySet<string>;
}

export type LifecycleDecision =
  | { kind: 'opened'; finding: Finding; at: string }
  /**
   * `previousFingerprint`: the stored finding is the same secret under its old fingerprint (see
   * `carryOverSecrets`); the backend moves the row to the new fingerprint before applying this.
   */
  | { kind: 'refreshed'; finding: Finding; at: string; reopened: boolean; previousFingerprint?: string }
  | { kind: 'fixed'; fingerprint: string; severity: Severity; at: string; openSeconds: number }
  | { kind: 'lateOpenedAndFixed'; finding: Finding; openedAt: string; fixedAt: string; openSeconds: number }
  | { kind: 'sighted'; fingerprint: string };

/** Everything the store writes for one service of a report. */
interface ServicePlan {
  name: string;
  /** The report's path for the service (null: not listed in report.services). */
  path: string | null;
  /** The gate outcome of the report for this service. */
  gate: GateOutcome;
  /** Not suppressed findings of this service in the report, per severity (the scan_services row). */
  reportCounts: SeverityCounts;
  findingCount: number;
  /**
   * The scanner runs for this service, then the coverage ledger's service x scanner pairs that did
   * not run (not applicable, skipped) with why, so the dashboard's scan rows show what was not read.
   */
  scanners: {
    scanner: string;
    tool: string;
    category: Finding['category'];
    status: 'ok' | 'imported' | 'error' | 'not-applicable' | 'skipped';
    error?: string;
    reason?: string;
  }[];
  /** Move the service's "last scan" to this report (it is the newest scan of any kind). */
  setLastScan: boolean;
  /** Move the service's "last snapshot" to this report (an in-order snapshot). */
  setLastSnapshot: boolean;
  decisions: LifecycleDecision[];
  /**
   * PR scans only: the findings of this service the gate blocked on (its reasons' fingerprints), at
   * most MAX_PR_BLOCKING, worst first. Kept (pr_findings) so the PR view can list and triage them:
   * PR scans create no findings rows.
   */
  blocking?: Finding[];
  /** The posture row of the report's day: `replace` (in-order snapshot), `ifAbsent` (late), none for PRs. */
  posture?: { mode: 'replace' | 'ifAbsent'; day: string; counts: SeverityCounts; snapshotAt: string };
}

interface IngestPlan {
  createdAt: string;
  services: ServicePlan[];
  opened: number;
  fixed: number;
  reopened: number;
}

/** What an ingest that applied `plan` answers (both backends): the notable findings for snapshots only, the repository moves when any. */
export function createdResult(
  report: ScanReport,
  plan: IngestPlan,
  notable: NotableFinding[],
  moved: RepositoryMove[] = [],
  retirement: { retired: string[]; returned: string[] } = { retired: [], returned: [] },
): IngestResult {
  return {
    status: 'created',
    scanId: report.scanId,
    services: plan.services.map((s) => s.name).sort(),
    opened: plan.opened,
    fixed: plan.fixed,
    reopened: plan.reopened,
    ...(report.kind === 'snapshot' ? { notable } : {}),
    ...(moved.length > 0 ? { moved } : {}),
    ...(retirement.retired.length > 0 ? { retired: [...retirement.retired].sort() } : {}),
    ...(retirement.returned.length > 0 ? { returned: [...retirement.returned].sort() } : {}),
  };
}

/** Every service a report speaks about, with its path: listed ones, plus any named by a finding or scanner run. */
export function servicePaths(report: ScanReport): Map<string, string | null> {
  const paths = new Map<string, string | null>();
  for (const s of report.services) paths.set(s.name, s.path);
  for (const f of report.findings) if (!paths.has(f.service)) paths.set(f.service, null);
  for (const r of report.scanners) if (!paths.has(r.service)) paths.set(r.service, null);
  return paths;
}

/**
 * Whether two names are one repository. GitHub, GitLab and Gitea names ignore case (`Acme/Shop` is
 * `acme/shop`): the action sends GitHub's spelling, a laptop's clone URL may spell it otherwise.
 */
export function sameRepository(a: string, b: string): boolean {
  return a === b || a.toLowerCase() === b.toLowerCase();
}

/**
 * The repository rule: a service belongs to the repository its scans come from. `known` holds, per
 * service of the report that exists, the repository of its latest scan naming one. A report naming
 * another repository is refused (RepositoryMismatchError) unless `move`, which returns the moves to
 * audit. Unknown on either side passes: old scans and hand-made reports may name none.
 */
export function repositoryMoves(report: Pick<ScanReport, 'source'>, known: Map<string, string>, move: boolean): RepositoryMove[] {
  const incoming = report.source.repository;
  if (!incoming) return [];
  const moves: RepositoryMove[] = [];
  for (const [service, existing] of [...known].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (sameRepository(existing, incoming)) continue;
    if (!move) throw new RepositoryMismatchError(service, existing, incoming);
    moves.push({ service, from: existing, to: incoming });
  }
  return moves;
}

/** The gate's reasons about one service (or about none). */
function reasonsFor(gate: ScanReport['gate'], service: string): ScanReport['gate']['reasons'] {
  return gate.reasons.filter((r) => (r.services ? r.services.includes(service) : r.service === undefined || r.service === service));
}

/** Gate outcome of a report for one service: only the reasons about that service (or about none) count. */
export function gateForService(gate: ScanReport['gate'], service: string): GateOutcome {
  if (gate.passed) return 'passed';
  const reasons = reasonsFor(gate, service);
  if (reasons.length === 0) return 'passed';
  return reasons.every((r) => r.kind === 'scanner-error') ? 'scanner-error' : 'failed';
}

const NEW_SERVICE: PriorService = { lastScanAt: null, lastSnapshotAt: null, nextSnapshotAt: null, findings: new Map() };
const NONE_TRIAGED: ReadonlySet<string> = new Set();

/**
 * A finding the report marks suppressed by a dashboard decision (the action applies them) is stored
 * as found: the decision lives in the store's triage, read with every count and cleared there. Kept
 * as a suppression of the finding, it stayed out of the counts after the decision was cleared, until
 * the next snapshot. Found suppressed by its tool's marker in the code (a dashboard decision takes
 * the place of that one in the report), it stays suppressed by the marker.
 */
function withoutDashboardSuppression(f: Finding): Finding {
  if (f.status !== 'suppressed' || f.suppression?.source !== 'dashboard') return f;
  const { suppression: _decision, ...found } = f;
  return f.inlineSuppressed ? { ...found, suppression: inlineSuppression(f.tool) } : { ...found, status: 'existing' };
}

/** The decisions for one report given what the store knew about each of its services. */
export function planIngest(report: ScanReport, prior: ReadonlyMap<string, PriorService>): IngestPlan {
  const createdAt = new Date(report.createdAt).toISOString();
  const plan: IngestPlan = { createdAt, services: [], opened: 0, fixed: 0, reopened: 0 };
  // One pass over the findings, grouped per service; the last finding of a fingerprint wins.
  const byService = new Map<string, Map<string, Finding>>();
  for (const f of report.findings) {
    let m = byService.get(f.service);
    if (!m) byService.set(f.service, (m = new Map()));
    m.set(f.fingerprint, withoutDashboardSuppression(f));
  }
  for (const [name, path] of servicePaths(report)) {
    const service = planService(report, createdAt, name, path, byService.get(name) ?? new Map(), prior.get(name) ?? NEW_SERVICE);
    for (const d of service.decisions) {
      if (d.kind === 'opened') plan.opened++;
      else if (d.kind === 'fixed') plan.fixed++;
      else if (d.kind === 'refreshed' && d.reopened) plan.reopened++;
    }
    plan.services.push(service);
  }
  return plan;
}

function planService(
  report: ScanReport,
  createdAt: string,
  name: string,
  path: string | null,
  mine: Map<string, Finding>,
  prior: PriorService,
): ServicePlan {
  const runs = report.scanners.filter((r) => r.service === name);
  const triaged = prior.triaged ?? NONE_TRIAGED;
  /** Whether a finding of the report counts as open: not suppressed by the report, no decision in force. */
  const counts = (f: Finding) => f.status !== 'suppressed' && !triaged.has(f.fingerprint);
  const reportCounts = emptyCounts();
  for (const f of mine.values()) if (counts(f)) reportCounts[f.severity]++;
  const inOrder = report.kind === 'snapshot' && (prior.lastSnapshotAt === null || createdAt >= prior.lastSnapshotAt);
  const plan: ServicePlan = {
    name,
    path,
    gate: gateForService(report.gate, name),
    reportCounts,
    findingCount: mine.size,
    scanners: [
      ...runs.map((r) => ({ scanner: r.scanner, tool: r.tool, category: r.category, status: r.status, ...(r.error ? { error: r.error } : {}) })),
      ...(report.coverage?.scanners ?? [])
        .filter((e) => e.service === name && (e.state === 'not-applicable' || e.state === 'skipped'))
        .map((e) => ({ scanner: e.scanner, tool: e.scanner, category: e.category, status: e.state as 'not-applicable' | 'skipped', ...(e.reason ? { reason: e.reason } : {}) })),
    ],
    setLastScan: prior.lastScanAt === null || createdAt >= prior.lastScanAt,
    setLastSnapshot: inOrder,
    decisions: [],
  };
  const day = dayOf(createdAt);

  if (report.kind === 'pr') {
    for (const fp of mine.keys()) if (prior.findings.has(fp)) plan.decisions.push({ kind: 'sighted', fingerprint: fp });
    plan.blocking = blockingFindings(report.gate, name, mine);
    return plan;
  }

  const scannerRanFine = scannerRanFineFor(runs);
  if (!inOrder) {
    const next = prior.nextSnapshotAt ?? prior.lastSnapshotAt!;
    for (const f of mine.values()) {
      if (prior.findings.has(f.fingerprint)) {
        plan.decisions.push({ kind: 'sighted', fingerprint: f.fingerprint });
      } else {
        plan.decisions.push({ kind: 'lateOpenedAndFixed', finding: f, openedAt: createdAt, fixedAt: next, openSeconds: secondsBetween(createdAt, next) });
      }
    }
    // The day's posture as the in-order rule counts it: a scanner that errored or did not run proves
    // nothing, so the findings it found that were open then stay counted: opened by this snapshot's
    // time, and still open or fixed after it. (A finding reopened since has its reopening as its
    // opened time: one open then, fixed, then reopened after it, is not counted.)
    const counts = { ...reportCounts };
    for (const known of prior.findings.values()) {
      if (known.suppressed || triaged.has(known.fingerprint) || mine.has(known.fingerprint) || known.openedAt > createdAt) continue;
      const openThen = known.state === 'open' || (known.fixedAt != null && known.fixedAt > createdAt);
      if (openThen && !scannerRanFine(known)) counts[known.severity]++;
    }
    plan.posture = { mode: 'ifAbsent', day, counts, snapshotAt: createdAt };
    return plan;
  }

  const open = emptyCounts();
  const carried = carryOverSecrets(mine, prior.findings);
  const carriedFrom = new Set([...carried.values()].map((p) => p.fingerprint));
  for (const f of mine.values()) {
    const known = prior.findings.get(f.fingerprint);
    const previous = known ? undefined : carried.get(f.fingerprint);
    if (previous) plan.decisions.push({ kind: 'refreshed', finding: f, at: createdAt, reopened: false, previousFingerprint: previous.fingerprint });
    else if (!known) plan.decisions.push({ kind: 'opened', finding: f, at: createdAt });
    else plan.decisions.push({ kind: 'refreshed', finding: f, at: createdAt, reopened: known.state === 'fixed' });
    if (counts(f)) open[f.severity]++;
  }
  for (const known of prior.findings.values()) {
    if (known.state !== 'open' || mine.has(known.fingerprint) || carriedFrom.has(known.fingerprint)) continue;
    if (scannerRanFine(known)) {
      plan.decisions.push({ kind: 'fixed', fingerprint: known.fingerprint, severity: known.severity, at: createdAt, openSeconds: secondsBetween(known.openedAt, createdAt) });
    } else if (!known.suppressed && !triaged.has(known.fingerprint)) {
      open[known.severity]++;
    }
  }
  plan.posture = { mode: 'replace', day, counts: open, snapshotAt: createdAt };
  return plan;
}

/**
 * Whether the scanner that finds a known finding (its tool, for its category) ran without error in
 * this report's `runs` for the service: only then does its absence from the report say anything.
 */
function scannerRanFineFor(runs: ScanReport['scanners']): (known: Pick<PriorFinding, 'tool' | 'category'>) => boolean {
  const okTools = new Set(runs.filter((r) => r.status !== 'error').map((r) => r.tool));
  const erroredToolCategories = new Set(runs.filter((r) => r.status === 'error').map((r) => `${r.tool}\u0000${r.category}`));
  return (known) => okTools.has(known.tool) && !erroredToolCategories.has(`${known.tool}\u0000${known.category}`);
}

/** At most this many blocking findings are kept per PR scan and service. */
const MAX_PR_BLOCKING = 1000;

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4, unknown: 5 };

/** The findings of one service that a failing gate named (none when it passed), worst first. */
export function blockingFindings(gate: ScanReport['gate'], service: string, mine: ReadonlyMap<string, Finding>): Finding[] {
  if (gate.passed) return [];
  const fps = new Set(reasonsFor(gate, service).flatMap((r) => r.fingerprints));
  const out: Finding[] = [];
  for (const fp of fps) {
    const f = mine.get(fp);
    if (f && f.status !== 'suppressed') out.push(f);
  }
  out.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.fingerprint.localeCompare(b.fingerprint));
  return out.slice(0, MAX_PR_BLOCKING);
}

/**
 * Secret fingerprints changed once (issue 10: they no longer hash the value, so no one can test
 * guesses against them). So that a dashboard with history does not see every secret fixed and
 * opened again at the upgrade, a secret finding the store does not know (it has an anchor: the new
 * scheme) takes over an open stored secret of the same tool, rule and file that is absent from the
 * report: the same line first, else the first of that file. Pure; one stored finding per new one.
 */
export function carryOverSecrets(mine: ReadonlyMap<string, Finding>, prior: ReadonlyMap<string, PriorFinding>): Map<string, PriorFinding> {
  const out = new Map<string, PriorFinding>();
  const candidates = [...prior.values()].filter((p) => p.category === 'secret' && p.state === 'open' && p.ruleId !== undefined && p.where !== undefined && !mine.has(p.fingerprint));
  if (candidates.length === 0) return out;
  const taken = new Set<string>();
  const pathOf = (where: string) => where.replace(/:\d+$/, '');
  const fresh = [...mine.values()].filter((f) => f.category === 'secret' && f.secret?.anchor && !prior.has(f.fingerprint) && f.location.path);
  // Exact line first for every finding, then same file.
  for (const exact of [true, false]) {
    for (const f of fresh) {
      if (out.has(f.fingerprint)) continue;
      const where = `${f.location.path}:${f.location.startLine ?? ''}`;
      const match = candidates.find(
        (p) => !taken.has(p.fingerprint) && p.tool === f.tool && p.ruleId === f.ruleId && (exact ? p.where === where : pathOf(p.where!) === f.location.path),
      );
      if (match) {
        out.set(f.fingerprint, match);
        taken.add(match.fingerprint);
      }
    }
  }
  return out;
}

function secondsBetween(from: string, to: string): number {
  return Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
}

/** An ingest key already stored for one service of the report (same scope, same scan id). */
export interface TakenKey {
  service: string;
  bodySha256: string | null;
  scanPk: number;
}

/**
 * Idempotency per (scope, service, scan id): undefined when no key of the report is taken (ingest
 * it); `duplicate` when every service's key points at one scan with the same body (or a key from
 * before bodies were kept); else `conflict`, naming only the services whose id was taken.
 */
export function replayOutcome(
  serviceNames: string[],
  taken: TakenKey[],
  bodySha256: string,
): { status: 'duplicate' | 'conflict'; services: string[] } | undefined {
  if (taken.length === 0) return undefined;
  const sameScan = taken.length === serviceNames.length && taken.every((k) => k.scanPk === taken[0].scanPk);
  const sameBody = taken.every((k) => k.bodySha256 === null || k.bodySha256 === bodySha256);
  return sameScan && sameBody ? { status: 'duplicate', services: serviceNames } : { status: 'conflict', services: taken.map((k) => k.service) };
}
