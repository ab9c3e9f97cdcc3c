// History: the lines added by every commit of a range (`BASE..HEAD`, or `all` for a first audit),
// read from one `git log -p` child process (argv, never a shell) as a stream, so there is no cap on
// the number of commits and memory holds one file's added lines at a time. Each file's added lines
// are scanned as one text; matches go to the collector shared with the tree scan, so the same value
// in the tree and in history is one finding that names the commit that added it.
//
// Merge commits: their diff is git's dense combined diff (`--cc`), and only lines that are new
// against every parent are read (a conflict resolution or an "evil" merge); lines a merge brings in
// from a branch were read in the branch's own commits.
import { spawn, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { HistoryRangeError } from '../../errors.js';
import type { FindingCollector, CommitRef } from './collect.js';
import type { SecretEngine } from './engine.js';
import { SKIPPED_DIRECTORIES } from './scan-directory.js';

export { HistoryRangeError };

export interface HistoryScanOptions {
  /** The repository (git work tree). */
  repoRoot: string;
  /** `BASE..HEAD` or `all`. */
  range: string;
  /** The scanned folder, repository-relative with forward slashes ('' for the whole repository). */
  dirFromRoot: string;
  /** The scanned folder (absolute), for allow-path globs. */
  dirAbs: string;
  engine: SecretEngine;
  collector: FindingCollector;
  /** Files not to read: (absolute path, path relative to the scanned folder). */
  isSkipped: (abs: string, rel: string) => boolean;
  /** Added text of one file in one commit above this size is not read (listed). */
  maxFileBytes: number;
  onSkip?: (path: string, reason: 'too-large' | 'binary', commit: string) => void;
}

export interface HistoryStats {
  range: string;
  commits: number;
  bytesScanned: number;
  durationMs: number;
}

const REV = /^[A-Za-z0-9_][A-Za-z0-9_./^~@{}:+-]*$/;

/** `all`, or `BASE..HEAD` with two revisions (no option-looking or shell-looking text). */
export function parseRange(range: string): { all: true } | { base: string; head: string } {
  if (range === 'all') return { all: true };
  const m = /^(.+?)\.\.(.+)$/.exec(range);
  if (!m || m[1].includes('..') || m[2].startsWith('.') || !REV.test(m[1]) || !REV.test(m[2])) {
    throw new HistoryRangeError(`--commits must be BASE..HEAD (two revisions) or "all", got ${JSON.stringify(range.slice(0, 200))}`);
  }
  return { base: m[1], head: m[2] };
}

function git(repoRoot: string, args: string[]): { ok: boolean; out: string } {
  try {
    const out = execFileSync('git', ['-C', repoRoot, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 << 20 });
    return { ok: true, out: out.trim() };
  } catch (error) {
    return { ok: false, out: String((error as { stdout?: string }).stdout ?? '').trim() };
  }
}

/**
 * Checks the range against the clone before reading anything: a revision missing from a shallow
 * clone (actions/checkout fetches one commit by default) is an error that says to fetch history,
 * never an empty pass.
 */
export function checkRange(repoRoot: string, range: string): string[] {
  const parsed = parseRange(range);
  if (!git(repoRoot, ['rev-parse', '--is-inside-work-tree']).ok) {
    throw new HistoryRangeError(`--commits needs a git repository: ${repoRoot} is not one`);
  }
  const shallow = git(repoRoot, ['rev-parse', '--is-shallow-repository']).out === 'true';
  const fetchMore =
    'fetch more history: actions/checkout with `fetch-depth: 0`, or `git fetch --unshallow` (or `git fetch --deepen=<n>` until the base is reached)';
  if ('all' in parsed) {
    if (shallow) throw new HistoryRangeError(`--commits all: this clone is shallow, so its history is cut; ${fetchMore}`);
    return ['--all'];
  }
  const resolved: string[] = [];
  for (const [name, rev] of [
    ['BASE', parsed.base],
    ['HEAD', parsed.head],
  ] as const) {
    const r = git(repoRoot, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]);
    if (!r.ok || !/^[0-9a-f]{40,64}$/.test(r.out)) {
      throw new HistoryRangeError(
        shallow
          ? `--commits ${range}: ${name} ${rev} is not in this clone, which is shallow; ${fetchMore}`
          : `--commits ${range}: ${name} ${rev} is not a commit of this repository (fetch it first: git fetch origin ${rev})`,
      );
    }
    resolved.push(r.out);
  }
  // In a shallow clone both ends may be present while the commits between them are not.
  if (shallow && !git(repoRoot, ['merge-base', resolved[0], resolved[1]]).ok) {
    throw new HistoryRangeError(`--commits ${range}: the history between BASE and HEAD is cut in this shallow clone; ${fetchMore}`);
  }
  return [`${resolved[0]}..${resolved[1]}`];
}

/**
 * Repository-relative paths that any commit of the range touched (added, changed, deleted, renamed):
 * a secret added and deleted within the range is in none of the net changed files, yet its folder
 * must be scanned. Undefined for `all`.
 */
export function filesTouchedByRange(repoRoot: string, range: string): string[] | undefined {
  const revs = checkRange(repoRoot, range);
  if (revs[0] === '--all') return undefined;
  const r = git(repoRoot, ['-c', 'core.quotePath=false', 'log', '--name-only', '--format=', '--no-renames', '-z', '--end-of-options', ...revs]);
  if (!r.ok) throw new Error(`git log --name-only ${range} failed`);
  return [...new Set(r.out.split('\u0000').map((p) => p.trim()).filter(Boolean))];
}

