// The normalized finding: one shape for every tool, so the gate, the reporters and the dashboard
// never look at a tool's own format. The zod schema is the single source of truth; the types are
// inferred from it and the dashboard validates ingest bodies with the same schema.
import { z } from 'zod';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info', 'unknown'] as const;
export const SeveritySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof SeveritySchema>;

/** `ci`: the repository's CI workflow files (GitHub Actions workflows, composite actions). */
export const CATEGORIES = ['dependency', 'container', 'sast', 'secret', 'misconfig', 'ci'] as const;
export const CategorySchema = z.enum(CATEGORIES);
export type Category = z.infer<typeof CategorySchema>;

export const PackageRefSchema = z.object({
  /** npm, pypi, go, cargo, maven, alpine, debian, gem, composer, ... (lower case) */
  ecosystem: z.string().min(1),
  name: z.string().min(1),
  version: z.string(),
  /** Versions that fix the vulnerability, as the tool lists them; empty when none is known. */
  fixedVersions: z.array(z.string()),
  /** Where the package sits when a tool reports the same package more than once (nested node_modules). */
  path: z.string().optional(),
});
export type PackageRef = z.infer<typeof PackageRefSchema>;

export const LocationSchema = z.object({
  /** Repository-relative path with forward slashes (a lockfile, a source file, a Dockerfile). */
  path: z.string().optional(),
  startLine: z.number().int().nonnegative().optional(),
  endLine: z.number().int().nonnegative().optional(),
  startColumn: z.number().int().nonnegative().optional(),
  endColumn: z.number().int().nonnegative().optional(),
  /** Container image reference or tarball, for container findings. */
  image: z.string().optional(),
  package: PackageRefSchema.optional(),
});
export type Location = z.infer<typeof LocationSchema>;

export const CvssSchema = z.object({
  score: z.number().min(0).max(10),
  vector: z.string().optional(),
});

/** Where a secret sits: production code, a test, documentation, an example. */
export const SECRET_CONTEXTS = ['code', 'test', 'docs', 'example'] as const;
export const SecretContextSchema = z.enum(SECRET_CONTEXTS);
export type SecretContext = z.infer<typeof SecretContextSchema>;

/** What a secret scanner knows beyond the location (the embedded scanner gives all of it). */
export const SecretDetailsSchema = z.object({
  context: SecretContextSchema,
  /** How many times the same value appears in the file (one finding for all). */
  occurrences: z.number().int().positive(),
  /** The lines of those occurrences (the first 100). */
  lines: z.array(z.number().int().positive()),
  /** The commit that added the value, when history was read (full id). */
  commit: z.string().regex(/^[0-9a-f]{40,64}$/).optional(),
  /** That commit's date (ISO 8601). */
  commitDate: z.string().optional(),
  /** The rule's own severity when the context lowered it (a generic rule in a test). */
  ruleSeverity: SeveritySchema.optional(),
  /**
   * sha256 of the rule and the line's shape with the value blanked out (and its rank): the
   * fingerprint's base, so the fingerprint reveals nothing of the value and survives a new hash key.
   */
  anchor: z.string().regex(/^[a-f0-9]{64}$/).optional(),
});
export type SecretDetails = z.infer<typeof SecretDetailsSchema>;

/**
 * What a scanner adapter's pure `parse` returns. The engine then assigns the service, computes the
 * fingerprint (fingerprint.ts) and redacts (redact.ts).
 */
export const ParsedFindingSchema = z.object({
  tool: z.string().min(1),
  category: CategorySchema,
  /** CVE / GHSA / rule name. */
  ruleId: z.string().min(1),
  title: z.string(),
  severity: SeveritySchema,
  /** The tool's own severity word, kept for the report ("moderate", "ERROR", "warning"). */
  toolSeverity: z.string().optional(),
  location: LocationSchema,
  cvss: CvssSchema.optional(),
  cwe: z.array(z.string()).default([]),
  references: z.array(z.string()).default([]),
  fixAvailable: z.boolean(),
  /** A short human hint: "upgrade lodash to 4.17.21", a semgrep autofix, ... */
  fix: z.string().optional(),
  message: z.string(),
  /** Masked preview of a secret (`ghp_****`); the value itself never leaves the adapter. */
  secretPreview: z.string().optional(),
  /**
   * sha256 (hex) of the normalized matched code, or of the secret value. Used for the fingerprint so
   * that moving code does not change the identity; never the code or the secret itself.
   */
  matchHash: z.string().optional(),
  /** Secrets: context, occurrences, the commit that added it (history). */
  secret: SecretDetailsSchema.optional(),
  /** The tool's own inline marker said to ignore this (nosemgrep, gitleaks:allow, .trivyignore). */
  inlineSuppressed: z.boolean().optional(),
  /**
   * Every other identifier the tool gives for the same vulnerability (CVE, GHSA, GO-, RUSTSEC-,
   * PYSEC-, OSV and vendor ids), canonical form, without `ruleId`. KEV and EPSS match through them.
   */
  aliases: z.array(z.string()).optional(),
});
export type ParsedFinding = z.input<typeof ParsedFindingSchema>;

export const FINDING_STATUSES = ['introduced', 'newly-disclosed', 'existing', 'suppressed'] as const;
export const FindingStatusSchema = z.enum(FINDING_STATUSES);
export type FindingStatus = z.infer<typeof FindingStatusSchema>;

export const SuppressionRefSchema = z.object({
  /** Where it came from: "config", "ignore-file", or the tool's inline marker ("nosemgrep"). */
  source: z.string(),
  reason: z.string().optional(),
  owner: z.string().optional(),
  /** ISO date (YYYY-MM-DD). */
  expires: z.string().optional(),
  /** Who decided it, when the suppression is a dashboard triage decision (source "dashboard"). */
  decidedBy: z.string().optional(),
});
export type SuppressionRef = z.infer<typeof SuppressionRefSchema>;

/** CISA Known Exploited Vulnerabilities listing of a finding (through its id or an alias). */
export const KevListingSchema = z.object({
  /** The listed CVE id (one of the finding's ids). */
  cve: z.string(),
  /** YYYY-MM-DD */
  dateAdded: z.string(),
  /** YYYY-MM-DD: CISA's remediation due date for federal agencies. */
  dueDate: z.string().optional(),
  /** CISA's `knownRansomwareCampaignUse`: "Known" or "Unknown". */
  ransomware: z.enum(['known', 'unknown']),
  name: z.string().optional(),
});
export type KevListing = z.infer<typeof KevListingSchema>;

/** FIRST EPSS score of a finding (the highest over its CVE ids). */
export const EpssScoreSchema = z.object({
  cve: z.string(),
  /** Probability of exploitation activity in the next 30 days, 0-1. */
  probability: z.number().min(0).max(1),
  /** Percentile of that probability among all scored CVEs, 0-1. */
  percentile: z.number().min(0).max(1),
});
export type EpssScore = z.infer<typeof EpssScoreSchema>;

export const FindingSchema = ParsedFindingSchema.extend({
  /** Stable id that survives unrelated edits (see fingerprint.ts). */
  fingerprint: z.string().min(8),
  service: z.string().min(1),
  status: FindingStatusSchema,
  suppression: SuppressionRefSchema.optional(),
  /** Every tool that reported this finding, when more than `tool` did (one vulnerability, one package). */
  tools: z.array(z.string()).optional(),
  kev: KevListingSchema.optional(),
  epss: EpssScoreSchema.optional(),
});
export type Finding = z.infer<typeof FindingSchema>;
