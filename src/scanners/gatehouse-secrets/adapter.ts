// The embedded secret scanner as an engine adapter: it runs cli.ts (or the bundled
// dist/secret-scanner.js) as a child process and validates the JSON it prints.
import { existsSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ParsedFinding } from '../../findings/finding.js';
import { ScannerError, ScannerOutputError, UnsupportedFormatError } from '../../errors.js';
import { sourceEntryArgv } from '../source-entry.js';
import type { ParseContext, ParseResult, ScanTarget, ScannerAdapter, ToolOutput } from '../adapter.js';
import { REPORT_FORMAT_VERSION, SCANNER_ID, SCANNER_VERSION, SecretScanReportSchema, type ReportedSecret } from './report-format.js';

/** The file name of the bundled scanner, built next to the action bundle (dist/). */
export const BUNDLED_SCANNER_FILE = 'secret-scanner.js';

function moduleDir(): string {
  // ESM (source, tests) has import.meta.url; a CommonJS bundle has __dirname instead.
  const url = (import.meta as { url?: string }).url;
  return typeof url === 'string' && url.startsWith('file:') ? dirname(fileURLToPath(url)) : __dirname;
}

/**
 * argv prefix that starts the scanner: the bundle when it sits beside the running code (the
 * action), else cli.ts from source through tsx (development, tests, the CLI run from a clone).
 */
export function scannerEntryArgv(): string[] {
  const here = moduleDir();
  const bundled = join(here, BUNDLED_SCANNER_FILE);
  if (existsSync(bundled)) return [process.execPath, bundled];
  const source = join(here, 'cli.ts');
  if (existsSync(source)) {
    return sourceEntryArgv(here, source);
  }
  throw new ScannerError(SCANNER_ID, `scanner entry not found (looked for ${bundled} and ${source})`, 'missing');
}

/** `allow-path` globs from the adapter options (the engine passes `secrets.allow-paths` here). */
export function allowPathsFromOptions(options: Record<string, unknown>): string[] {
  const raw = options['allow-paths'];
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || raw.some((g) => typeof g !== 'string')) {
    throw new ScannerError(SCANNER_ID, 'option "allow-paths" must be a list of glob strings', 'crashed');
  }
  return raw as string[];
}

const CONTEXT_KINDS = ['code', 'test', 'docs', 'example'] as const;
const DEFAULT_LOW_IN = ['test', 'docs', 'example'];

/** `commits` and `context` options (the engine passes `--commits` and `secrets.context` here) as CLI args. */
export function historyAndContextArgs(options: Record<string, unknown>): string[] {
  const args: string[] = [];
  const commits = options.commits;
  if (commits !== undefined) {
    if (typeof commits !== 'string' || commits === '') throw new ScannerError(SCANNER_ID, 'option "commits" must be BASE..HEAD or "all"', 'crashed');
    args.push('--commits', commits);
  }
  const context = options.context;
  if (context === undefined) return args;
  if (typeof context !== 'object' || context === null || Array.isArray(context)) {
    throw new ScannerError(SCANNER_ID, 'option "context" must be a mapping (code/test/docs/example globs, low-in)', 'crashed');
  }
  const c = context as Record<string, unknown>;
  for (const kind of CONTEXT_KINDS) {
    const globs = c[kind] ?? [];
    if (!Array.isArray(globs) || globs.some((g) => typeof g !== 'string' || g === '')) {
      throw new ScannerError(SCANNER_ID, `option "context.${kind}" must be a list of glob strings`, 'crashed');
    }
    for (const glob of globs as string[]) args.push('--context-glob', `${kind}=${glob}`);
  }
  const lowIn = c['low-in'];
  if (lowIn !== undefined) {
    if (!Array.isArray(lowIn) || lowIn.some((k) => !CONTEXT_KINDS.includes(k as (typeof CONTEXT_KINDS)[number]))) {
      throw new ScannerError(SCANNER_ID, 'option "context.low-in" must list contexts (test, docs, example)', 'crashed');
    }
    const isDefault = lowIn.length === DEFAULT_LOW_IN.length && DEFAULT_LOW_IN.every((k) => lowIn.includes(k));
    if (!isDefault) args.push('--downgrade', lowIn.length === 0 ? 'none' : lowIn.join(','));
  }
  return args;
}