/** Reads the range and feeds the collector. Throws HistoryRangeError for a bad range, Error if git fails. */
export async function scanHistory(options: HistoryScanOptions): Promise<HistoryStats> {
  const started = performance.now();
  const revs = checkRange(options.repoRoot, options.range);
  const args = [
    '-C',
    options.repoRoot,
    '-c',
    'core.quotePath=false',
    'log',
    '-p',
    '--cc',
    '-U0',
    '-M',
    '--no-color',
    '--no-ext-diff',
    '--no-textconv',
    '--format=tformat:%x00%H%x00%cI',
    // `--all` is an option; checked revisions come after the end of options.
    ...(revs[0] === '--all' ? ['--all', '--end-of-options'] : ['--end-of-options', ...revs]),
    ...(options.dirFromRoot ? ['--', options.dirFromRoot] : []),
  ];

  const child = spawn('git', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    if (stderr.length < 4096) stderr += d;
  });
  const exited = new Promise<number>((resolveExit, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolveExit(code ?? 1));
  });

  const stats: HistoryStats = { range: options.range, commits: 0, bytesScanned: 0, durationMs: 0 };
  let commit: CommitRef | undefined;
  let path: string | undefined; // repository-relative path of the current file (undefined: skip it)
  let parents = 1;
  let newLine = 0;
  let inHunk = false;
  let added: string[] = [];
  let addedLines: number[] = [];
  let addedBytes = 0;
  let tooLarge = false;

  const prefix = options.dirFromRoot ? `${options.dirFromRoot}/` : '';
  const flush = () => {
    if (commit && path !== undefined && added.length > 0) {
      const rel = path.slice(prefix.length);
      if (tooLarge) options.onSkip?.(rel, 'too-large', commit.sha);
      else {
        const text = added.join('\n');
        stats.bytesScanned += addedBytes;
        const lines = addedLines;
        const matches = options.engine.scan(text, rel);
        if (matches.length > 0) options.collector.addMatches(rel, text, matches, commit, (n) => lines[n - 1] ?? lines[lines.length - 1]);
      }
    }
    added = [];
    addedLines = [];
    addedBytes = 0;
    tooLarge = false;
  };

  const wanted = (repoPath: string): string | undefined => {
    if (prefix && !repoPath.startsWith(prefix)) return undefined;
    const rel = repoPath.slice(prefix.length);
    if (rel.split('/').some((segment) => SKIPPED_DIRECTORIES.has(segment))) return undefined;
    if (options.isSkipped(join(options.dirAbs, rel), rel)) return undefined;
    return repoPath;
  };

  const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
  for await (const line of lines) {
    const c0 = line.charCodeAt(0);
    if (c0 === 0) {
      flush();
      const [, sha, date] = line.split('\u0000');
      commit = { sha, ...(date ? { date } : {}) };
      path = undefined;
      inHunk = false;
      stats.commits++;
      continue;
    }
    if (inHunk && (c0 === 43 /* + */ || c0 === 45 /* - */ || c0 === 32 /* space */ || c0 === 92 /* \ */)) {
      // Inside a hunk: an added line has '+' in every parent column (one column, or one per parent
      // of a merge); a line with '-' is not in the new file.
      if (path === undefined || c0 === 92) continue;
      const columns = line.slice(0, parents);
      if (columns.includes('-')) continue;
      if (columns.length === parents && /^\++$/.test(columns)) addLine(line.slice(parents));
      else newLine++;
      continue;
    }
    inHunk = false;
    if (line.startsWith('diff --git ') || line.startsWith('diff --cc ') || line.startsWith('diff --combined ')) {
      flush();
      path = undefined;
      parents = 1;
      continue;
    }
    if (line.startsWith('+++ ')) {
      const target = line.slice(4);
      path = target === '/dev/null' ? undefined : wanted(stripPrefix(unquote(target)));
      continue;
    }
    if (line.startsWith('@@')) {
      const at = /^(@+) /.exec(line);
      parents = at ? at[1].length - 1 : 1;
      const plus = /\+(\d+)(?:,\d+)? @@/.exec(line);
      newLine = plus ? Math.max(1, Number(plus[1])) : 1;
      inHunk = true;
      continue;
    }
    if (line.startsWith('Binary files ') && commit) {
      const m = / and (.+) differ$/.exec(line);
      if (m && m[1] !== '/dev/null') {
        const p = wanted(stripPrefix(unquote(m[1])));
        if (p !== undefined) options.onSkip?.(p.slice(prefix.length), 'binary', commit.sha);
      }
    }
  }
  flush();
  const code = await exited;
  if (code !== 0) {
    const first = stderr.split('\n').find((l) => l.trim() !== '') ?? `exit code ${code}`;
    throw new Error(`git log failed: ${first.slice(0, 300)}`);
  }
  stats.durationMs = Math.round(performance.now() - started);
  return stats;

  function addLine(text: string): void {
    const line = newLine++;
    if (tooLarge) return;
    addedBytes += text.length + 1;
    if (addedBytes > options.maxFileBytes) {
      tooLarge = true;
      added = [];
      addedLines = [];
      return;
    }
    added.push(text);
    addedLines.push(line);
  }
}


function stripPrefix(p: string): string {
  return p.startsWith('b/') ? p.slice(2) : p;
}

/** git's C-style quoting of unusual paths ("b/a\tb", octal escapes of bytes). */
function unquote(p: string): string {
  if (!p.startsWith('"') || !p.endsWith('"')) return p;
  const body = p.slice(1, -1);
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\') {
      for (const b of Buffer.from(ch, 'utf8')) bytes.push(b);
      continue;
    }
    const next = body[++i];
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else {
      bytes.push(({ n: 10, t: 9, r: 13, b: 8, f: 12, v: 11, a: 7, '"': 34, '\\': 92 } as Record<string, number>)[next] ?? next.charCodeAt(0));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
