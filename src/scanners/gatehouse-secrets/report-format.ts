// The JSON the scanner's CLI prints (one object on stdout). Shared by the CLI, which writes it,
// and the adapter, which validates it. It holds masked previews and hashes only, never a value.
import { z } from 'zod';
import { SeveritySchema } from '../../findings/finding.js';
import { RULE_FAMILIES } from './rules.js';

import { REPORT_FORMAT_VERSION, SCANNER_ID } from './scanner-info.js';

export { REPORT_FORMAT_VERSION, SCANNER_ID, SCANNER_VERSION } from './scanner-info.js';

export const ReportedSecretSchema = z
  .object({
    ruleId: z.string().min(1),
    family: z.enum(RULE_FAMILIES),
    title: z.string().min(1),
    severity: SeveritySchema,
    /** Relative to the scanned folder, forward slashes. */
    path: z.string().min(1),
    line: z.number().int().positive(),
    endLine: z.number().int().positive(),
    column: z.number().int().positive(),
    /** maskSecret(value): at most 4 characters then `****`. */
    preview: z.string().regex(/^\S{0,4}\*{4}$/, 'a masked preview (at most 4 characters, then ****)'),
    /** sha256 hex of the secret value. */
    matchHash: z.string().regex(/^[a-f0-9]{64}$/, 'sha256 hex'),
    inlineAllowed: z.boolean(),
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
      })
      .strict(),
    skipped: z.array(z.object({ path: z.string(), reason: z.enum(SKIP_REASONS) }).strict()),
    findings: z.array(ReportedSecretSchema),
  })
  .strict();
export type SecretScanReport = z.infer<typeof SecretScanReportSchema>;
