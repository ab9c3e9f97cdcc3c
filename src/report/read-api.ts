// The dashboard's read API contract: what GET /api/v1/services, /findings, /services/:name/scans ...
// answer. One set of zod schemas serves three readers: the store's types are inferred from them
// (dashboard/store/types.ts), the OpenAPI document is generated from them (dashboard/openapi.ts),
// and the action's baseline client validates the dashboard's answers with them (src/push/baseline.ts).
// Like scan-report.ts, this file is shared by the engine and the dashboard and knows neither.
import { z } from 'zod';
import { CategorySchema, EpssScoreSchema, FindingSchema, KevListingSchema, LocationSchema, SeveritySchema, SuppressionRefSchema } from '../findings/finding.js';
import { TriageStatusSchema } from './triage.js';

const isoTime = z.string().describe('ISO 8601 UTC timestamp');
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe('YYYY-MM-DD (UTC)');
const count = z.number().int().nonnegative();

/** Severity -> count; every severity is present (0 when none). */
export const SeverityCountsSchema = z.object({
  critical: count,
  high: count,
  medium: count,
  low: count,
  info: count,
  unknown: count,
});

export const GateOutcomeSchema = z.enum(['passed', 'failed', 'scanner-error']);
export const FindingStateSchema = z.enum(['open', 'fixed']);
export const ScanKindSchema = z.enum(['snapshot', 'pr']);

/** One row of the overview: one service as it stands now. */
export const ServiceOverviewSchema = z.object({
  name: z.string(),
  /** Open, not suppressed findings per severity. */
  open: SeverityCountsSchema,
  openTotal: count,
  /** Open findings that are suppressed (not in `open`). */
  suppressed: count,
  /** Open total per day for the last 30 days (oldest first, carried forward; null before the service's first snapshot: not a zero). */
  trend: z.array(z.object({ day, total: count.nullable() })),
  /** Time of the latest scan of any kind (snapshot or PR), or null. */
  lastScanAt: isoTime.nullable(),
  lastSnapshotAt: isoTime.nullable(),
  /** No snapshot for more than STALE_AFTER_DAYS (or never). */
  stale: z.boolean(),
  /** Gate outcome of the latest default-branch snapshot (PR scans are in the pull-request view), or null. */
  lastGate: GateOutcomeSchema.nullable(),
  /** Open, not suppressed findings older than their severity's SLA. */
  slaBreaches: count,
  /**
   * Present when the service left its repository: a snapshot of that repository at `at` no longer
   * held it (folder deleted or renamed, or no longer a service). Its open findings stay as they were
   * and are left out of the overview's totals; its next snapshot brings it back.
   */
  retired: z.object({ at: isoTime, repository: z.string() }).optional(),
});

export const SeverityStatsSchema = z.object({
  /** Mean time to remediate in days over every fix of this severity, or null when none was fixed. */
  mttrDays: z.number().nonnegative().nullable(),
  fixedCount: count,
  /** SLA days for this severity (null: no SLA). */
  slaDays: z.number().nonnegative().nullable(),
  /** Open, not suppressed findings of this severity past the SLA. */
  breaches: count,
  /** Age in days of the oldest open, not suppressed finding of this severity, or null. */
  oldestOpenDays: z.number().nonnegative().nullable(),
});

export const ServiceDetailSchema = ServiceOverviewSchema.extend({
  path: z.string().nullable(),
  firstSeenAt: isoTime,
  stats: z.object({
    critical: SeverityStatsSchema,
    high: SeverityStatsSchema,
    medium: SeverityStatsSchema,
    low: SeverityStatsSchema,
    info: SeverityStatsSchema,
    unknown: SeverityStatsSchema,
  }),
});

/** Open findings of one service on one day (carried forward from the latest snapshot at or before it). */
export const PosturePointSchema = SeverityCountsSchema.extend({
  day,
  total: count,
  /** True when a snapshot was taken that day (false: carried forward). */
  snapshot: z.boolean(),
});

export const FindingRowSchema = z.object({
  service: z.string(),
  fingerprint: z.string(),
  tool: z.string(),
  category: CategorySchema,
  ruleId: z.string(),
  title: z.string(),
  severity: SeveritySchema,
  state: FindingStateSchema,
  /** Path (or image, or package name) as one short text for tables. */
  where: z.string(),
  /** The finding's location as the scanner gave it: what a client reads instead of parsing `where`. */
  location: LocationSchema,
  fixAvailable: z.boolean(),
  suppressed: z.boolean(),
  firstSeenAt: isoTime,
  /** Start of the current open period (first seen, or the last reopen). */
  openedAt: isoTime,
  lastSeenAt: isoTime,
  fixedAt: isoTime.nullable(),
  /** Days open: now - openedAt for open findings, fixedAt - openedAt for fixed ones. */
  ageDays: z.number().nonnegative(),
  /** Open, not suppressed, not triaged and past its SLA due date (`slaDueAt`). */
  slaBreached: z.boolean(),
  /**
   * When an open, not suppressed finding must be fixed: opened + its severity's SLA days, capped at
   * CISA's KEV due date (the end of that UTC day) when KEV-listed; null when neither applies.
   * (Absent from dashboards before exploitation data: read as null.)
   */
  slaDueAt: isoTime.nullable().default(null),
  /** CISA KEV listing (through the rule id or an alias), with ransomware use and due date; null when not listed. */
  kev: KevListingSchema.nullable().default(null),
  /** FIRST EPSS probability and percentile; null when not scored. */
  epss: EpssScoreSchema.nullable().default(null),
  /** The dashboard triage decision in force on it, if any (see triage.ts; GET /api/v1/triage has it all). */
  triage: z
    .object({ status: TriageStatusSchema, expiresAt: isoTime.nullable(), decidedBy: z.string() })
    .nullable()
    .optional(),
});

