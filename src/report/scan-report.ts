// The versioned ScanReport: the engine's JSON output, the action's report file and the body the
// dashboard ingests (POST /api/v1/scans). This file (with findings/finding.ts) is all the dashboard
// shares with the engine.
import { z } from 'zod';
import { CategorySchema, FindingSchema, SeveritySchema } from '../findings/finding.js';

/** The version this engine writes. Version 1 bodies are still read: `upgradeScanReport` lifts them. */
export const SCAN_REPORT_VERSION = 2;

export const ScannerRunSchema = z.object({
  /** Adapter id ("trivy-fs", "semgrep", "gatehouse-secrets", "sarif:hadolint"). */
  scanner: z.string().min(1),
  tool: z.string().min(1),
  category: CategorySchema,
  service: z.string().min(1),
  /** `ok`: parsed; `error`: crashed/timed out/garbage/missing (see `error`); `imported`: read from a file. */
  status: z.enum(['ok', 'imported', 'error']),
  toolVersion: z.string().optional(),
  durationMs: z.number().nonnegative(),
  findingCount: z.number().int().nonnegative(),
  /** Why it failed, in words a user can act on. Never contains scanner stdout verbatim. */
  error: z.string().optional(),
  /** Problems the tool reported while still producing results (semgrep timeouts on some files). */
  toolErrors: z.array(z.string()).default([]),
  /**
   * Files of this run's service it selected but did not check (a Helm template that is not YAML, a
   * file over the size limit), with why: the coverage ledger counts them as unread.
   */
  skippedFiles: z.array(z.object({ path: z.string(), reason: z.string() })).optional(),
});
export type ScannerRun = z.infer<typeof ScannerRunSchema>;

export const GateReasonSchema = z.object({
  /** `no-scanner`: nothing was scanned (every scanner off, or none applies): never a pass. */
  kind: z.enum(['severity', 'max-count', 'scanner-error', 'expired-suppression', 'no-baseline', 'kev', 'epss', 'coverage-gap', 'no-scanner']),
  /** A sentence a developer can act on. */
  message: z.string(),
  service: z.string().optional(),
  /** A reason about several services (one missing tool in many): their names (`service` is for one). */
  services: z.array(z.string()).optional(),
  severity: SeveritySchema.optional(),
  fingerprints: z.array(z.string()).default([]),
});
export type GateReason = z.infer<typeof GateReasonSchema>;

/**
 * A setting that makes the scan say less than it seems to (gate/policy-risks.ts): an allow-path or a
 * suppression that matches everything, open-ended suppressions, dependency and secret scanning off.
 * Also in `warnings`; kept apart so that every format (SARIF too) can name them.
 */
export const PolicyNoteSchema = z.object({
  kind: z.enum(['allow-everything', 'suppress-everything', 'open-ended-suppressions', 'categories-off']),
  message: z.string(),
  /** The glob or suppression id at fault. */
  subject: z.string().optional(),
});
export type PolicyNote = z.infer<typeof PolicyNoteSchema>;

export const GateDecisionSchema = z.object({
  passed: z.boolean(),
  /** `scanner-error` when the only reasons are scanner errors (exit 3), else `failed` (exit 1). */
  outcome: z.enum(['passed', 'failed', 'scanner-error']),
  reasons: z.array(GateReasonSchema),
  /** Non-blocking notes: suppressions expiring within 14 days, stale suppressions, warn-mode errors. */
  warnings: z.array(z.string()),
  /** Counted (blocking-eligible) findings per severity. */
  counted: z.record(SeveritySchema, z.number().int().nonnegative()),
  /** Settings that hide or skip things (each is also one of `warnings`). */
  policy: z.array(PolicyNoteSchema).default([]),
});
export type GateDecision = z.infer<typeof GateDecisionSchema>;