/** Pure: the CLI's JSON -> findings with masked previews and hashes (validated again here). */
export function parseGatehouseSecretsReport(text: string, context: ParseContext): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Not echoing the text: it is not supposed to hold secrets, but garbage could.
    throw new ScannerOutputError(SCANNER_ID, `stdout is not JSON (${text.length} characters)`);
  }
  if (typeof json === 'object' && json !== null && 'formatVersion' in json && (json as { formatVersion: unknown }).formatVersion !== REPORT_FORMAT_VERSION) {
    throw new UnsupportedFormatError(SCANNER_ID, `formatVersion ${String((json as { formatVersion: unknown }).formatVersion)}`);
  }
  const parsed = SecretScanReportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ScannerOutputError(SCANNER_ID, `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const report = parsed.data;
  const base = context.serviceDir ?? '';
  const findings: ParsedFinding[] = report.findings.map((f) => {
    const path = base ? posix.join(base, f.path) : f.path;
    return {
      tool: SCANNER_ID,
      category: 'secret',
      ruleId: f.ruleId,
      title: f.title,
      severity: f.severity,
      toolSeverity: f.severity,
      location: { path, startLine: f.line, endLine: f.endLine, startColumn: f.column },
      cwe: ['CWE-798'],
      references: [],
      fixAvailable: false,
      fix: 'Revoke and rotate this credential at its issuer, remove it from the file (and history), and load it from a secret store or environment variable.',
      message: secretMessage(f, path),
      secretPreview: f.preview,
      matchHash: f.matchHash,
      secret: {
        context: f.context,
        occurrences: f.occurrences,
        lines: f.lines.map((l) => l),
        ...(f.commit ? { commit: f.commit.sha, ...(f.commit.date ? { commitDate: f.commit.date } : {}) } : {}),
        ...(f.ruleSeverity ? { ruleSeverity: f.ruleSeverity } : {}),
        anchor: f.anchor,
      },
      ...(f.inlineAllowed ? { inlineSuppressed: true } : {}),
    };
  });
  const toolErrors = report.skipped.filter((s) => s.reason === 'unreadable').map((s) => `could not read ${s.path}`);
  return { findings, toolErrors, toolVersion: report.toolVersion };
}

/** The finding's message: what, where, in which context, how often, and the commit that added it. */
function secretMessage(f: ReportedSecret, path: string): string {
  const parts = [`${f.title} (${f.family}) in ${path}:${f.line}`];
  if (f.occurrences > 1) parts.push(`${f.occurrences} occurrences of the same value (lines ${f.lines.join(', ')}${f.lines.length < f.occurrences ? ', ...' : ''})`);
  if (f.context !== 'code') parts.push(`${f.context} context${f.ruleSeverity ? ` (counts as ${f.severity}; the rule says ${f.ruleSeverity})` : ''}`);
  if (f.commit) parts.push(`added in commit ${f.commit.sha.slice(0, 12)}`);
  return parts.join('; ');
}

export const gatehouseSecretsAdapter: ScannerAdapter = {
  id: SCANNER_ID,
  tool: SCANNER_ID,
  category: 'secret',
  // One process reads every service (one walk, one rule set), not one child process per service.
  scansRepositoryOnce: true,
  about: {
    homepage: 'docs/secrets.md',
    installHint: 'built into Gatehouse',
    // The report already speaks Gatehouse severities.
    severityWords: { critical: 'critical', high: 'high', medium: 'medium', low: 'low', info: 'info' },
    fixtures: [],
    embedded: true,
  },
  async detect() {
    try {
      scannerEntryArgv();
      return { installed: true, version: SCANNER_VERSION, installHint: 'built into Gatehouse' };
    } catch {
      return { installed: false, installHint: `built into Gatehouse: reinstall it (dist/${BUNDLED_SCANNER_FILE} or src/scanners/gatehouse-secrets/cli.ts is missing)` };
    }
  },
  command(target: ScanTarget) {
    // Folders outside this scan are left out the same way as allow-paths (counted, never read).
    const allow = [...allowPathsFromOptions(target.options), ...(target.excludePaths ?? []).map((p) => `${p}/**`)];
    return [
      ...scannerEntryArgv(),
      'scan',
      target.dir,
      '--repo-root',
      target.repoRoot,
      ...allow.flatMap((glob) => ['--allow-path', glob]),
      ...historyAndContextArgs(target.options),
    ];
  },
  okExitCodes: [0],
  parse(output: ToolOutput, context: ParseContext) {
    return parseGatehouseSecretsReport(output.stdout, context);
  },
};
