// Backend-independent pieces of the store: stored rows (same columns in SQLite and PostgreSQL) to the
// contract's types, and the overview assembled from a few aggregate queries.
import { createHash } from 'node:crypto';
import type { TriageStatus } from '../../src/report/triage.js';
import { EpssScoreSchema, KevListingSchema, LocationSchema, SEVERITIES, type Finding, type Location, type Severity } from '../../src/findings/finding.js';
import { firstChangeAfter, nextDayTurn, nextTenthOfDay, noteChange } from '../clock-reading.js';
import { slaStatus } from './exploit.js';
import { addDays, dayOf } from './days.js';
import { emptyCounts, round1, sumCounts } from './counts.js';
import {
  STALE_AFTER_DAYS,
  type FindingDetail,
  type FindingRow,
  type GateOutcome,
  type LifecycleEvent,
  type Role,
  type ScanSummary,
  type ServiceOverview,
  type SeverityCounts,
  type SeverityStats,
  type SlaDays,
  type TokenInfo,
} from './types.js';

const DAY_MS = 86_400_000;
const TREND_DAYS = 30;
export const DEFAULT_SESSION_TTL_MS = 12 * 3600_000;
/** lastUsedAt is written at most this often per token, so reads do not turn into writes. */
export const LAST_USED_RESOLUTION_MS = 60_000;
export const TOKEN_PREFIX = 'gatehouse_';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function iso(value: string | Date): string {
  return (typeof value === 'string' ? new Date(value) : value).toISOString();
}

/** The short "where" text of a finding for tables: a path, an image or a package. */
export function whereText(f: Finding): string {
  const loc = f.location;
  if (loc.package) {
    const pkg = `${loc.package.name}@${loc.package.version}`;
    return loc.path ? `${loc.path} (${pkg})` : pkg;
  }
  if (loc.path) return loc.startLine ? `${loc.path}:${loc.startLine}` : loc.path;
  return loc.image ?? '';
}

/** The findings row's columns of a finding (both backends insert and refresh with these). */
export function findingColumns(f: Finding) {
  return { ...findingColumnsBesideData(f), data: JSON.stringify(f) };
}

/** findingColumns without `data` (JSON.stringify of the whole finding), for a caller that serialises it in one go with others. */
export function findingColumnsBesideData(f: Finding) {
  return {
    fingerprint: f.fingerprint,
    tool: f.tool,
    category: f.category,
    ruleId: f.ruleId,
    title: f.title,
    severity: f.severity,
    where: whereText(f),
    fixAvailable: f.fixAvailable ? 1 : 0,
    suppressed: f.status === 'suppressed' ? 1 : 0,
    suppression: f.suppression ? JSON.stringify(f.suppression) : null,
  };
}

export interface FindingDbRow {
  id: number;
  service: string;
  fingerprint: string;
  tool: string;
  category: string;
  rule_id: string;
  title: string;
  severity: string;
  where_text: string;
  fix_available: number;
  state: 'open' | 'fixed';
  suppressed: number;
  suppression: string | null;
  first_seen_at: string;
  opened_at: string;
  last_seen_at: string;
  fixed_at: string | null;
  data: string;
  kev: number;
  kev_due: string | null;
  epss: number | null;
  epss_percentile: number | null;
  vuln_ids: string | null;
  /** From the LEFT JOIN on triage (FINDING_TRIAGE_COLUMNS), when the query has it. */
  triage_status?: string | null;
  triage_expires_at?: string | null;
  triage_decided_by?: string | null;
}

/**
 * The findings columns a finding row (toFindingRow) reads: a list selects only these, not `f.*` (a
 * third of the columns are never read, and each costs its value's conversion per row).
 */