export const SuppressionReportSchema = z.object({
  id: z.string(),
  reason: z.string(),
  owner: z.string().optional(),
  expires: z.string().optional(),
  state: z.enum(['active', 'expiring', 'expired', 'stale']),
  matched: z.number().int().nonnegative(),
  /** The service it is limited to, if any. */
  service: z.string().optional(),
  /** No expiry date: it holds until someone removes it. */
  openEnded: z.boolean().optional(),
  /** Its path matches every file and nothing else narrows it: it hides every finding (of `service`). */
  matchesEverything: z.boolean().optional(),
});
export type SuppressionReport = z.infer<typeof SuppressionReportSchema>;

/** What became of an exploitation feed (KEV, EPSS) in this scan: said in every report format. */
export const FeedStatusSchema = z.object({
  feed: z.enum(['kev', 'epss']),
  state: z.enum(['loaded', 'off', 'unavailable']),
  source: z.string().optional(),
  version: z.string().optional(),
  /** The data's own date (KEV dateReleased, EPSS score_date). */
  date: z.string().optional(),
  ageDays: z.number().int().nonnegative().optional(),
  note: z.string().optional(),
  entries: z.number().int().nonnegative().optional(),
});
export type FeedStatusReport = z.infer<typeof FeedStatusSchema>;

export const EnrichmentSchema = z.object({
  feeds: z.array(FeedStatusSchema),
  /** Things a reader should know: ids in an unusual form, findings the feeds could not match. */
  notes: z.array(z.string()).default([]),
});
export type Enrichment = z.infer<typeof EnrichmentSchema>;

/** One upgrade of the remediation plan: per service and package, the smallest version that fixes all. */
export const RemediationStepSchema = z.object({
  service: z.string(),
  ecosystem: z.string(),
  package: z.string(),
  /** The installed version ('' when the tool does not say). */
  from: z.string(),
  /** The smallest version that fixes every finding below; absent when none does (see `note`). */
  to: z.string().optional(),
  /** The lockfile, manifest or image the package is in. */
  where: z.string().optional(),
  /** Fingerprints of the findings the upgrade fixes. */
  fixes: z.array(z.string()),
  /** Counts per severity of the fixed findings. */
  counts: z.record(SeveritySchema, z.number().int().nonnegative()),
  kev: z.number().int().nonnegative(),
  /** Highest EPSS probability among the fixed findings. */
  maxEpss: z.number().min(0).max(1).optional(),
  /** Why no version (or only a partial one) is given: no fixed version, versions that do not compare. */
  note: z.string().optional(),
  /** Fingerprints of findings of this package the upgrade does not fix (no fixed version known). */
  unfixed: z.array(z.string()).default([]),
});
export type RemediationStep = z.infer<typeof RemediationStepSchema>;

// The coverage ledger (version 2): what was and was not looked at, so a pass never hides a part of
// the repository nobody read. Lists are capped (LEDGER_LIST_CAP) with their full count beside them.

/** The longest list of paths the ledger keeps per entry; counts are always complete. */
export const LEDGER_LIST_CAP = 200;

export const CoverageStateSchema = z.enum(['ran', 'imported', 'not-applicable', 'skipped', 'failed']);
export type CoverageState = z.infer<typeof CoverageStateSchema>;

/** One service x scanner: did it run, and if not, why. */
export const CoverageScannerEntrySchema = z.object({
  service: z.string().min(1),
  scanner: z.string().min(1),
  category: CategorySchema,
  state: CoverageStateSchema,
  /** Why (not-applicable, skipped, failed); for ran/imported, optional detail. */
  reason: z.string().optional(),
});
export type CoverageScannerEntry = z.infer<typeof CoverageScannerEntrySchema>;

const PathListSchema = z.object({
  count: z.number().int().nonnegative(),
  /** Up to LEDGER_LIST_CAP paths, repository-relative. */
  paths: z.array(z.string()),
});

