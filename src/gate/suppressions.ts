// Suppressions: findings a team has decided to accept for a while, with a reason, an owner and an
// expiry date. They come from `.gatehouse.yml` (`suppressions:`), from the separate ignore file
// (`.gatehouse-ignore.yml`, same entries) and from the tools' own inline markers that the parsers
// report as `inlineSuppressed` (nosemgrep, the embedded scanner's gitleaks:allow/gatehouse:allow,
// SARIF suppressions). trivy applies .trivyignore itself and leaves ignored findings out.
//
// - active: matching findings get status 'suppressed';
// - expiring (within 14 days): still suppresses; the gate warns;
// - expired: the findings count again (status unchanged, `suppression` kept so reports and the gate
//   can say which suppression expired);
// - stale: matched nothing this scan (the problem is gone or the entry is wrong): reported.
import { existsSync, readFileSync } from 'node:fs';
import picomatch from 'picomatch';
import { z } from 'zod';
import { ConfigSchema, describeSuppression, type SuppressionConfig } from '../config/schema.js';
import { parseYamlFile } from '../config/yaml.js';
import { suppressionMatchesEverything } from './policy-risks.js';
import { ConfigError } from '../errors.js';
import type { Finding, SuppressionRef } from '../findings/finding.js';
import { inlineSuppression } from '../findings/inline-suppression.js';
import type { SuppressionReport } from '../report/scan-report.js';

/** A suppression that expires within this many days is reported as "expiring". */
export const EXPIRING_WITHIN_DAYS = 14;

const DAY_MS = 24 * 60 * 60 * 1000;

/** One `suppressions[]` entry, the same schema as in `.gatehouse.yml`. */
const SuppressionEntrySchema = ConfigSchema.shape.suppressions.unwrap().element;


/**
 * A suppression with where it was written, so reports can name it. `dashboard`: a triage decision
 * read from the dashboard (src/push/triage.ts), with who decided it.
 */
export type SourcedSuppression = SuppressionConfig & { source?: 'config' | 'ignore-file' | 'dashboard'; decidedBy?: string };

/** A readable id for a suppression that has none: its criteria ("rule=CVE-2021-23337 path=services/**"). */
export function suppressionId(s: SuppressionConfig): string {
  if (s.id) return s.id;
  const parts: string[] = [];
  if (s.rule) parts.push(`rule=${s.rule}`);
  if (s.fingerprint) parts.push(`fingerprint=${s.fingerprint}`);
  if (s.path) parts.push(`path=${s.path}`);
  if (s.service) parts.push(`service=${s.service}`);
  if (s.package) parts.push(`package=${s.package}`);
  return parts.join(' ');
}

/** The last instant a suppression is valid: the whole of its expiry day, UTC. */
function expiryEnd(expires: string): number {
  return Date.parse(`${expires}T23:59:59.999Z`);
}

export type SuppressionState = SuppressionReport['state'];

/** active / expiring / expired for a date (stale is decided by matches, in applySuppressions). */
export function suppressionTimeState(s: SuppressionConfig, now: Date): Exclude<SuppressionState, 'stale'> {
  if (!s.expires) return 'active';
  const expires = s.expires;
  const end = expiryEnd(expires);
  if (Number.isNaN(end)) return 'expired'; // not a real date (2026-13-01): fail closed
  if (now.getTime() > end) return 'expired';
  // Calendar days from today (UTC) to the expiry date: expiring on today + 14 is "within 14 days".
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  if (Date.parse(`${expires}T00:00:00Z`) - today <= EXPIRING_WITHIN_DAYS * DAY_MS) return 'expiring';
  return 'active';
}

interface CompiledSuppression {
  config: SourcedSuppression;
  /** Position in the list: the first matching suppression is the one a finding names. */
  index: number;
  id: string;
  state: Exclude<SuppressionState, 'stale'>;
  /** The path criterion: a literal path compared as is, a glob compiled on first use. */
  path: string | undefined;
  pathIsGlob: boolean;
  pathMatcher?: (path: string) => boolean;
  /** For a path glob tried one by one: the folder every match is under ('' when none), a cheap first test. */
  globBase?: string;
  ruleLower: string | undefined;
  matched: number;
}

const GLOB_SYNTAX = /[*?[\]{}()!+@\\]/;

function compile(s: SourcedSuppression, index: number, state: Exclude<SuppressionState, 'stale'>): CompiledSuppression {
  const path = s.path === undefined ? undefined : s.path.startsWith('./') ? s.path.replace(/^(\.\/)+/, '') : s.path;
  return {
    config: s,
    index,
    id: suppressionId(s),
    state,
    path,
    // Any character picomatch could read as syntax makes it a glob (compiled on first use); a plain
    // path is compared as text. (picomatch.scan would tell exactly, at 30 µs a suppression.)
    pathIsGlob: path !== undefined && GLOB_SYNTAX.test(path),
    ruleLower: s.rule?.toLowerCase(),
    matched: 0,
  };
}

