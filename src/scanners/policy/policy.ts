// The shared shape of Gatehouse's embedded policy checks (the CI workflow audit and the deployment
// file checks): rules with an id, a severity, the practice they enforce and a fix hint; a pure
// `check(path, text)` per file; inline ignore markers; one JSON report. No file system here except
// in scanPolicyDirectory, the thin edge the CLI calls.
import { createHash } from 'node:crypto';
import { closeSync, lstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Severity } from '../../findings/finding.js';

export interface PolicyRule {
  id: string;
  title: string;
  severity: Severity;
  /** The practice the rule enforces, in one sentence (docs/policy-checks.md lists them all). */
  practice: string;
  fix: string;
  cwe?: string[];
  references?: string[];
}

/** One place a rule fired, before ignore markers and report shaping. */
export interface Hit {
  rule: string;
  line: number;
  /** What is wrong here, in words that name the thing (the step, the container, the URL). */
  message: string;
  /** The text the fingerprint hashes (normalized; never a line number). */
  match: string;
  /** Extra references (an advisory) beside the rule's own. */
  references?: string[];
  /** Overrides the rule's severity for this hit (a first-party action unpinned is less risky). */
  severity?: Severity;
}

export interface FileCheckResult {
  hits: Hit[];
  /** Problems with the file itself (syntax, duplicate keys, a template that is not YAML). */
  notes: string[];
  /** Set when the file was not checked at all (and why). */
  skipped?: string;
  /** What a rule over many files needs from this one (e.g. namespaces and NetworkPolicies). */
  facts?: unknown;
}

export interface PolicyCheck {
  /** Scanner id (`gatehouse-ci`, `gatehouse-deploy`). */
  id: string;
  version: string;
  rules: readonly PolicyRule[];
  /** Does this check read this file? Decided by path (and the head of the file when given). */
  selects(path: string, head: string): boolean;
  /** Pure: one file -> hits and notes. */
  check(path: string, text: string): FileCheckResult;
  /** Pure, optional: rules over the whole scanned set, from each file's facts. */
  finish?(files: readonly { path: string; facts: unknown }[]): { path: string; hit: Hit }[];
}

export interface PolicyFinding {
  ruleId: string;
  title: string;
  severity: Severity;
  path: string;
  line: number;
  message: string;
  fix: string;
  cwe: string[];
  references: string[];
  matchHash: string;
  /** `gatehouse:ignore <rule> reason` on the line or the line above. */
  ignored?: { reason: string };
}

export interface PolicyNote {
  path: string;
  reason: string;
  /** The file was selected but not checked (too big, unreadable, a template that is not YAML). */
  skipped?: boolean;
}

export interface PolicyReport {
  formatVersion: 1;
  scanner: string;
  toolVersion: string;
  filesChecked: number;
  findings: PolicyFinding[];
  notes: PolicyNote[];
}

const IGNORE_MARKER = /gatehouse:ignore\s+([A-Za-z0-9_./-]+)(?:\s+(.*?))?\s*(?:-->|\*\/)?\s*$/;

/**
 * The ignore marker that covers a line: on the line itself or alone on the line above.
 * `gatehouse:ignore all reason` covers every rule of that line.
 */
export function ignoreMarkerFor(lines: readonly string[], line: number, rule: string): { reason: string } | undefined {
  for (const index of [line - 1, line - 2]) {
    const text = lines[index];
    if (text === undefined) continue;
    const m = IGNORE_MARKER.exec(text);
    if (m && (m[1] === rule || m[1] === 'all')) return { reason: m[2]?.trim() || '(no reason given)' };
  }
  return undefined;
}