/** Per category: the repository files it is meant to read and how many a run that did not fail read. */
export const CoverageCategorySchema = z.object({
  category: CategorySchema,
  /** What the files are ("lockfiles", "files", "Dockerfiles and manifests"). */
  noun: z.string(),
  /** Whether the config lists a scanner of this category. */
  configured: z.boolean(),
  relevant: z.number().int().nonnegative(),
  read: z.number().int().nonnegative(),
  /** Relevant files nothing read, each with why (capped; `unreadCount` is complete). */
  unread: z.array(z.object({ path: z.string(), service: z.string(), reason: z.string() })),
  unreadCount: z.number().int().nonnegative(),
});
export type CoverageCategory = z.infer<typeof CoverageCategorySchema>;

export const CoverageFilesSchema = z.object({
  /** Files found in the repository (after excluded folders). */
  total: z.number().int().nonnegative(),
  /** Files per service (ROOT_SERVICE holds the files outside every service folder). */
  perService: z.array(z.object({ service: z.string(), files: z.number().int().nonnegative() })),
  categories: z.array(CoverageCategorySchema),
  /** Files outside every service folder and the scanners that read them. */
  outsideServices: PathListSchema.extend({ scannedBy: z.array(z.string()) }),
  /** What was left out by pattern: built-in folders (node_modules, .git), config globs. */
  excluded: z.array(z.object({ pattern: z.string(), source: z.string(), count: z.number().int().nonnegative() })),
  /** Files or folders that could not be read (permissions, symlink loops), with why. */
  unreadable: z.array(z.object({ path: z.string(), reason: z.string() })),
});
export type CoverageFiles = z.infer<typeof CoverageFilesSchema>;

export const CoverageGapSchema = z.object({
  category: CategorySchema,
  service: z.string(),
  path: z.string(),
  reason: z.string(),
});
export type CoverageGap = z.infer<typeof CoverageGapSchema>;

export const CoverageLedgerSchema = z.object({
  scanners: z.array(CoverageScannerEntrySchema),
  /** Absent in reports upgraded from version 1 (which did not record files). */
  files: CoverageFilesSchema.optional(),
  /** Files a configured category should have read but nothing did (capped; `gapCount` is complete). */
  gaps: z.array(CoverageGapSchema).default([]),
  gapCount: z.number().int().nonnegative().default(0),
  /** Discovery candidates (folders under `discover.roots`) that did not become services, with why. */
  notServices: z.array(z.object({ path: z.string(), reason: z.string() })).default([]),
  /** Set when the report was written as an older version and lifted on read. */
  upgradedFrom: z.number().int().positive().optional(),
});
export type CoverageLedger = z.infer<typeof CoverageLedgerSchema>;

/**
 * What is wrong with a scan root (`source.root`), or undefined when it is a folder of the repository
 * in its one form: forward slashes, no `.`, `..` or empty segment, no leading or trailing slash; ''
 * for the repository's top. Producers normalise (services/repo-path.ts); the schema only checks, so
 * a root the dashboard compares with its services' folders is never two spellings of one folder.
 */
export function scanRootProblem(root: string): string | undefined {
  if (root === '') return undefined;
  const hint = 'give the folder the scan ran from relative to the repository\'s top, such as "services/api" ("" for the top)';
  if (root.startsWith('/') || /^[A-Za-z]:/.test(root) || root.startsWith('\\')) return `an absolute path; ${hint}`;
  if (root.includes('\\')) return `a backslash; use forward slashes: ${hint}`;
  const segments = root.split('/');
  if (segments.includes('..')) return `".." climbs out of the repository; ${hint}`;
  if (segments.some((s) => s === '' || s === '.')) return `a "." or empty segment (or a trailing slash); ${hint}`;
  return undefined;
}

/**
 * The folder of the repository the scan ran from: a CI job per folder of a monorepo (the action's
 * `working-directory`, `gatehouse scan` in a subfolder). The dashboard's snapshot of a part retires
 * only services inside that folder (dashboard/store/retire.ts).
 */
