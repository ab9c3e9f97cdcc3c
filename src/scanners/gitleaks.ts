// gitleaks: v8 JSON (an array of PascalCase leaks), SARIF (v8 and v7, read through parseSarifLog), and
// the v7 JSON shape (lower-case keys), which is parsed too. CSV is refused as unsupported.
// A leak's `Secret`, `Match` and `line`/`offender` (v7) are never copied into a finding: only
// sha256Hex(secret) and maskSecret(secret) leave this file.
import { z } from 'zod';
import { UnsupportedFormatError } from '../errors.js';
import type { ParsedFinding } from '../findings/finding.js';
import { maskSecret, sha256Hex } from '../findings/redact.js';
import { mapSeverity, type SeverityWords } from '../findings/severity.js';
import type { ParseContext, ParseResult, ScanTarget, ScannerAdapter, ToolOutput } from './adapter.js';
import { detectTool } from './detect-tool.js';
import { checkShape, isRecord, parseJsonOutput, toRepoPath, unknownShape } from './report-input.js';
import { isSarifLog, parseSarifLog } from './sarif.js';

const TOOL = 'gitleaks';
/** gitleaks has no severity: every leak is a leaked credential. */
const GITLEAKS_SEVERITY: SeverityWords = { '': 'high' };
const GITLEAKS_INSTALL_HINT =
  'install gitleaks: https://github.com/gitleaks/gitleaks#installing (a release binary) or set install-tools: true in the action';

const LeakV8Schema = z.looseObject({
  RuleID: z.string().optional(),
  Description: z.string().default(''),
  StartLine: z.number().int().default(0),
  EndLine: z.number().int().optional(),
  StartColumn: z.number().int().optional(),
  EndColumn: z.number().int().optional(),
  Secret: z.string().default(''),
  File: z.string(),
  Commit: z.string().default(''),
  Fingerprint: z.string().optional(),
});

const LeakV7Schema = z.looseObject({
  rule: z.string(),
  offender: z.string().default(''),
  file: z.string(),
  lineNumber: z.number().int().default(0),
  commit: z.string().default(''),
  tags: z.string().default(''),
});

// What `--redact` (REDACTED) or hand redaction (`****`) leaves in place of the value.
function isRedacted(secret: string): boolean {
  return secret === '' || secret === 'REDACTED' || /^\*+$/.test(secret);
}

const SECRET_FIX = 'remove the secret from the code (and from git history), then revoke and rotate it';

/** Pure: gitleaks JSON (v8 or v7) or SARIF -> secret findings. */
export function parseGitleaksReport(text: string, ctx: ParseContext = {}): ParseResult {
  if (/^\uFEFF?\s*RuleID,/.test(text)) {
    throw new UnsupportedFormatError(TOOL, 'CSV reports are not read; run gitleaks with --report-format json or sarif');
  }
  const data = parseJsonOutput(TOOL, text);
  if (isSarifLog(data)) return parseSarifLog(data, { tool: TOOL, category: 'secret', context: ctx, refine: refineSarifLeak });
  if (!Array.isArray(data)) throw unknownShape(TOOL, data, 'a gitleaks JSON report (an array of leaks) or SARIF');
  if (data.length === 0) return { findings: [], toolErrors: [] };
  if (data.every((d) => isRecord(d) && 'File' in d)) {
    const leaks = checkShape(TOOL, z.array(LeakV8Schema), data, 'gitleaks v8 JSON report');
    return { findings: leaks.map((l) => v8Finding(l, ctx)), toolErrors: [] };
  }
  if (data.every((d) => isRecord(d) && 'offender' in d && 'rule' in d)) {
    const leaks = checkShape(TOOL, z.array(LeakV7Schema), data, 'gitleaks v7 JSON report');
    return { findings: leaks.map((l) => v7Finding(l, ctx)), toolErrors: [] };
  }
  throw unknownShape(TOOL, data, 'gitleaks v8 leaks (objects with "File", "RuleID") or v7 leaks ("file", "rule", "offender")');
}