const FINDING_ROW_COLUMNS = ['fingerprint', 'tool', 'category', 'rule_id', 'title', 'severity', 'where_text', 'fix_available', 'state', 'suppressed', 'first_seen_at', 'opened_at', 'last_seen_at', 'fixed_at', 'data'] as const;
export const FINDING_ROW_SELECT = FINDING_ROW_COLUMNS.map((c) => `f.${c}`).join(', ');
export type FindingRowDbRow = Pick<FindingDbRow, (typeof FINDING_ROW_COLUMNS)[number] | 'service' | 'triage_status' | 'triage_expires_at' | 'triage_decided_by'>;

/** The triage columns finding queries add: `LEFT JOIN triage t ON t.service_id = f.service_id AND t.fingerprint = f.fingerprint`. */
export const FINDING_TRIAGE_COLUMNS = 't.status AS triage_status, t.expires_at AS triage_expires_at, t.decided_by AS triage_decided_by';

export interface ServiceDbRow {
  id: number;
  name: string;
  path: string | null;
  first_seen_at: string;
  last_scan_at: string | null;
  last_snapshot_at: string | null;
  last_gate: GateOutcome | null;
  /** The repository of the service's latest scan naming one (kept by ingest). */
  repository: string | null;
  /** When a snapshot of its repository no longer held it (store/retire.ts); null while it is live. */
  retired_at: string | null;
  /** Its folder within the repository, from its newest snapshot (store/retire.ts); null when not known. */
  repository_folder: string | null;
}