function matchesPath(c: CompiledSuppression, path: string): boolean {
  if (!c.pathIsGlob) return path === c.path;
  c.pathMatcher ??= picomatch(c.path!, { dot: true });
  return c.pathMatcher(path);
}

/** Every criterion the suppression names must hold (rule AND path AND service ...). */
function matches(c: CompiledSuppression, f: Finding): boolean {
  const s = c.config;
  if (c.ruleLower !== undefined && c.ruleLower !== f.ruleId.toLowerCase()) return false;
  if (s.fingerprint && s.fingerprint !== f.fingerprint) return false;
  if (s.service && s.service !== f.service) return false;
  if (s.package) {
    const pkg = f.location.package;
    // "lodash" or "lodash@4.17.20"
    if (!pkg || (s.package !== pkg.name && s.package !== `${pkg.name}@${pkg.version}`)) return false;
  }
  if (c.path !== undefined) {
    const path = f.location.path;
    if (!path || !matchesPath(c, path)) return false;
  }
  return true;
}

/**
 * The suppressions indexed by what every one of them must name (a fingerprint, a rule or a path):
 * a finding is checked only against the suppressions that could match it, so 330,000 suppressions
 * cost a few map look-ups per finding instead of 330,000 comparisons. Only path globs without a
 * fingerprint or rule are checked one by one (teams write few of those).
 */
class SuppressionIndex {
  private readonly byFingerprint = new Map<string, CompiledSuppression[]>();
  private readonly byRule = new Map<string, CompiledSuppression[]>();
  private readonly byLiteralPath = new Map<string, CompiledSuppression[]>();
  private readonly byGlob: CompiledSuppression[] = [];

  constructor(compiled: readonly CompiledSuppression[]) {
    const add = (map: Map<string, CompiledSuppression[]>, key: string, c: CompiledSuppression) => {
      const list = map.get(key);
      if (list) list.push(c);
      else map.set(key, [c]);
    };
    for (const c of compiled) {
      const s = c.config;
      if (s.fingerprint) add(this.byFingerprint, s.fingerprint, c);
      else if (s.rule) add(this.byRule, s.rule.toLowerCase(), c);
      else if (c.path !== undefined && !c.pathIsGlob) add(this.byLiteralPath, c.path, c);
      else {
        if (c.path !== undefined) {
          const { base, negated } = picomatch.scan(c.path);
          c.globBase = negated || base === '.' ? '' : base;
        }
        this.byGlob.push(c);
      }
    }
  }

  /** Every suppression that could match `f` (a superset of those that do), each once. */
  candidates(f: Finding): CompiledSuppression[][] {
    const out: CompiledSuppression[][] = [];
    const fp = this.byFingerprint.get(f.fingerprint);
    if (fp) out.push(fp);
    const rule = this.byRule.get(f.ruleId.toLowerCase());
    if (rule) out.push(rule);
    if (f.location.path !== undefined) {
      const literal = this.byLiteralPath.get(f.location.path);
      if (literal) out.push(literal);
    }
    if (this.byGlob.length > 0) out.push(this.byGlob);
    return out;
  }
}

function refOf(c: CompiledSuppression): SuppressionRef {
  const s = c.config;
  return {
    source: s.source ?? 'config',
    reason: s.reason,
    ...(s.owner ? { owner: s.owner } : {}),
    ...(s.expires ? { expires: s.expires } : {}),
    ...(s.decidedBy ? { decidedBy: s.decidedBy } : {}),
  };
}

/**
 * Applies suppressions and inline markers. Every suppression that matches a finding counts the
 * match, so that one shadowed by another (or by an inline marker) is not reported as stale; the
 * first in the list (config, then ignore file) is the one the finding names.
 */