function v8Finding(leak: z.infer<typeof LeakV8Schema>, ctx: ParseContext): ParsedFinding {
  const ruleId = leak.RuleID?.trim() || slug(leak.Description) || 'gitleaks-leak';
  const title = leak.Description.trim() || ruleId;
  const path = toRepoPath(leak.File, ctx);
  const redacted = isRedacted(leak.Secret);
  return {
    tool: TOOL,
    category: 'secret',
    ruleId,
    title,
    // gitleaks has no severity: every leak is a leaked credential (GITLEAKS_SEVERITY).
    severity: mapSeverity(GITLEAKS_SEVERITY, ''),
    location: {
      path,
      ...(leak.StartLine > 0 ? { startLine: leak.StartLine } : {}),
      ...(leak.EndLine ? { endLine: leak.EndLine } : {}),
      ...(leak.StartColumn ? { startColumn: leak.StartColumn } : {}),
      ...(leak.EndColumn ? { endColumn: leak.EndColumn } : {}),
    },
    cwe: ['CWE-798'],
    references: [],
    fixAvailable: false,
    fix: SECRET_FIX,
    message: `${title} (${ruleId}) in ${path}${leak.StartLine > 0 ? `:${leak.StartLine}` : ''}${
      leak.Commit ? ` at commit ${leak.Commit.slice(0, 12)}` : ''
    }`,
    secretPreview: redacted ? '****' : maskSecret(leak.Secret),
    // A redacted report has no value to hash; gitleaks' own fingerprint (commit:file:rule:line) is the
    // best identity left.
    matchHash: redacted
      ? sha256Hex(`redacted\n${leak.Fingerprint || [leak.Commit, leak.File, ruleId, leak.StartLine].join(':')}`)
      : sha256Hex(leak.Secret),
  };
}

/** v7: `rule` is the description text, `offender` the matched text (which holds the secret). */
function v7Finding(leak: z.infer<typeof LeakV7Schema>, ctx: ParseContext): ParsedFinding {
  const path = toRepoPath(leak.file, ctx);
  const ruleId = slug(leak.rule) || 'gitleaks-leak';
  return {
    tool: TOOL,
    category: 'secret',
    ruleId,
    title: leak.rule,
    severity: mapSeverity(GITLEAKS_SEVERITY, ''),
    location: { path, ...(leak.lineNumber > 0 ? { startLine: leak.lineNumber } : {}) },
    cwe: ['CWE-798'],
    references: [],
    fixAvailable: false,
    fix: SECRET_FIX,
    message: `${leak.rule} in ${path}${leak.lineNumber > 0 ? `:${leak.lineNumber}` : ''}${
      leak.commit ? ` at commit ${leak.commit.slice(0, 12)}` : ''
    } (gitleaks v7 report)`,
    secretPreview: isRedacted(leak.offender) ? '****' : maskSecret(leak.offender),
    matchHash: sha256Hex(leak.offender),
  };
}

/**
 * gitleaks SARIF: v8 puts the secret in `region.snippet` (hashed and masked by parseSarifLog); v7 has
 * no ruleId (the rule is in the message: "AWS Access Key secret detected") and puts the whole line in
 * the snippet and the secret in `properties.offender`.
 */
function refineSarifLeak(finding: ParsedFinding, result: { ruleId?: string; properties?: Record<string, unknown> }): ParsedFinding {
  const refined: ParsedFinding = { ...finding, severity: mapSeverity(GITLEAKS_SEVERITY, ''), cwe: ['CWE-798'], fix: SECRET_FIX };
  if (!result.ruleId) {
    const described = /^(.*?) secret detected$/.exec(finding.message)?.[1];
    if (described) Object.assign(refined, { ruleId: slug(described), title: described });
  }
  const offender = result.properties?.offender;
  if (typeof offender === 'string' && offender !== '') {
    refined.matchHash = sha256Hex(offender);
    refined.secretPreview = isRedacted(offender) ? '****' : maskSecret(offender);
  }
  return refined;
}

/** "Generic Credential" -> "generic-credential" (v7 rules have names, not ids). */
function slug(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export const gitleaksAdapter: ScannerAdapter = {
  id: 'gitleaks',
  tool: TOOL,
  category: 'secret',
  about: {
    homepage: 'https://github.com/gitleaks/gitleaks',
    installHint: GITLEAKS_INSTALL_HINT,
    severityWords: GITLEAKS_SEVERITY,
    fixtures: ['gitleaks/json-v8-simple.json', 'gitleaks/sarif-v8-simple.sarif'],
  },
  detect: () => detectTool(['gitleaks', '--version'], GITLEAKS_INSTALL_HINT),
  command(target: ScanTarget): string[] {
    // `with: { mode: git }` scans the history (`gitleaks git`); the default scans the files (`gitleaks dir`).
    const mode = target.options.mode === 'git' ? 'git' : 'dir';
    const extra = Array.isArray(target.options.args) ? target.options.args.filter((a): a is string => typeof a === 'string') : [];
    return [
      'gitleaks',
      mode,
      '.',
      '--report-format',
      'json',
      // gitleaks writes its report to a path; its log goes to stderr, so stdout carries only the JSON.
      '--report-path',
      '/dev/stdout',
      '--no-banner',
      '--log-level',
      'error',
      '--exit-code',
      '1',
      ...extra,
    ];
  },
  // 1 = leaks found (--exit-code 1). gitleaks also exits 1 on a fatal error, but then prints no report,
  // which the parser refuses.
  okExitCodes: [0, 1],
  parse(output: ToolOutput, ctx: ParseContext): ParseResult {
    return parseGitleaksReport(output.stdout, ctx);
  },
};
