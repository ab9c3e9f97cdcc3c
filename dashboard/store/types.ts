// The dashboard store's contract: what the API routes and the pages read and write, as narrow
// interfaces (IngestStore, ReadStore, AuthStore). Backends: sqlite/ (the default, one file) and
// postgres/; store.ts opens one by location. The lifecycle rules are in lifecycle.ts.
// Every timestamp is an ISO 8601 UTC string; every `day` is `YYYY-MM-DD` (UTC).
import type { Category, Finding, Severity } from '../../src/findings/finding.js';
import type {
  FindingDetailSchema,
  FindingRowSchema,
  LifecycleEventSchema,
  PosturePointSchema,
  ScanSummarySchema,
  ServiceDetailSchema,
  ServiceOverviewSchema,
  SeverityStatsSchema,
  VulnerabilityResponseSchema,
} from '../../src/report/read-api.js';
import type { ScanReport } from '../../src/report/scan-report.js';
import { z } from 'zod';
import type { PullRequestRow, PullRequestScanDetail } from './pulls.js';
import type { TriageStore } from './triage.js';
import type { ChangeTurnInputs, RemediationTrend, ServiceChange, WeekSummary } from './week.js';

export type { PullRequestRow, PullRequestScanDetail, RemediationTrend, ServiceChange, TriageStore, WeekSummary };

export type { Category, Finding, Severity, ScanReport };

import type { IngestOptions, IngestResult, SlaDays } from './shapes.js';
export type { GateOutcome, IngestOptions, IngestResult, NotableFinding, RepositoryMove, SeverityCounts, SlaDays } from './shapes.js';

export const DEFAULT_SLA_DAYS: SlaDays = { critical: 7, high: 30, medium: 90, low: 180 };

/** A service with no snapshot for longer than this is marked stale. */
export const STALE_AFTER_DAYS = 7;

// The read API's shapes are zod schemas shared with the engine (src/report/read-api.ts): the OpenAPI
// document and the action's baseline client use the same ones.
/** One row of the overview: one service as it stands now. */
export type ServiceOverview = z.infer<typeof ServiceOverviewSchema>;
export type SeverityStats = z.infer<typeof SeverityStatsSchema>;
export type ServiceDetail = z.infer<typeof ServiceDetailSchema>;
/** Open findings of one service on one day (carried forward from the latest snapshot at or before it). */
export type PosturePoint = z.infer<typeof PosturePointSchema>;
export type FindingRow = z.infer<typeof FindingRowSchema>;
export type LifecycleEvent = z.infer<typeof LifecycleEventSchema>;
export type ScanSummary = z.infer<typeof ScanSummarySchema>;
export type FindingDetail = z.infer<typeof FindingDetailSchema>;
export type VulnerabilityResponse = z.infer<typeof VulnerabilityResponseSchema>;


/** getService's answer without the overview's trend: what a service page shows of it (it draws no trend). */
export type ServicePageDetail = Omit<ServiceDetail, 'trend'>;

/** A service page's head reads (ReadStore.serviceHead). */
export interface ServiceHead {
  /** getService's answer without its trend (nor the trend's reads). */
  service: ServicePageDetail;
  /** Newest first. */
  scans: ScanSummary[];
  changes: ServiceChange[];
  turn: ChangeTurnInputs;
  /** postureSeries(name, posture) when serviceHead was asked for a posture range, read with the rest. */
  posture?: PosturePoint[];
}

/** What listFindings orders by: the read API's `sort` values (dashboard/api/query.ts parses them with this list). */
export const FINDING_SORT_KEYS = ['severity', 'age', 'firstSeen', 'lastSeen', 'title', 'tool', 'service', 'epss'] as const;
export type FindingSortKey = (typeof FINDING_SORT_KEYS)[number];

