// Parsed findings -> normalized Findings: validated, given a service and a fingerprint, scrubbed of
// any secret a tool echoed in free text, and de-duplicated. Status starts as 'introduced'; the
// baseline comparison (gate/compare.ts) and suppressions (gate/suppressions.ts) refine it.
import { ScannerOutputError } from '../errors.js';
import { SEVERITY_RANK } from './severity.js';
import { CATEGORIES, ParsedFindingSchema, SEVERITIES, type Finding, type ParsedFinding } from './finding.js';
import { fingerprintFinding } from './fingerprint.js';
import { scrubSecrets, sha256Hex } from './redact.js';
import { collapseOutsidePath, normalizeRepoPath } from '../services/repo-path.js';

export interface NormalizeOptions {
  /** The service the scanner ran for; findings whose path maps to no other service get it. */
  service: string;
  /** Maps a repository-relative path to its service (services/discover.ts). */
  serviceForPath?: (path: string) => string | undefined;
  /**
   * The folder of the repository scanned (source.root; absent: the top). Fingerprints name files from
   * the repository's top, so a folder's findings keep their identity whether the repository is scanned
   * whole or in parts (a nightly whole scan as the dashboard base of a folder's PR job).
   */
  root?: string;
}

/**
 * Validates each parsed finding (a parser bug is an error naming the tool and the field, never a
 * silently dropped finding), assigns service and fingerprint, and drops exact duplicates: two
 * findings with one fingerprint are one problem (e.g. gitleaks reporting one key under three tags);
 * the worse severity is kept.
 */
export function normalizeFindings(input: readonly ParsedFinding[], opts: NormalizeOptions): Finding[] {
  const parsed = withValueFreeSecretHashes(input);
  const byFingerprint = new Map<string, Finding>();
  // Titles and fix hints repeat (one advisory in many packages): each distinct text is scrubbed once.
  const scrubbed = new Map<string, string>();
  const scrubRepeated = (text: string): string => {
    let clean = scrubbed.get(text);
    if (clean === undefined) scrubbed.set(text, (clean = scrubSecrets(text)));
    return clean;
  };
  parsed.forEach((raw, index) => {
    // A well-formed finding (every one a parser builds) passes the plain structural check below; zod
    // checks the rest and names the field at fault. zod's parsed copy is not kept either way: the
    // checked input is used as is (its nested objects are shared; neither side mutates them).
    if (!isWellFormedParsedFinding(raw)) throwIfInvalid(raw, index);
    // Container findings carry paths inside the image, which say nothing about the repository's services.
    // `services/web/../api/x.js` is `services/api/x.js`: one path, one service, one fingerprint.
    // A path outside the repository is shown for what it is (`../../etc/passwd`, not the
    // `services/api/../../../../etc/passwd` it was written as); the runner says so.
    const reported = raw.category === 'container' ? undefined : raw.location.path;
    const normal = reported === undefined ? undefined : normalizeRepoPath(reported);
    const path = normal !== undefined ? (normal !== '' ? normal : reported) : reported === undefined ? undefined : collapseOutsidePath(reported);
    const location = path === raw.location.path ? raw.location : { ...raw.location, path };
    const service = (path !== undefined && opts.serviceForPath?.(path)) || opts.service;
    // The same keys in the same order every time: one object shape, fast to build and to read.
    const finding: Finding = {
      tool: raw.tool,
      category: raw.category,
      ruleId: raw.ruleId,
      title: scrubRepeated(raw.title),
      severity: raw.severity,
      toolSeverity: raw.toolSeverity,
      location: location as Finding['location'],
      cvss: raw.cvss,
      // The schema's defaults for absent lists.
      cwe: raw.cwe ?? [],
      references: raw.references ?? [],
      fixAvailable: raw.fixAvailable,
      fix: raw.fix === undefined ? undefined : scrubRepeated(raw.fix),
      message: scrubSecrets(raw.message),
      secretPreview: raw.secretPreview,
      matchHash: raw.matchHash,
      inlineSuppressed: raw.inlineSuppressed,
      aliases: raw.aliases,
      secret: raw.secret,
      fingerprint: '',
      service,
      status: 'introduced',
    };
    // After scrubbing, so not even a hash of a leaked value goes into the fingerprint.
    finding.fingerprint = fingerprintFinding(finding, service, opts.root);
    const seen = byFingerprint.get(finding.fingerprint);
    if (!seen || SEVERITY_RANK[finding.severity] > SEVERITY_RANK[seen.severity]) {
      byFingerprint.set(finding.fingerprint, finding);
    }
  });
  return [...byFingerprint.values()];
}

/** zod's verdict on a finding the fast check refused: an error naming the tool, the finding and the field. */
function throwIfInvalid(raw: unknown, index: number): void {
  const result = ParsedFindingSchema.safeParse(raw);
  if (result.success) return;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') || '(root)';
  const tool = typeof (raw as { tool?: unknown })?.tool === 'string' ? (raw as { tool: string }).tool : 'unknown tool';
  throw new ScannerOutputError(tool, `finding #${index + 1} is invalid at "${field}": ${issue?.message ?? 'bad shape'}`);
}

// ---------------------------------------------------------------------------------------------------
// Fast structural check. Validating 100,000 findings with zod costs about a second (it builds a deep
// copy of each). The check below accepts only what ParsedFindingSchema accepts (test/findings/
// normalize.test.ts proves it field by field, and fails when the schema gains a field this does not
// know); anything it refuses goes to zod, so a real error still names the field.

