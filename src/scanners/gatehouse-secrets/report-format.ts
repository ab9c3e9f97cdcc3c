// The JSON the scanner's CLI prints (one object on stdout). Shared by the CLI, which writes it,
// and the adapter, which validates it. It holds masked previews and hashes only, never a value.
import { z } from 'zod';
import { SeveritySchema } from '../../findings/finding.js';
import { SECRET_CONTEXTS } from './context.js';
import { HASH_KEY_SOURCES } from './match-hash.js';
import { RULE_FAMILIES } from './rules.js';

import { REPORT_FORMAT_VERSION, SCANNER_ID } from './scanner-info.js';

export { REPORT_FORMAT_VERSION, SCANNER_ID, SCANNER_VERSION } from './scanner-info.js';

export const ReportedSecretSchema = z
  .object({
    ruleId: z.string().min(1),
    family: z.enum(RULE_FAMILIES),
    title: z.string().min(1),
    severity: SeveritySchema,
    /** The rule's own severity when the context changed it (a generic rule in a test: `low`). */
    ruleSeverity: SeveritySchema.optional(),
    /** Where the file sits: production code, a test, documentation, an example. */
    context: z.enum(SECRET_CONTEXTS),
    /** Relative to the scanned folder, forward slashes. */
    path: z.string().min(1),
    /** The first occurrence (in the commit's version of the file for a finding from history only). */
    line: z.number().int().positive(),
    endLine: z.number().int().positive(),
    column: z.number().int().positive(),
    /** How many times this value appears in this file (one finding for all of them). */
    occurrences: z.number().int().positive(),
    /** The lines of those occurrences (the first 100). */
    lines: z.array(z.number().int().positive()).min(1),
    /** maskSecret(value): at most 4 characters (a quarter of the value at most) then `****`. */
    preview: z.string().regex(/^\S{0,4}\*{4}$/, 'a masked preview (at most 4 characters, then ****)'),
    /** HMAC-SHA256 hex of the value under a key the report does not hold (match-hash.ts). */
    matchHash: z.string().regex(/^[a-f0-9]{64}$/, 'hmac-sha256 hex'),
    /** sha256 of the rule and the line's shape without the value: what the fingerprint is built on. */
    anchor: z.string().regex(/^[a-f0-9]{64}$/, 'sha256 hex'),
    inlineAllowed: z.boolean(),
    /** The commit that added the value, when history was read (`--commits`). */
    commit: z.object({ sha: z.string().regex(/^[0-9a-f]{40,64}$/, 'a full commit id'), date: z.string().optional() }).strict().optional(),
  })
  .strict();
export type ReportedSecret = z.infer<typeof ReportedSecretSchema>;

export const SKIP_REASONS = ['binary', 'too-large', 'unreadable'] as const;

export const SecretScanReportSchema = z
  .object({
    tool: z.literal(SCANNER_ID),
    formatVersion: z.literal(REPORT_FORMAT_VERSION),
    toolVersion: z.string(),
    stats: z
      .object({
        filesScanned: z.number().int().nonnegative(),
        bytesScanned: z.number().int().nonnegative(),
        filesSkipped: z.number().int().nonnegative(),
        /** Files not read because an allow-path glob matched them. */
        filesAllowed: z.number().int().nonnegative(),
        durationMs: z.number().nonnegative(),
        /** CPU time of the scan (user + system), to measure throughput per core on a busy machine. */
        cpuMs: z.number().nonnegative(),
        rules: z.number().int().positive(),
        /** Which key the match hashes are made with (never the key): env, repository, machine, process. */
        keySource: z.enum(HASH_KEY_SOURCES),
        /** History read with `--commits`: the range, commits and bytes of added lines read. */
        history: z
          .object({ range: z.string(), commits: z.number().int().nonnegative(), bytesScanned: z.number().int().nonnegative(), durationMs: z.number().nonnegative() })
          .strict()
          .optional(),
      })
      .strict(),
    /** Files not read; `commit` for the added lines of a commit (history). */
    skipped: z.array(z.object({ path: z.string(), reason: z.enum(SKIP_REASONS), commit: z.string().optional() }).strict()),
    findings: z.array(ReportedSecretSchema),
  })
  .strict();
export type SecretScanReport = z.infer<typeof SecretScanReportSchema>;