export interface FindingFilter {
  service?: string;
  severity?: Severity;
  category?: Category;
  tool?: string;
  /** Default `open`. */
  state?: 'open' | 'fixed' | 'all';
  /** true: KEV-listed only; false: not listed only. */
  kev?: boolean;
  /** Lowest EPSS probability (0-1); findings without a score are left out. */
  epssMin?: number;
  /** Lowest EPSS percentile (0-1); findings without a score are left out. */
  epssPercentileMin?: number;
  /** true: open, not suppressed and past the SLA (capped at KEV due dates) only. */
  slaBreached?: boolean;
  /** Default `severity` (worst first). */
  sort?: FindingSortKey;
  order?: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** admin > triager (reads, and sets triage decisions) > viewer (reads); ingest only uploads. */
export type Role = 'admin' | 'triager' | 'viewer' | 'ingest';
export const ROLES = ['admin', 'triager', 'viewer', 'ingest'] as const satisfies readonly Role[];

export interface NewToken {
  role: Role;
  /** Ingest tokens: the services it may upload for; omitted or empty = every service. Ignored otherwise. */
  services?: string[];
  label: string;
  /** ISO timestamp; omitted = never expires. */
  expiresAt?: string;
  /** Use this secret instead of a random one (the bootstrap admin token from GATEHOUSE_ADMIN_TOKEN). */
  value?: string;
}

const isoTime = z.string().describe('ISO 8601 UTC timestamp');

/** A token as the store and the admin API show it: never its secret (the store keeps only its sha256). */
export const TokenInfoSchema = z.object({
  id: z.string(),
  role: z.enum(ROLES),
  /** Ingest tokens: the services it may upload for (empty: every service). */
  services: z.array(z.string()),
  label: z.string(),
  createdAt: isoTime,
  expiresAt: isoTime.nullable(),
  revokedAt: isoTime.nullable(),
  lastUsedAt: isoTime.nullable(),
});
export type TokenInfo = z.infer<typeof TokenInfoSchema>;

export interface SessionInfo {
  tokenId: string;
  role: Role;
  services: string[];
  label: string;
  csrf: string;
  createdAt: string;
  expiresAt: string;
}

/** One audit log entry; `detail` depends on the action (token.create, triage.set, scan.ingest...). */
export const AuditEntrySchema = z.object({
  id: z.number().int(),
  at: isoTime,
  actor: z.string(),
  action: z.string(),
  detail: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export interface StoreOptions {
  /** SLA days per severity; default DEFAULT_SLA_DAYS. */
  sla?: SlaDays;
  /** Session lifetime, default 12 hours. */
  sessionTtlMs?: number;
  /** PostgreSQL: connections per process (default DEFAULT_POOL_SIZE, 8: postgres/open.ts). */
  poolSize?: number;
  /**
   * SQLite: how long a read of every service holds the event loop before it lets it turn (default
   * READ_SLICE_MS, 6: sqlite/loop-turns.ts; 0: a turn between any two of its parts, tests).
   */
  readSliceMs?: number;
}

// The narrow interfaces route modules depend on. Every method is async: the SQLite backend answers
// synchronously inside, the PostgreSQL one over the network; callers never know which.

/** What POST /api/v1/scans needs. */
export interface IngestStore {
  /**
   * One transaction per report. Idempotent per (scope, service, scanId), across processes sharing a
   * database. `scope` names what the caller may write: `*` (default) for every service, else its
   * service list (see api/ingest.ts `ingestScope`).
   */
  ingestScan(report: ScanReport, actor: string, scope?: string, options?: IngestOptions): Promise<IngestResult>;
}

/** The push's check before it sends any service (api/scan-check.ts). */
export interface RepositoryStore {
  /** Per named service that exists, the repository of its latest scan naming one (the ingest's rule). */
  repositoriesOf(services: readonly string[]): Promise<Map<string, string>>;
}

/** What the read API and the pages need. */
export interface ReadStore {
  readonly sla: SlaDays;
  /**
   * A number that changes whenever scans, findings or triage change, in this process or any other
   * sharing the database (a counter row moved by every change). Caches of what shows many services key on it.
   */
  dataVersion(): Promise<number>;
  /**
   * The data version of one service: the global version its last change (ingest, triage) got; the
   * global version for a name no service has. Caches of what shows that one service only key on it,
   * so another service's ingest leaves them valid. Read with the global one (store/versions.ts).
   */
  serviceVersion(name: string): Promise<number>;
  /** `listener` hears the services whose version moved (any process's writes), as a version read finds them. */
  onServicesMoved(listener: (names: string[]) => void): void;
  listServiceOverview(now?: Date): Promise<ServiceOverview[]>;
  getService(name: string, now?: Date): Promise<ServiceDetail | undefined>;
  hasService(name: string): Promise<boolean>;
  /** Days in [from, to] (YYYY-MM-DD, inclusive) from the first snapshot on; carried forward. */
  postureSeries(service: string, range: { from: string; to: string }): Promise<PosturePoint[]>;
  /**
   * JSON.stringify(postureSeries(...)), byte for byte, written by the database in one statement
   * (the posture API's answer); undefined when there is no such service.
   */
  postureJson(service: string, range: { from: string; to: string }): Promise<string | undefined>;
  /**
   * `shown`: the rows as a service page's table shows them, without their stored location (each
   * row's `location` is `{}`; the table shows `where`), which the database then reads only for the
   * rows with a KEV listing or an EPSS score.
   */
  listFindings(filter: FindingFilter, now?: Date, shown?: boolean): Promise<{ items: FindingRow[]; total: number }>;
  /**
   * listFindings' page as its rows' fingerprints (same statement, same order and total): a service
   * page that keeps its open rows' markup (view-routes.tsx) picks another view's rows with it.
   */
  listFindingKeys(filter: FindingFilter, now?: Date): Promise<{ fingerprints: string[]; total: number }>;
  getFinding(service: string, fingerprint: string, now?: Date): Promise<FindingDetail | undefined>;
  /** Newest first. */
  listScans(service: string, limit: number): Promise<ScanSummary[]>;
  /**
   * Every service with an open finding of this vulnerability: matched on the finding's rule id or
   * any alias (case ignored, odd suffixes dropped), and on the ids those findings give as aliases
   * (one hop), so CVE-X also finds the services whose tool only named GHSA-Y for it. Undefined when
   * `id` is no id at all.
   */
  findVulnerability(id: string, now?: Date): Promise<VulnerabilityResponse | undefined>;
  /** Per service and pull request, the latest PR scan at or after `since` (newest first). */
  listPullRequests(since: string): Promise<PullRequestRow[]>;
  /** One PR scan of a service (by scan id) and the findings its gate blocked on, with their triage. */
  getPullRequestScan(service: string, scanId: string, now?: Date): Promise<PullRequestScanDetail | undefined>;
  /**
   * Lifecycle events (opened, fixed, reopened) of every service at or after `since`: counts per kind
   * and the newest `limit`; plus the 5 oldest open findings that count (not suppressed or triaged).
   */
  weekSummary(since: string, limit: number): Promise<WeekSummary>;
  /**
   * Each service's change since `since` (an ISO time): open counts of its latest snapshot minus those
   * on `since`'s day (carried; or its first snapshot when later), and its events since. Services
   * without a snapshot are left out; `service` restricts to one. Sorted by name.
   */
  serviceChanges(since: string, service?: string): Promise<ServiceChange[]>;
  /** What moves one service's change as the window's start `since` moves on (week.ts changeTurn). */
  serviceChangeTurn(since: string, service: string): Promise<ChangeTurnInputs>;
  /**
   * serviceChanges(since, service) and serviceChangeTurn(since, service) read together, the same
   * answers: a service page's head needs both, and they share the walk of the service's events
   * (SQLite: once instead of twice; PostgreSQL: one statement instead of two).
   */
  serviceChangeWithTurn(since: string, service: string): Promise<{ changes: ServiceChange[]; turn: ChangeTurnInputs }>;
  /**
   * What a service page's head shows, read together, the same answers as apart: getService(name,
   * now) without its trend (the page draws none: its reads are left out), listScans(name, scanLimit) and serviceChangeWithTurn(since, name), and with `posture`
   * postureSeries(name, posture); undefined when there is no such service. A page nobody rendered
   * waits on it (PostgreSQL: one statement, one round trip, instead of four).
   */
  serviceHead(name: string, now: Date, since: string, scanLimit: number, posture?: { from: string; to: string }): Promise<ServiceHead | undefined>;
  /** SLA breaches per day and time to remediate per week over `days` days ending on `now`'s day (every service). */
  remediationTrend(now: Date, days?: number): Promise<RemediationTrend>;
}

export type NotificationStatus = 'pending' | 'delivered' | 'failed';

/** One notification event, stored so that the same event is never sent twice, across restarts. */
export interface NotificationRecord {
  /** `event|service|fingerprint|openedAt`: the dedup key. */
  key: string;
  event: string;
  service: string;
  fingerprint: string;
  status: NotificationStatus;
  attempts: number;
  createdAt: string;
  updatedAt: string;
  lastError: string | null;
}

/** What the webhook notifier needs: claim events once, record how delivery went. */
export interface NotifyStore {
  /**
   * Inserts the keys not seen before (status pending) and returns those; a key already stored (sent,
   * failed or pending in any process) is left out. Atomic per key across processes.
   */
  claimNotifications(items: { key: string; event: string; service: string; fingerprint: string }[], now?: Date): Promise<string[]>;
  finishNotifications(keys: string[], outcome: { status: 'delivered' | 'failed'; attempts: number; error?: string }, now?: Date): Promise<void>;
  listNotifications(limit: number): Promise<NotificationRecord[]>;
}

/** Tokens, sessions and the audit log: what authentication and the admin routes need. */
export interface AuthStore {
  /** The token value is returned once; only its sha256 is stored. */
  createToken(input: NewToken, now?: Date): Promise<{ id: string; token: string }>;
  listTokens(): Promise<TokenInfo[]>;
  /** Returns false when no such token (or already revoked). Ends the token's sessions. */
  revokeToken(id: string, now?: Date): Promise<boolean>;
  /** undefined for unknown, revoked or expired tokens; records lastUsedAt. */
  verifyToken(token: string, now?: Date): Promise<TokenInfo | undefined>;
  /** Whether any admin token is usable at `now`: not revoked, not expired (a start makes and prints one when none is). */
  hasActiveAdmin(now?: Date): Promise<boolean>;

  createSession(tokenId: string, now?: Date): Promise<{ id: string; csrf: string; expiresAt: string }>;
  /** undefined for unknown or expired sessions, or when the token was revoked/expired since. */
  getSession(id: string, now?: Date): Promise<SessionInfo | undefined>;
  deleteSession(id: string): Promise<void>;

  addAudit(actor: string, action: string, detail: Record<string, unknown>, now?: Date): Promise<void>;
  /**
   * Newest first. `action`: only entries of that action (`triage.set`) or family (`triage`: every
   * `triage.*`), so decisions are not pushed off the page by ingest rows.
   */
  listAudit(limit: number, action?: string): Promise<AuditEntry[]>;
}

/** Every table of the store, in an order that respects foreign keys (parents first). */
export const STORE_TABLES = [
  'services',
  'scans',
  'scan_services',
  'findings',
  'service_summary',
  'finding_events',
  'finding_scans',
  'fix_stats',
  'posture_daily',
  'tokens',
  'sessions',
  'audit',
  'ingest_keys',
  'finding_ids',
  'notifications',
  'triage',
  'triage_events',
  'pr_findings',
] as const;
export type StoreTable = (typeof STORE_TABLES)[number];

/** The whole store, as server.ts opens it. Route modules take one of the narrow interfaces above. */
export interface Store extends IngestStore, ReadStore, AuthStore, NotifyStore, TriageStore, RepositoryStore {
  readonly backend: 'sqlite' | 'postgres';
  /** Rows per table (the migrate command's check, tests). */
  tableCounts(): Promise<Record<StoreTable, number>>;
  /** SQLite: TRUNCATE checkpoint of the WAL (SIGTERM, tests); PostgreSQL: nothing to do. */
  checkpoint(): Promise<void>;
  close(): Promise<void>;
}