export const LifecycleEventKindSchema = z.enum(['opened', 'fixed', 'reopened']);

export const LifecycleEventSchema = z.object({
  kind: LifecycleEventKindSchema,
  at: isoTime,
  scanId: z.string(),
  /** For `fixed`: days the finding was open in the period that just ended. */
  openDays: z.number().nonnegative().optional(),
});

export const ScanSummarySchema = z.object({
  scanId: z.string(),
  service: z.string(),
  kind: ScanKindSchema,
  createdAt: isoTime,
  gate: GateOutcomeSchema,
  /** Findings of this service in the scan that are not suppressed, per severity. */
  counts: SeverityCountsSchema,
  findingCount: count,
  repository: z.string().nullable(),
  ref: z.string().nullable(),
  commit: z.string().nullable(),
  pullRequest: z.number().int().nullable(),
  runUrl: z.string().nullable(),
  /** Scanner runs for this service: id, tool, status and error text. */
  scanners: z.array(
    z.object({
      scanner: z.string(),
      tool: z.string(),
      category: CategorySchema,
      /** ok/imported/error: a run; not-applicable/skipped: the coverage ledger says it did not run, and why. */
      status: z.enum(['ok', 'imported', 'error', 'not-applicable', 'skipped']),
      error: z.string().optional(),
      reason: z.string().optional(),
    }),
  ),
  ingestedBy: z.string(),
});

export const FindingDetailSchema = z.object({
  row: FindingRowSchema,
  /** The finding as last seen (known fields only; secrets only as the masked preview). */
  finding: FindingSchema,
  events: z.array(LifecycleEventSchema),
  suppression: SuppressionRefSchema.nullable(),
  /** Scans (snapshot and PR) that contained it, newest first (at most 100). */
  scans: z.array(z.object({ scanId: z.string(), kind: ScanKindSchema, createdAt: isoTime, commit: z.string().nullable() })),
});

/** The services that have one vulnerability open, through any of its ids. */
export const VulnerabilityServiceSchema = z.object({
  service: z.string(),
  /** Open, not suppressed findings of the vulnerability in this service, per severity. */
  open: SeverityCountsSchema,
  openTotal: count,
  /** Open findings that are suppressed or triaged (not in `open`). */
  suppressed: count,
  /** Any of them is KEV-listed. */
  kev: z.boolean(),
  /** Any of them is past its SLA. */
  slaBreached: z.boolean(),
  /** The open findings (suppressed ones too, flagged), worst first. */
  findings: z.array(FindingRowSchema),
});

/** Severity -> signed change of open findings (every severity present). */
export const SeverityDeltaSchema = z.object({
  critical: z.number().int(),
  high: z.number().int(),
  medium: z.number().int(),
  low: z.number().int(),
  info: z.number().int(),
  unknown: z.number().int(),
});

/** One service's change over a window: open counts (snapshot to snapshot) and lifecycle events. */
export const ServiceChangeSchema = z.object({
  service: z.string(),
  /**
   * The day the open counts are compared with: the window's first day (the state when the window
   * began: the latest snapshot taken before it), or the day of the service's first snapshot when it
   * came later (`baseline`).
   */
  since: day,
  baseline: z.enum(['window', 'firstSnapshot']),
  /** Open, not suppressed findings per severity on the latest snapshot minus on `since`. */
  open: SeverityDeltaSchema,
  total: z.number().int(),
  /** Findings opened or reopened in the window (lifecycle events, suppressed ones too). */
  opened: count,
  /** Findings fixed in the window. */
  fixed: count,
});

/** Portfolio remediation over time: SLA breaches per day, time to remediate per week. */
export const RemediationTrendSchema = z.object({
  from: day,
  to: day,
  /** The day of the first snapshot of any service, or null when there is none. */
  firstSnapshotDay: day.nullable(),
  days: z.array(
    z.object({
      day,
      /**
       * Open findings past their SLA at the end of that day (today: now), with the same rule as
       * `slaBreached`. Suppression and triage are read as they stand now, for every day. Null
       * before the first snapshot of any service (nothing was measured: not a zero).
       */
      breaches: count.nullable(),
      /** Findings fixed that day. */
      fixed: count,
    }),
  ),
  /** Seven-day periods ending on `to`, oldest first: the fixes in each and their open days. */
  weeks: z.array(
    z.object({
      from: day,
      to: day,
      fixed: count,
      /** Mean and median days open of the findings fixed in the period; null when none was. */
      meanDays: z.number().nonnegative().nullable(),
      medianDays: z.number().nonnegative().nullable(),
    }),
  ),
});