export function applySuppressions(
  findings: readonly Finding[],
  suppressions: readonly SourcedSuppression[],
  now: Date,
): { findings: Finding[]; report: SuppressionReport[] } {
  // Thousands of suppressions share a handful of expiry dates: each date is judged once.
  const states = new Map<string | undefined, Exclude<SuppressionState, 'stale'>>();
  const stateOf = (s: SourcedSuppression) => {
    let state = states.get(s.expires);
    if (state === undefined) states.set(s.expires, (state = suppressionTimeState(s, now)));
    return state;
  };
  const compiled = suppressions.map((s, i) => compile(s, i, stateOf(s)));
  const index = new SuppressionIndex(compiled);
  const out = findings.map((f): Finding => {
    let active: CompiledSuppression | undefined;
    let expired: CompiledSuppression | undefined;
    const path = f.location.path;
    for (const list of index.candidates(f)) {
      for (const c of list) {
        if (c.globBase && !(path !== undefined && path.startsWith(c.globBase) && (path.length === c.globBase.length || path[c.globBase.length] === '/'))) continue;
        if (!matches(c, f)) continue;
        c.matched++;
        if (c.state === 'expired') {
          if (!expired || c.index < expired.index) expired = c;
        } else if (!active || c.index < active.index) active = c;
      }
    }
    if (active) return { ...f, status: 'suppressed', suppression: refOf(active) };
    if (f.inlineSuppressed) {
      return { ...f, status: 'suppressed', suppression: inlineSuppression(f.tool) };
    }
    // Expired: counts again; the reference stays so the gate and reports can name the suppression.
    if (expired) return { ...f, suppression: refOf(expired) };
    return f;
  });
  // A dashboard decision is about one finding of one service: one that matched nothing this scan
  // (another service, a fixed finding) is not a stale entry anyone must remove.
  const report: SuppressionReport[] = [];
  for (const c of compiled) {
    const s = c.config;
    if (s.source === 'dashboard' && c.matched === 0) continue;
    const entry: SuppressionReport = { id: c.id, reason: s.reason, state: c.state === 'expired' ? 'expired' : c.matched === 0 ? 'stale' : c.state, matched: c.matched };
    if (s.owner) entry.owner = s.owner;
    if (s.expires) entry.expires = s.expires;
    // Open-ended: a config or ignore-file entry without expiry (a dashboard decision has its own audit trail).
    else if (s.source !== 'dashboard') entry.openEnded = true;
    if (s.service) entry.service = s.service;
    if (suppressionMatchesEverything(s)) entry.matchesEverything = true;
    report.push(entry);
  }
  return { findings: out, report };
}

/** True when a finding counts again because the suppression that matched it has expired. */
export function hasExpiredSuppression(f: Finding): boolean {
  return f.status !== 'suppressed' && f.suppression !== undefined;
}

// A plain list, or a mapping with `suppressions:` (chosen by shape, so errors point at the entry).
const IgnoreListSchema = z.array(SuppressionEntrySchema);
const IgnoreMappingSchema = z.object({ suppressions: IgnoreListSchema.default([]) }).strict();

/**
 * Reads the separate ignore file (`.gatehouse-ignore.yml`): a YAML list of suppressions, or a
 * mapping with a `suppressions:` list. A missing file is no suppressions; a bad one is a ConfigError
 * naming the file, the line and the field.
 */
export function loadIgnoreFile(path: string, options: { requireExpiry?: boolean } = {}): SourcedSuppression[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  // Syntax errors, custom tags and alias bombs: a ConfigError with file:line (config/yaml.ts).
  // `yaml.doc` is made on demand for large files (only an error needs it): not destructured.
  const yaml = parseYamlFile(text, path);
  const data: unknown = yaml.data ?? [];
  const lineOf = (issuePath: readonly PropertyKey[]) => {
    const node = yaml.doc.getIn(issuePath as unknown[], true) as { range?: [number, number, number] } | undefined;
    return node?.range ? yaml.lineCounter.linePos(node.range[0]).line : undefined;
  };
  const parsed = Array.isArray(data) ? IgnoreListSchema.safeParse(data) : IgnoreMappingSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.map(String).join('.');
    const line = lineOf(issue.path);
    throw new ConfigError(
      `${path}${line ? `:${line}` : ''}: suppression ${field ? `"${field}" ` : ''}is invalid: ${issue.message}`,
      { file: path, ...(line ? { line } : {}), field },
    );
  }
  const list = Array.isArray(parsed.data) ? parsed.data : parsed.data.suppressions;
  if (options.requireExpiry) {
    const index = list.findIndex((s) => s.expires === undefined);
    if (index >= 0) {
      const issuePath = Array.isArray(data) ? [index] : ['suppressions', index];
      const field = issuePath.map(String).join('.');
      const line = lineOf(issuePath);
      throw new ConfigError(
        `${path}${line ? `:${line}` : ''}: suppression ${describeSuppression(list[index]!)} (${field}) has no "expires" date, and gate.suppressions-require-expiry is true: add expires: YYYY-MM-DD`,
        { file: path, ...(line ? { line } : {}), field },
      );
    }
  }
  return list.map((s) => ({ ...s, source: 'ignore-file' as const }));
}
