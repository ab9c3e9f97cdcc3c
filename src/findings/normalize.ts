// Parsed findings -> normalized Findings: validated, given a service and a fingerprint, scrubbed of
// any secret a tool echoed in free text, and de-duplicated. Status starts as 'introduced'; the
// baseline comparison (gate/compare.ts) and suppressions (gate/suppressions.ts) refine it.
import { ScannerOutputError } from '../errors.js';
import { SEVERITY_RANK } from './severity.js';
import { ParsedFindingSchema, type Finding, type ParsedFinding } from './finding.js';
import { fingerprintFinding } from './fingerprint.js';
import { scrubSecrets } from './redact.js';

export interface NormalizeOptions {
  /** The service the scanner ran for; findings whose path maps to no other service get it. */
  service: string;
  /** Maps a repository-relative path to its service (services/discover.ts). */
  serviceForPath?: (path: string) => string | undefined;
}

/**
 * Validates each parsed finding (a parser bug is an error naming the tool and the field, never a
 * silently dropped finding), assigns service and fingerprint, and drops exact duplicates: two
 * findings with one fingerprint are one problem (e.g. gitleaks reporting one key under three tags);
 * the worse severity is kept.
 */
export function normalizeFindings(parsed: readonly ParsedFinding[], opts: NormalizeOptions): Finding[] {
  const byFingerprint = new Map<string, Finding>();
  parsed.forEach((raw, index) => {
    const result = ParsedFindingSchema.safeParse(raw);
    if (!result.success) {
      const issue = result.error.issues[0];
      const field = issue?.path.join('.') || '(root)';
      const tool = typeof (raw as { tool?: unknown })?.tool === 'string' ? (raw as { tool: string }).tool : 'unknown tool';
      throw new ScannerOutputError(tool, `finding #${index + 1} is invalid at "${field}": ${issue?.message ?? 'bad shape'}`);
    }
    const f = result.data;
    // Container findings carry paths inside the image, which say nothing about the repository's services.
    const path = f.category === 'container' ? undefined : f.location.path;
    const service = (path !== undefined && opts.serviceForPath?.(path)) || opts.service;
    const finding: Finding = {
      ...f,
      title: scrubSecrets(f.title),
      message: scrubSecrets(f.message),
      ...(f.fix !== undefined ? { fix: scrubSecrets(f.fix) } : {}),
      service,
      fingerprint: fingerprintFinding(f, service),
      status: 'introduced',
    };
    const seen = byFingerprint.get(finding.fingerprint);
    if (!seen || SEVERITY_RANK[finding.severity] > SEVERITY_RANK[seen.severity]) {
      byFingerprint.set(finding.fingerprint, finding);
    }
  });
  return [...byFingerprint.values()];
}
