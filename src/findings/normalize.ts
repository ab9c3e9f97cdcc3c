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
    // zod's output is a deep copy of the input. Keeping it would double the memory of 100,000
    // findings (and the garbage collector's work); instead the validated input's own nested
    // objects are shared (neither side mutates them) and only the top level is new, built with
    // the same keys in the same order every time (one object shape: fast to build and to read).
    const d = result.data;
    // Container findings carry paths inside the image, which say nothing about the repository's services.
    const path = d.category === 'container' ? undefined : raw.location.path;
    const service = (path !== undefined && opts.serviceForPath?.(path)) || opts.service;
    const finding: Finding = {
      tool: d.tool,
      category: d.category,
      ruleId: d.ruleId,
      title: scrubSecrets(d.title),
      severity: d.severity,
      toolSeverity: d.toolSeverity,
      location: raw.location as Finding['location'],
      cvss: raw.cvss,
      cwe: raw.cwe ?? d.cwe,
      references: raw.references ?? d.references,
      fixAvailable: d.fixAvailable,
      fix: d.fix === undefined ? undefined : scrubSecrets(d.fix),
      message: scrubSecrets(d.message),
      secretPreview: d.secretPreview,
      matchHash: d.matchHash,
      inlineSuppressed: d.inlineSuppressed,
      fingerprint: '',
      service,
      status: 'introduced',
    };
    // After scrubbing, so not even a hash of a leaked value goes into the fingerprint.
    finding.fingerprint = fingerprintFinding(finding, service);
    const seen = byFingerprint.get(finding.fingerprint);
    if (!seen || SEVERITY_RANK[finding.severity] > SEVERITY_RANK[seen.severity]) {
      byFingerprint.set(finding.fingerprint, finding);
    }
  });
  return [...byFingerprint.values()];
}