/** Pure: one file's hits -> report findings (rule metadata, hash, ignore markers). */
export function toFindings(check: PolicyCheck, path: string, text: string, hits: readonly Hit[]): PolicyFinding[] {
  const rules = new Map(check.rules.map((r) => [r.id, r]));
  const lines = text.split(/\r?\n/);
  const seen = new Set<string>();
  const out: PolicyFinding[] = [];
  for (const hit of hits) {
    const rule = rules.get(hit.rule);
    if (!rule) throw new Error(`${check.id}: hit for unknown rule ${hit.rule}`);
    const matchHash = createHash('sha256').update(`${hit.rule}\0${hit.match.replace(/\s+/g, ' ').trim()}`).digest('hex');
    const key = `${hit.rule}:${hit.line}:${matchHash}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const ignored = ignoreMarkerFor(lines, hit.line, hit.rule);
    out.push({
      ruleId: hit.rule,
      title: rule.title,
      severity: hit.severity ?? rule.severity,
      path,
      line: hit.line,
      message: hit.message,
      fix: rule.fix,
      cwe: rule.cwe ?? [],
      references: [...(hit.references ?? []), ...(rule.references ?? [])],
      matchHash,
      ...(ignored ? { ignored } : {}),
    });
  }
  return out;
}

/** Pure: check one file's text and shape the result (used by the directory walk and by tests). */
export function checkFile(check: PolicyCheck, path: string, text: string): { findings: PolicyFinding[]; notes: PolicyNote[]; facts?: unknown } {
  const result = check.check(path, text);
  const notes: PolicyNote[] = result.notes.map((reason) => ({ path, reason }));
  if (result.skipped) notes.push({ path, reason: result.skipped, skipped: true });
  return { findings: toFindings(check, path, text, result.hits), notes, ...(result.facts !== undefined ? { facts: result.facts } : {}) };
}

/** Pure: a set of files (path -> text) checked as one scan, the whole-set rules included. */
export function checkFiles(check: PolicyCheck, files: ReadonlyMap<string, string>): { findings: PolicyFinding[]; notes: PolicyNote[] } {
  const findings: PolicyFinding[] = [];
  const notes: PolicyNote[] = [];
  const facts: { path: string; facts: unknown }[] = [];
  for (const [path, text] of files) {
    const r = checkFile(check, path, text);
    findings.push(...r.findings);
    notes.push(...r.notes);
    if (r.facts !== undefined) facts.push({ path, facts: r.facts });
  }
  findings.push(...finishFindings(check, facts, (path) => files.get(path) ?? ''));
  return { findings, notes };
}

function finishFindings(check: PolicyCheck, facts: { path: string; facts: unknown }[], textOf: (path: string) => string): PolicyFinding[] {
  if (!check.finish) return [];
  const byPath = new Map<string, Hit[]>();
  for (const { path, hit } of check.finish(facts)) byPath.set(path, [...(byPath.get(path) ?? []), hit]);
  return [...byPath].flatMap(([path, hits]) => toFindings(check, path, textOf(path), hits));
}

/** Folders that hold other people's files or build output, never the repository's own config. */
// `.yarn`: Yarn Berry's committed release, cache and plugins, as the inventory leaves it out.
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'vendor', 'bower_components', '.venv', 'venv', '__pycache__', '.terraform', 'dist', 'out', '.yarn']);
export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;
const HEAD_BYTES = 4096;

export interface ScanOptions {
  /** Paths in the report are relative to this folder (the scanned folder by default). */
  relativeTo?: string;
  maxFileBytes?: number;
  /** Folders (relative to `relativeTo`) never walked: services outside this scan. */
  exclude?: readonly string[];
  /**
   * Service folders (relative to `relativeTo`) when one walk reads several services: whole-set
   * rules (`finish`) run once per service, over that service's files only, as a run per service
   * would (a NetworkPolicy in one service does not cover another's namespace).
   */
  groups?: readonly string[];
}

/** The group (service folder) a path belongs to: the longest folder that holds it, '' for none. */
export function groupOf(path: string, groups: readonly string[]): string {
  let best = '';
  for (const g of groups) if (g !== '' && (path === g || path.startsWith(`${g}/`)) && g.length > best.length) best = g;
  return best;
}

/** The file-system edge: walk a folder, read the files a check selects, return one report. */
export function scanPolicyDirectory(check: PolicyCheck, dir: string, options: ScanOptions = {}): PolicyReport {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const base = options.relativeTo ?? dir;
  const exclude = new Set((options.exclude ?? []).map((p) => p.replace(/\/+$/, '')));
  const groups = (options.groups ?? []).map((p) => p.replace(/\/+$/, ''));
  const groupSet = new Set(groups);
  const report: PolicyReport = { formatVersion: 1, scanner: check.id, toolVersion: check.version, filesChecked: 0, findings: [], notes: [] };
  const walk = (folder: string, depth: number): void => {
    if (depth > 32) return;
    let names: string[];
    try {
      names = readdirSync(folder).sort();
    } catch {
      report.notes.push({ path: toPosix(relative(base, folder)) || '.', reason: 'folder could not be read' });
      return;
    }
    for (const name of names) {
      const full = join(folder, name);
      let stat;
      try {
        stat = lstatSync(full);
      } catch {
        continue;
      }
      if (stat.isSymbolicLink()) continue; // never leave the tree, never loop
      if (stat.isDirectory()) {
        const relDir = toPosix(relative(base, full));
        if (exclude.has(relDir)) continue;
        // A service folder is read even when its name is one of the skipped ones (a service `out/`).
        if (!SKIPPED_DIRS.has(name) || groupSet.has(relDir)) walk(full, depth + 1);
        continue;
      }
      if (!stat.isFile()) continue;
      const rel = toPosix(relative(base, full));
      if (!check.selects(rel, '')) {
        // Some kinds are told by content (a Kubernetes manifest named app.yaml): read the head only.
        if (!/\.(ya?ml|json)$/i.test(name) || !check.selects(rel, readHead(full))) continue;
      }
      if (stat.size > maxBytes) {
        report.notes.push({ path: rel, reason: `not checked: ${stat.size} bytes is over the ${maxBytes}-byte limit`, skipped: true });
        continue;
      }
      let text: string;
      try {
        text = readWhole(full, stat.size);
      } catch {
        report.notes.push({ path: rel, reason: 'file could not be read', skipped: true });
        continue;
      }
      report.filesChecked++;
      const { findings, notes, facts: fileFacts } = checkFile(check, rel, text);
      report.findings.push(...findings);
      report.notes.push(...notes);
      if (fileFacts !== undefined) facts.push({ path: rel, facts: fileFacts });
    }
  };
  const facts: { path: string; facts: unknown }[] = [];
  walk(dir, 0);
  // Whole-set rules, per service folder; the file is read again only for its ignore markers.
  const textOf = (path: string) => {
    try {
      return readWhole(join(base, path), lstatSync(join(base, path)).size);
    } catch {
      return '';
    }
  };
  const byGroup = new Map<string, { path: string; facts: unknown }[]>();
  for (const f of facts) {
    const g = groupOf(f.path, groups);
    byGroup.set(g, [...(byGroup.get(g) ?? []), f]);
  }
  for (const group of byGroup.values()) report.findings.push(...finishFindings(check, group, textOf));
  return report;
}

function readHead(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function readWhole(path: string, size: number): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buffer, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}