export interface TokenDbRow {
  id: string;
  hash: string;
  role: Role;
  services: string;
  label: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface ScanDbRow {
  scan_id: string;
  kind: 'snapshot' | 'pr';
  created_at: string;
  gate_outcome: GateOutcome;
  counts: string;
  finding_count: number;
  scanners: string;
  repository: string | null;
  ref: string | null;
  commit_sha: string | null;
  pull_request: number | null;
  run_url: string | null;
  ingested_by: string;
}

export function toFindingRow(r: FindingRowDbRow, now: Date, sla: SlaDays): FindingRow {
  const f = JSON.parse(r.data) as { location?: unknown; kev?: unknown; epss?: unknown };
  return assembleFindingRow(r, storedParts(f.location, f.kev, f.epss), now, sla);
}

/** A finding row's columns besides `data` (a findings page reads the parts of `data` it needs in SQL). */
export type FindingRowFields = Omit<FindingRowDbRow, 'data'>;

/**
 * A finding row from its columns and the parts of its stored finding: ages and SLA at `now`. One
 * object literal, the fields that do not move with the clock first (a kept row's text is theirs:
 * api/narrower-answers.ts), the clocked ones last (spreading two objects into one cost a page of 43
 * rows ~0.1 ms more).
 */
export function assembleFindingRow(r: FindingRowFields, stored: StoredParts, now: Date, sla: SlaDays): FindingRow {
  const severity = r.severity as Severity;
  const suppressed = Number(r.suppressed) === 1;
  const clocked = clockedFindingFields(
    {
      state: r.state,
      openedMs: Date.parse(r.opened_at),
      endMs: r.state === 'open' ? undefined : Date.parse(r.fixed_at ?? r.last_seen_at),
      severity,
      suppressed,
      kevDue: stored.kev?.dueDate ?? null,
      triage: r.triage_status ? { status: r.triage_status as TriageStatus, expiresAt: r.triage_expires_at ?? null, decidedBy: r.triage_decided_by ?? '' } : null,
    },
    now,
    sla,
  );
  return {
    service: r.service,
    fingerprint: r.fingerprint,
    tool: r.tool,
    category: r.category as FindingRow['category'],
    ruleId: r.rule_id,
    title: r.title,
    severity,
    state: r.state,
    where: r.where_text,
    location: stored.location,
    fixAvailable: Number(r.fix_available) === 1,
    suppressed,
    firstSeenAt: r.first_seen_at,
    openedAt: r.opened_at,
    lastSeenAt: r.last_seen_at,
    fixedAt: r.fixed_at,
    kev: stored.kev,
    epss: stored.epss,
    ageDays: clocked.ageDays,
    slaBreached: clocked.slaBreached,
    slaDueAt: clocked.slaDueAt,
    triage: clocked.triage,
  };
}

/** The fields of a finding row that move with the clock: the last ones of a row (a kept row's fixed text is joined to them: api/narrower-answers.ts). */
type ClockedFields = Pick<FindingRow, 'ageDays' | 'slaBreached' | 'slaDueAt' | 'triage'>;

/** What the clocked fields of a row are computed from. */
interface ClockedInputs {
  state: 'open' | 'fixed';
  openedMs: number;
  /** When a fixed finding's age stopped (fixed, else last seen); undefined for an open one. */
  endMs: number | undefined;
  severity: Severity;
  suppressed: boolean;
  kevDue: string | null;
  /** The triage decision on record, in force or not. */
  triage: FindingRow['triage'];
}

/**
 * A row's age, SLA and triage decision at `now`. It notes on `now` (a ClockReading) when one of them
 * shows otherwise by the clock alone: its age's next tenth of a day (open), the end of its triage
 * decision, else its SLA breach (a decision in force hides the SLA).
 */
export function clockedFindingFields(f: ClockedInputs, now: Date, sla: SlaDays): ClockedFields {
  const t = now.getTime();
  const end = f.state === 'open' ? t : (f.endMs ?? t);
  const ageDays = Math.max(0, (end - f.openedMs) / DAY_MS);
  const due = slaStatus({ openedAt: f.openedMs, severity: f.severity, state: f.state, suppressed: f.suppressed, kevDue: f.kevDue }, sla, now);
  // An acceptance past its date no longer holds (the sweep records it; reads never wait for it).
  const triage = f.triage && (!f.triage.expiresAt || Date.parse(f.triage.expiresAt) > t) ? f.triage : null;
  if (f.state === 'open') noteChange(now, nextTenthOfDay(t, f.openedMs, (ms) => round1(Math.max(0, (ms - f.openedMs) / DAY_MS))));
  if (triage?.expiresAt) noteChange(now, Date.parse(triage.expiresAt));
  else if (!triage && !due.breached) noteChange(now, due.breachesAt);
  return {
    ageDays: round1(ageDays),
    slaBreached: due.breached && !triage,
    slaDueAt: triage ? null : (due.dueAt ?? null),
    triage,
  };
}

interface StoredParts {
  location: Location;
  kev: FindingRow['kev'];
  epss: FindingRow['epss'];
}

/**
 * The location and exploitation data of a stored finding (its `data` column is the finding as last
 * seen), checked by their schemas. A missing or null value gives `{}` / null alike.
 */
export function storedParts(locationValue: unknown, kevValue: unknown, epssValue: unknown): StoredParts {
  const location = LocationSchema.safeParse(locationValue ?? {});
  const kev = kevValue === undefined || kevValue === null ? undefined : KevListingSchema.safeParse(kevValue);
  const epss = epssValue === undefined || epssValue === null ? undefined : EpssScoreSchema.safeParse(epssValue);
  return {
    location: location.success ? location.data : {},
    kev: kev?.success ? kev.data : null,
    epss: epss?.success ? epss.data : null,
  };
}

export function toFindingDetail(
  r: FindingDbRow,
  events: { kind: LifecycleEvent['kind']; at: string; scan_id: string; open_seconds: number | null }[],
  scans: { scan_id: string; kind: 'snapshot' | 'pr'; created_at: string; commit_sha: string | null }[],
  now: Date,
  sla: SlaDays,
): FindingDetail {
  return {
    row: toFindingRow(r, now, sla),
    finding: JSON.parse(r.data) as Finding,
    events: events.map((e) => ({
      kind: e.kind,
      at: e.at,
      scanId: e.scan_id,
      ...(e.open_seconds !== null ? { openDays: round1(Number(e.open_seconds) / 86_400) } : {}),
    })),
    suppression: r.suppression ? (JSON.parse(r.suppression) as FindingDetail['suppression']) : null,
    scans: scans.map((sc) => ({ scanId: sc.scan_id, kind: sc.kind, createdAt: sc.created_at, commit: sc.commit_sha })),
  };
}

export function toScanSummary(service: string, r: ScanDbRow): ScanSummary {
  return {
    scanId: r.scan_id,
    service,
    kind: r.kind,
    createdAt: r.created_at,
    gate: r.gate_outcome,
    counts: JSON.parse(r.counts) as SeverityCounts,
    findingCount: Number(r.finding_count),
    repository: r.repository,
    ref: r.ref,
    commit: r.commit_sha,
    pullRequest: r.pull_request === null ? null : Number(r.pull_request),
    runUrl: r.run_url,
    scanners: JSON.parse(r.scanners) as ScanSummary['scanners'],
    ingestedBy: r.ingested_by,
  };
}

export function tokenInfo(r: TokenDbRow): TokenInfo {
  return {
    id: r.id,
    role: r.role,
    services: JSON.parse(r.services) as string[],
    label: r.label,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
  };
}

export function tokenUsable(r: Pick<TokenDbRow, 'revoked_at' | 'expires_at'>, now: Date): boolean {
  return r.revoked_at === null && (r.expires_at === null || Date.parse(r.expires_at) > now.getTime());
}

/** The services column of a new token: ingest scopes sorted and unique, nothing for other roles. */
export function tokenServices(role: Role, services: string[] | undefined): string {
  return JSON.stringify(role === 'ingest' ? [...new Set(services ?? [])].sort() : []);
}

/** The first day of the overview's trend window and its days, for `now`. */
export function trendWindow(now: Date): { first: string; today: string; days: readonly string[] } {
  noteChange(now, nextDayTurn(now.getTime()));
  const today = dayOf(now.toISOString());
  // The last day's window is kept: an overview asks once per service (5,000 x 30 days of date
  // arithmetic was a third of its CPU). Frozen, as it is shared.
  if (lastWindow?.today === today) return lastWindow;
  const first = addDays(today, -(TREND_DAYS - 1));
  lastWindow = { first, today, days: Object.freeze(Array.from({ length: TREND_DAYS }, (_, i) => addDays(first, i))) };
  return lastWindow;
}
let lastWindow: { first: string; today: string; days: readonly string[] } | undefined;

type TrendPoint = ServiceOverview['trend'][number];

/**
 * Trend points are shared: one frozen object per day and total, for the day's window. The kept
 * overview of 5,000 services held 150,000 points, a sixth of the server's heap objects, and every
 * major collection marks each of them (heap snapshot at 10M findings, stop 30); services share
 * most (day, total) pairs.
 */
let sharedPoints: { days: readonly string[]; byDay: Map<number | null, TrendPoint>[] } | undefined;

function trendPoint(days: readonly string[], index: number, total: number | null): TrendPoint {
  if (sharedPoints?.days !== days) sharedPoints = { days, byDay: days.map(() => new Map()) };
  const byTotal = sharedPoints.byDay[index];
  let point = byTotal.get(total);
  if (!point) {
    point = Object.freeze({ day: days[index], total });
    byTotal.set(total, point);
  }
  return point;
}

/** What the overview of one service is made of (one aggregate query each, for all or one service). */
interface OverviewInputs {
  service: ServiceDbRow;
  /** Open findings per severity, not suppressed. */
  open: SeverityCounts;
  suppressed: number;
  breaches: number;
  /** Posture totals by day inside the trend window. */
  totals: ReadonlyMap<string, number> | undefined;
  /** The total of the latest posture row before the window (carried in), or null when there is none. */
  totalBefore: number | null;
}

/** Whether a service's last snapshot is too old at `now` (strictly past STALE_AFTER_DAYS); notes when it becomes so. */
function staleAt(lastSnapshotMs: number | undefined, now: Date): boolean {
  if (lastSnapshotMs === undefined) return true;
  const limit = lastSnapshotMs + STALE_AFTER_DAYS * DAY_MS;
  if (now.getTime() <= limit) noteChange(now, limit + 1);
  return now.getTime() > limit;
}

export function assembleOverview(input: OverviewInputs, now: Date): ServiceOverview {
  // Days before the service's first snapshot stay null: nothing was measured, which is not zero.
  let carry: number | null = input.totalBefore;
  const days = trendWindow(now).days;
  const trend = days.map((day, i) => {
    const v = input.totals?.get(day);
    if (v !== undefined) carry = v;
    return trendPoint(days, i, carry);
  });
  return assembleFigures(input, now, trend);
}

/** A service's overview row without its trend: what a service page's head shows (it draws no trend). */
type ServiceFigures = Omit<ServiceOverview, 'trend'>;

/** assembleOverview without the trend (nor its reads: a service page's head, ServiceHead). */
export function assembleServiceFigures(input: Omit<OverviewInputs, 'totals' | 'totalBefore'>, now: Date): ServiceFigures {
  const { trend: _trend, ...figures } = assembleFigures(input, now, []);
  return figures;
}

function assembleFigures(input: Omit<OverviewInputs, 'totals' | 'totalBefore'>, now: Date, trend: ServiceOverview['trend']): ServiceOverview {
  const { service: s } = input;
  const lastSnapshotMs = s.last_snapshot_at ? Date.parse(s.last_snapshot_at) : undefined;
  return {
    name: s.name,
    open: input.open,
    openTotal: sumCounts(input.open),
    suppressed: input.suppressed,
    trend,
    lastScanAt: s.last_scan_at,
    lastSnapshotAt: s.last_snapshot_at,
    stale: staleAt(lastSnapshotMs, now),
    lastGate: s.last_gate,
    slaBreaches: input.breaches,
    ...(s.retired_at !== null && s.repository !== null ? { retired: { at: s.retired_at, repository: s.repository } } : {}),
  };
}

/** Days since the oldest open finding, to 0.1 day (no floor at 0, as always); notes its next tenth. */
function oldestDays(oldest: number, now: Date): number {
  const at = (t: number) => round1((t - oldest) / DAY_MS);
  // Before the opening (a clock behind the data) the rounded value moves every tenth as well.
  noteChange(now, firstChangeAfter(now.getTime(), at, oldest + (Math.floor(((now.getTime() - oldest) / DAY_MS) * 10 + 0.5) + 0.5) * DAY_MS / 10));
  return at(now.getTime());
}

/** The per-severity figures of a service page from its open counts and fix statistics. */
export function assembleStats(
  sla: SlaDays,
  now: Date,
  oldest: ReadonlyMap<Severity, string>,
  fixes: ReadonlyMap<Severity, { fixed_count: number; open_seconds_total: number }>,
  breaches: ReadonlyMap<Severity, number>,
): Record<Severity, SeverityStats> {
  const stats = {} as Record<Severity, SeverityStats>;
  for (const severity of SEVERITIES) {
    const days = sla[severity];
    const fix = fixes.get(severity);
    const fixed = Number(fix?.fixed_count ?? 0);
    const oldestAt = oldest.get(severity);
    stats[severity] = {
      mttrDays: fix && fixed > 0 ? round1(Number(fix.open_seconds_total) / fixed / 86_400) : null,
      fixedCount: fixed,
      slaDays: days ?? null,
      // KEV due dates apply to every severity, with or without a severity SLA.
      breaches: breaches.get(severity) ?? 0,
      oldestOpenDays: oldestAt ? oldestDays(Date.parse(oldestAt), now) : null,
    };
  }
  return stats;
}

export { emptyCounts };
