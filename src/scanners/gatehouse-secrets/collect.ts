// From raw matches (values in hand) to reported findings (no value): the one place where a value
// becomes a masked preview and a keyed hash. Repeated occurrences of one value in one file become one
// finding with a count and their lines; a value found both in the tree and in a commit of the
// history is one finding that names the commit that added it.
import { maskSecret, sha256Hex } from '../../findings/redact.js';
import { DEFAULT_DOWNGRADE, createContextClassifier, severityInContext, type ContextClassifier, type ContextOptions, type SecretContext } from './context.js';
import type { SecretMatch } from './engine.js';
import type { MatchHasher } from './match-hash.js';
import type { ReportedSecret } from './report-format.js';

/** A commit of the history that added a line. */
export interface CommitRef {
  sha: string;
  /** Committer date, ISO 8601. */
  date?: string;
}

/** Lines shown per finding (the count is always exact). */
export const MAX_LINES_LISTED = 100;

interface Entry {
  finding: ReportedSecret;
  /** Rule id + the line of the first occurrence with the value blanked: the fingerprint's base. */
  anchorBase: string;
  /** Order of the first occurrence (tree first, then history oldest commit last). */
  order: number;
  fromTree: boolean;
}

export class FindingCollector {
  private readonly entries = new Map<string, Entry>();
  private readonly classify: ContextClassifier;
  private readonly downgrade: readonly SecretContext[];
  private order = 0;

  constructor(
    private readonly hasher: MatchHasher,
    context: ContextOptions = {},
  ) {
    this.classify = createContextClassifier(context);
    this.downgrade = context.downgrade ?? DEFAULT_DOWNGRADE;
  }

  /**
   * The matches of one text: a file of the tree (no commit), or the lines one commit added to a
   * file (`commit`, with `lineOf` mapping the scanned text's lines to the file's lines).
   */
  addMatches(path: string, text: string, matches: readonly SecretMatch[], commit?: CommitRef, lineOf: (line: number) => number = (n) => n): void {
    // Per text: value -> its finding key, so later occurrences join the first.
    const fileOrder = this.order++;
    for (const m of matches) {
      const matchHash = this.hasher.hash(m.secret);
      const key = `${path}\u0000${m.ruleId}\u0000${matchHash}`;
      const line = lineOf(m.line);
      const existing = this.entries.get(key);
      if (existing) {
        if (!commit) {
          // Another occurrence in the tree file.
          addOccurrence(existing.finding, line, m.inlineAllowed);
        } else if (existing.fromTree) {
          // In the tree and in history: one finding; name the (oldest) commit that added it.
          existing.finding.commit = commitOf(commit);
        } else if (existing.finding.commit?.sha === commit.sha) {
          addOccurrence(existing.finding, line, m.inlineAllowed);
        } else {
          // Added again by an older commit (the log runs newest first): that one introduced it.
          existing.finding.commit = commitOf(commit);
          resetOccurrences(existing.finding, line, lineOf(m.endLine), m.column, m.inlineAllowed);
        }
        continue;
      }
      const context = this.classify(path);
      const severity = severityInContext(m.severity, m.ruleId, m.family, context, this.downgrade);
      const finding: ReportedSecret = {
        ruleId: m.ruleId,
        family: m.family,
        title: m.title,
        severity,
        ...(severity !== m.severity ? { ruleSeverity: m.severity } : {}),
        context,
        path,
        line,
        endLine: lineOf(m.endLine),
        column: m.column,
        occurrences: 1,
        lines: [line],
        preview: maskSecret(m.secret),
        matchHash,
        anchor: '',
        inlineAllowed: m.inlineAllowed,
        ...(commit ? { commit: commitOf(commit) } : {}),
      };
      this.entries.set(key, { finding, anchorBase: JSON.stringify([m.ruleId, blankedLine(text, m.start, m.end)]), order: fileOrder, fromTree: !commit });
    }
  }

  /** A key store file: its presence is the finding; hashed by its bytes. */
  addKeystore(path: string, bytes: Uint8Array): void {
    const matchHash = this.hasher.hash(bytes);
    const key = `${path}\u0000keystore-file\u0000${matchHash}`;
    if (this.entries.has(key)) return;
    const context = this.classify(path);
    const severity = severityInContext('high', 'keystore-file', 'private-key', context, this.downgrade);
    this.entries.set(key, {
      finding: {
        ruleId: 'keystore-file',
        family: 'private-key',
        title: 'Key store file (PKCS#12 / Java key store) committed',
        severity,
        ...(severity !== 'high' ? { ruleSeverity: 'high' as const } : {}),
        context,
        path,
        line: 1,
        endLine: 1,
        column: 1,
        occurrences: 1,
        lines: [1],
        preview: maskSecret(''),
        matchHash,
        anchor: '',
        inlineAllowed: false,
      },
      anchorBase: JSON.stringify(['keystore-file', '']),
      order: this.order++,
      fromTree: true,
    });
  }

  /**
   * The findings, tree first (file order), then history-only ones. Each gets its anchor: a hash
   * of the rule, the line around the first occurrence with the value blanked out, and its rank
   * among the file's findings with the same rule and line shape. Never the value or its hash, so
   * the fingerprint built on it reveals nothing and does not change with the hash key.
   */
  findings(): ReportedSecret[] {
    const all = [...this.entries.values()].sort((a, b) => Number(b.fromTree) - Number(a.fromTree) || a.order - b.order || a.finding.line - b.finding.line || a.finding.column - b.finding.column);
    const rank = new Map<string, number>();
    for (const e of all) {
      const base = `${e.finding.path}\u0000${e.anchorBase}`;
      const n = rank.get(base) ?? 0;
      rank.set(base, n + 1);
      e.finding.anchor = sha256Hex(`gatehouse-secrets anchor v1\u0000${e.anchorBase}\u0000${n}`);
    }
    return all.map((e) => e.finding);
  }
}

function commitOf(commit: CommitRef): CommitRef {
  return { sha: commit.sha, ...(commit.date ? { date: commit.date } : {}) };
}

function addOccurrence(f: ReportedSecret, line: number, inlineAllowed: boolean): void {
  f.occurrences++;
  if (!f.lines.includes(line) && f.lines.length < MAX_LINES_LISTED) f.lines.push(line);
  // The finding is allowed only when every occurrence carries the marker.
  f.inlineAllowed = f.inlineAllowed && inlineAllowed;
}

function resetOccurrences(f: ReportedSecret, line: number, endLine: number, column: number, inlineAllowed: boolean): void {
  f.occurrences = 1;
  f.lines = [line];
  f.line = line;
  f.endLine = endLine;
  f.column = column;
  f.inlineAllowed = inlineAllowed;
}

/** The line holding text[start], with the value (up to the line's end) removed and spaces collapsed. */
function blankedLine(text: string, start: number, end: number): string {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  let lineEnd = text.indexOf('\n', start);
  if (lineEnd === -1) lineEnd = text.length;
  const before = text.slice(lineStart, start);
  const after = end < lineEnd ? text.slice(end, lineEnd) : '';
  // Long lines (minified code): the 200 characters on each side are shape enough.
  return `${before.slice(-200)}\u0000${after.slice(0, 200)}`.replace(/\s+/g, ' ').trim();
}