/** One lifecycle event of GET /api/v1/week's list, with the finding it happened to. */
export const WeekEventSchema = z.object({
  kind: LifecycleEventKindSchema,
  at: isoTime,
  service: z.string(),
  fingerprint: z.string(),
  title: z.string(),
  severity: SeveritySchema,
});

/** One of GET /api/v1/week's oldest open findings. */
export const OldestOpenFindingSchema = z.object({ service: z.string(), fingerprint: z.string(), title: z.string(), severity: SeveritySchema, openedAt: isoTime });

// The bodies of the read endpoints, by path.

/**
 * One service of GET /api/v1/services: its overview with the trend as totals only, as every service's
 * trend covers the same days (the answer's `trendDays`). Spelled out per service, those days were
 * about 60% of the answer and, gzipped, about two thirds of what 5,000 services send.
 */
export const ServiceListItemSchema = ServiceOverviewSchema.omit({ trend: true }).extend({
  /** Open total on each day of `trendDays`, same order (carried forward; null before the service's first snapshot: not a zero). */
  trendTotals: z.array(count.nullable()),
});

/** GET /api/v1/services */
export const ServicesResponseSchema = z.object({
  /** The days of every service's `trendTotals`: the last 30 UTC days, oldest first. */
  trendDays: z.array(day),
  services: z.array(ServiceListItemSchema),
});
/** GET /api/v1/services/{name} */
export const ServiceResponseSchema = z.object({ service: ServiceDetailSchema, scans: z.array(ScanSummarySchema) });
/** GET /api/v1/services/{name}/posture */
export const PostureResponseSchema = z.object({ service: z.string(), from: day, to: day, points: z.array(PosturePointSchema) });
/** GET /api/v1/services/{name}/scans (newest first) */
export const ScansResponseSchema = z.object({ scans: z.array(ScanSummarySchema) });
/** GET /api/v1/findings */
export const FindingsResponseSchema = z.object({
  items: z.array(FindingRowSchema),
  total: count,
  limit: count,
  offset: count,
});
/** GET /api/v1/findings/{service}/{fingerprint} */
export const FindingDetailResponseSchema = FindingDetailSchema;
/** GET /api/v1/export/findings.json */
export const FindingsExportSchema = z.object({ generatedAt: isoTime, total: count, count, items: z.array(FindingRowSchema) });

/** GET /api/v1/vulnerabilities/{id} */
export const VulnerabilityResponseSchema = z.object({
  /** The id as asked, trimmed. */
  query: z.string(),
  /** Its canonical spelling (CVE/GHSA/OSV rules; case ignored, trailing punctuation and suffix text dropped). */
  id: z.string(),
  /** Every id the matching findings carry (the rule ids and their aliases), canonical. */
  aliases: z.array(z.string()),
  /** Services with at least one open finding of it, by name. */
  services: z.array(VulnerabilityServiceSchema),
  /** Open findings over all services. */
  total: count,
});

/** GET /api/v1/week: "this week, at a glance" over a window of 7, 14 or 30 days, and the 90-day remediation trend. */
export const WeekResponseSchema = z.object({
  /** The window in days (7, 14 or 30). */
  days: z.number().int().positive(),
  /** Events at or after this time count. */
  since: isoTime,
  /** Lifecycle events of every service since `since`, per kind (default-branch snapshots only). */
  counts: z.object({ opened: count, fixed: count, reopened: count }),
  /** The newest events, at most `limit`. */
  events: z.array(WeekEventSchema),
  /** Open findings that count (not suppressed, not triaged), oldest first (at most 5). */
  oldestOpen: z.array(OldestOpenFindingSchema),
  /** Open findings past their SLA now, every service. */
  slaBreachesNow: count,
  /** Each service's change over the window (services with at least one snapshot), by name. */
  services: z.array(ServiceChangeSchema),
  remediation: RemediationTrendSchema,
});

/** Every read body, by the name the OpenAPI document gives its schema. */
export const READ_API_SCHEMAS = {
  ServicesResponse: ServicesResponseSchema,
  ServiceResponse: ServiceResponseSchema,
  PostureResponse: PostureResponseSchema,
  ScansResponse: ScansResponseSchema,
  FindingsResponse: FindingsResponseSchema,
  FindingDetail: FindingDetailResponseSchema,
  FindingsExport: FindingsExportSchema,
  VulnerabilityResponse: VulnerabilityResponseSchema,
  WeekResponse: WeekResponseSchema,
} as const;