export const ScanRootSchema = z
  .string()
  .max(1000)
  .superRefine((root, ctx) => {
    const problem = scanRootProblem(root);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const ScanReportBaseSchema = z.object({
  schema: z.literal('gatehouse/scan-report'),
  /** Idempotency key for the dashboard (the action uses run id, attempt and service). */
  scanId: z.string().min(1).max(200),
  /** ISO 8601 timestamp of the scan. */
  createdAt: z.string().datetime({ offset: true }),
  /** `snapshot`: a default-branch/scheduled full scan (drives the lifecycle); `pr`: a pull-request scan. */
  kind: z.enum(['snapshot', 'pr']),
  source: z
    .object({
      repository: z.string().optional(),
      ref: z.string().optional(),
      commit: z.string().optional(),
      pullRequest: z.number().int().positive().optional(),
      baseCommit: z.string().optional(),
      runUrl: z.string().optional(),
      /** The folder of the repository scanned ('' or absent: the whole repository); service paths are relative to it. */
      root: ScanRootSchema.optional(),
    })
    .default({}),
  services: z.array(z.object({ name: z.string().min(1), path: z.string() })),
  comparison: z.object({
    /** Where the base came from; `none` means no base could be had (said plainly in reports). */
    baseline: z.enum(['report', 'dashboard', 'rescan', 'none']),
    /** Whether a changed-files list narrowed what counts as introduced. */
    changedFiles: z.boolean(),
    /**
     * A scan of one folder (`source.root`) given a changed-files list: how many of the change's files
     * lie outside that folder (another folder's scan gates them; this one neither scanned nor counted them).
     */
    changedFilesOutsideRoot: z.number().int().nonnegative().optional(),
  }),
  scanners: z.array(ScannerRunSchema),
  findings: z.array(FindingSchema),
  /** Findings of the base that are gone now. */
  fixed: z.array(FindingSchema).default([]),
  suppressions: z.array(SuppressionReportSchema).default([]),
  gate: GateDecisionSchema,
  /** Exploitation data (KEV, EPSS) used for this scan; absent when enrichment was not run. */
  enrichment: EnrichmentSchema.optional(),
  /** Upgrades that clear the open dependency and container findings, riskiest first. */
  remediation: z.array(RemediationStepSchema).optional(),
});

export const ScanReportV2Schema = ScanReportBaseSchema.extend({
  version: z.literal(SCAN_REPORT_VERSION),
  coverage: CoverageLedgerSchema,
});

/** Version 1: no coverage ledger. */
export const ScanReportV1Schema = ScanReportBaseSchema.extend({ version: z.literal(1) });
export type ScanReportV1 = z.infer<typeof ScanReportV1Schema>;

/**
 * A version 1 report as version 2. Its ledger holds what version 1 knew: each scanner run (ran,
 * imported or failed); which files were read was not recorded, so `files` stays absent.
 */
export function upgradeScanReport(v1: ScanReportV1): ScanReport {
  const scanners = v1.scanners.map(
    (r): CoverageScannerEntry => ({
      service: r.service,
      scanner: r.scanner,
      category: r.category,
      state: r.status === 'error' ? 'failed' : r.status === 'imported' ? 'imported' : 'ran',
      ...(r.status === 'error' ? { reason: r.error ?? 'unknown error' } : {}),
    }),
  );
  return { ...v1, version: SCAN_REPORT_VERSION, coverage: { scanners, gaps: [], gapCount: 0, notServices: [], upgradedFrom: 1 } };
}

/**
 * Every report body the engine and the dashboard read: version 2 as is, version 1 lifted by
 * upgradeScanReport. Validation errors name the field of the version the body says it is.
 */
export const ScanReportSchema = z.discriminatedUnion('version', [
  ScanReportV2Schema,
  ScanReportV1Schema.transform((v1) => upgradeScanReport(v1)),
]);
export type ScanReport = z.infer<typeof ScanReportV2Schema>;