/** The fields of ParsedFindingSchema (and its nested schemas) that the fast check knows. */
export const FAST_CHECKED_FIELDS = {
  finding: [
    'tool', 'category', 'ruleId', 'title', 'severity', 'toolSeverity', 'location', 'cvss', 'cwe', 'references',
    'fixAvailable', 'fix', 'message', 'secretPreview', 'matchHash', 'inlineSuppressed', 'aliases', 'secret',
  ],
  location: ['path', 'startLine', 'endLine', 'startColumn', 'endColumn', 'image', 'package'],
  package: ['ecosystem', 'name', 'version', 'fixedVersions', 'path'],
  cvss: ['score', 'vector'],
} as const;

const CATEGORY_SET: ReadonlySet<unknown> = new Set(CATEGORIES);
const SEVERITY_SET: ReadonlySet<unknown> = new Set(SEVERITIES);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
const isNonEmptyString = (v: unknown) => typeof v === 'string' && v !== '';
const isOptionalString = (v: unknown) => v === undefined || typeof v === 'string';
const isOptionalBoolean = (v: unknown) => v === undefined || typeof v === 'boolean';
/** zod's `.int().nonnegative()`: a safe integer >= 0. */
const isOptionalLine = (v: unknown) => v === undefined || (Number.isSafeInteger(v) && (v as number) >= 0);

/** An array of strings. Indexed, not `every`: a hole in a sparse array is undefined to zod too. */
function isStringArray(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) if (typeof value[i] !== 'string') return false;
  return true;
}

/** True only for a value ParsedFindingSchema accepts (false may still be valid: zod then decides). */
export function isWellFormedParsedFinding(f: unknown): f is ParsedFinding {
  if (!isObject(f)) return false;
  if (!isNonEmptyString(f.tool) || !CATEGORY_SET.has(f.category) || !isNonEmptyString(f.ruleId)) return false;
  if (typeof f.title !== 'string' || !SEVERITY_SET.has(f.severity) || !isOptionalString(f.toolSeverity)) return false;
  if (typeof f.message !== 'string' || typeof f.fixAvailable !== 'boolean' || !isOptionalString(f.fix)) return false;
  if (!isOptionalString(f.secretPreview) || !isOptionalString(f.matchHash) || !isOptionalBoolean(f.inlineSuppressed)) {
    return false;
  }
  if (f.cwe !== undefined && !isStringArray(f.cwe)) return false;
  if (f.references !== undefined && !isStringArray(f.references)) return false;
  if (f.aliases !== undefined && !isStringArray(f.aliases)) return false;
  // Secret details (one finding per secret, few of them): zod checks those.
  if (f.secret !== undefined) return false;
  const cvss = f.cvss;
  if (cvss !== undefined) {
    if (!isObject(cvss) || !isOptionalString(cvss.vector)) return false;
    // zod's z.number() refuses NaN and infinities; min(0).max(10) refuses NaN as well.
    if (typeof cvss.score !== 'number' || !(cvss.score >= 0 && cvss.score <= 10)) return false;
  }
  const loc = f.location;
  if (!isObject(loc)) return false;
  if (!isOptionalString(loc.path) || !isOptionalString(loc.image)) return false;
  if (!isOptionalLine(loc.startLine) || !isOptionalLine(loc.endLine)) return false;
  if (!isOptionalLine(loc.startColumn) || !isOptionalLine(loc.endColumn)) return false;
  const pkg = loc.package;
  if (pkg === undefined) return true;
  return (
    isObject(pkg) &&
    isNonEmptyString(pkg.ecosystem) &&
    isNonEmptyString(pkg.name) &&
    typeof pkg.version === 'string' &&
    isStringArray(pkg.fixedVersions) &&
    isOptionalString(pkg.path)
  );
}

/**
 * Secret findings of other tools (gitleaks, SARIF secret scanners, trivy) arrive with `matchHash` =
 * sha256 of the value: a dictionary recovers the value from it, or from a fingerprint built on it.
 * Here the hash is replaced by the value's rank among the distinct values of its tool, rule and file
 * (ordered by first line), so neither the report nor the fingerprint depends on the value, and one
 * value on several lines stays one finding. The embedded scanner's findings carry a value-free
 * anchor already and are left alone.
 */
export function withValueFreeSecretHashes(parsed: readonly ParsedFinding[]): readonly ParsedFinding[] {
  const groups = new Map<string, { hash: string; line: number; index: number }[]>();
  parsed.forEach((f, index) => {
    if (f.category !== 'secret' || !f.matchHash || f.secret?.anchor) return;
    const key = `${f.tool}\u0000${f.ruleId}\u0000${f.location.path ?? f.location.image ?? ''}`;
    const list = groups.get(key) ?? [];
    list.push({ hash: f.matchHash, line: f.location.startLine ?? 0, index });
    groups.set(key, list);
  });
  if (groups.size === 0) return parsed;
  const replaced = new Map<number, string>();
  for (const list of groups.values()) {
    const firstSeen = new Map<string, { line: number; index: number }>();
    for (const e of list) {
      const seen = firstSeen.get(e.hash);
      if (!seen || e.line < seen.line || (e.line === seen.line && e.index < seen.index)) firstSeen.set(e.hash, { line: e.line, index: e.index });
    }
    const ranked = [...firstSeen.entries()].sort((a, b) => a[1].line - b[1].line || a[1].index - b[1].index).map(([hash]) => hash);
    const identity = new Map(ranked.map((hash, rank) => [hash, sha256Hex(`gatehouse secret identity v1\u0000${rank}`)]));
    for (const e of list) replaced.set(e.index, identity.get(e.hash)!);
  }
  return parsed.map((f, index) => (replaced.has(index) ? { ...f, matchHash: replaced.get(index) } : f));
}
