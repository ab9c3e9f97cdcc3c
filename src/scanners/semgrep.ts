// semgrep: `semgrep scan --json` (read by default) or `--sarif`, told apart by content. JSON `errors[]`
// and SARIF tool notifications become toolErrors, so a partial scan (timeouts, syntax errors) is
// visible. `extra.is_ignored` (nosemgrep lines kept by --disable-nosem) becomes `inlineSuppressed`.
import { z } from 'zod';
import type { ParsedFinding } from '../findings/finding.js';
import { sha256Hex } from '../findings/redact.js';
import { mapSeverity, type SeverityWords } from '../findings/severity.js';
import type { ParseContext, ParseResult, ScanTarget, ScannerAdapter, ToolOutput } from './adapter.js';
import { detectTool } from './detect-tool.js';
import { isSarifLog, parseSarifLog } from './sarif.js';
import {
  checkShape,
  hashMatchedCode,
  isRecord,
  normalizeCweList,
  parseJsonOutput,
  toRepoPath,
  uniqueStrings,
  unknownShape,
} from './report-input.js';

const TOOL = 'semgrep';
const SEMGREP_SEVERITY: SeverityWords = {
  critical: 'critical',
  high: 'high',
  error: 'high',
  medium: 'medium',
  warning: 'medium',
  low: 'low',
  info: 'info',
  inventory: 'info',
  experiment: 'info',
};
const SEMGREP_INSTALL_HINT =
  'install semgrep: `python3 -m pip install semgrep` (or `brew install semgrep`), see https://semgrep.dev/docs/getting-started/';

const PositionSchema = z.looseObject({ line: z.number().int(), col: z.number().int().optional() });

const ResultSchema = z.looseObject({
  check_id: z.string().min(1),
  path: z.string(),
  start: PositionSchema,
  end: PositionSchema.optional(),
  extra: z.looseObject({
    message: z.string().default(''),
    severity: z.string().default(''),
    lines: z.string().optional(),
    fingerprint: z.string().optional(),
    is_ignored: z.boolean().optional(),
    fix: z.string().optional(),
    fix_regex: z.unknown().optional(),
    metadata: z.record(z.string(), z.unknown()).default({}),
  }),
});

const ErrorSchema = z.looseObject({
  type: z.unknown().optional(),
  level: z.string().optional(),
  message: z.string().optional(),
  path: z.string().optional(),
  rule_id: z.string().optional(),
});

const ReportSchema = z.looseObject({
  version: z.string().optional(),
  results: z.array(ResultSchema),
  errors: z.array(ErrorSchema).default([]),
});

// Without a login, current semgrep replaces `extra.lines` with this text: not code, so not hashable.
const LINES_PLACEHOLDER = 'requires login';
// semgrep's e2e snapshots mask fingerprints as "0x42".
const MASKED_FINGERPRINT = '0x42';

/** Pure: semgrep `--json` or `--sarif` output -> findings and the tool's own errors. */
export function parseSemgrepReport(text: string, ctx: ParseContext = {}): ParseResult {
  const data = parseJsonOutput(TOOL, text);
  if (isSarifLog(data)) return parseSarifLog(data, { tool: TOOL, category: 'sast', context: ctx });
  if (!isRecord(data) || !Array.isArray(data.results)) {
    throw unknownShape(TOOL, data, 'a semgrep JSON report (an object with "results") or SARIF');
  }
  const report = checkShape(TOOL, ReportSchema, data, 'semgrep JSON report');
  const findings = report.results.map((r) => resultFinding(r, ctx));
  const toolErrors = report.errors.map(errorText);
  return report.version ? { findings, toolErrors, toolVersion: report.version } : { findings, toolErrors };
}

function errorText(e: z.infer<typeof ErrorSchema>): string {
  const type = typeof e.type === 'string' ? e.type : Array.isArray(e.type) ? String(e.type[0]) : 'error';
  const where = e.path ? ` (${e.path}${e.rule_id ? `, rule ${e.rule_id}` : ''})` : e.rule_id ? ` (rule ${e.rule_id})` : '';
  const message = ((e.message ?? '').split('\n', 1)[0] ?? '').trim().replace(/:$/, '');
  return `${e.level ?? 'error'}: ${type}${message ? `: ${message}` : ''}${where}`;
}

function resultFinding(r: z.infer<typeof ResultSchema>, ctx: ParseContext): ParsedFinding {
  const { extra } = r;
  const metadata = extra.metadata;
  const message = extra.message.trim() || r.check_id;
  const fix = extra.fix !== undefined ? `replace with: ${extra.fix}` : extra.fix_regex ? 'semgrep --autofix can rewrite it (fix_regex)' : undefined;
  const references = uniqueStrings([
    ...stringList(metadata.references),
    ...stringList(metadata['source-rule-url']),
    ...stringList(metadata.source),
    ...stringList(metadata.shortlink),
  ]).filter((u) => /^https?:\/\//.test(u));
  return {
    tool: TOOL,
    category: 'sast',
    ruleId: r.check_id,
    title: titleFrom(message),
    severity: mapSeverity(SEMGREP_SEVERITY, extra.severity),
    toolSeverity: extra.severity,
    location: {
      path: toRepoPath(r.path, ctx),
      startLine: r.start.line,
      ...(r.end ? { endLine: r.end.line } : {}),
      ...(r.start.col !== undefined ? { startColumn: r.start.col } : {}),
      ...(r.end?.col !== undefined ? { endColumn: r.end.col } : {}),
    },
    cwe: normalizeCweList(metadata.cwe),
    references,
    fixAvailable: fix !== undefined,
    ...(fix ? { fix } : {}),
    message,
    ...matchHashOf(extra.lines, extra.fingerprint),
    ...(extra.is_ignored ? { inlineSuppressed: true } : {}),
  };
}

/** The hash of the matched code; else semgrep's own match fingerprint (hashed to one form). */
function matchHashOf(lines: string | undefined, fingerprint: string | undefined): { matchHash?: string } {
  if (lines && lines.trim() !== '' && lines.trim() !== LINES_PLACEHOLDER) return { matchHash: hashMatchedCode(lines) };
  if (fingerprint && fingerprint !== MASKED_FINGERPRINT) return { matchHash: sha256Hex(fingerprint) };
  return {};
}

/** The first sentence of the rule message, short enough for a table row. */
function titleFrom(message: string): string {
  const firstLine = message.split('\n', 1)[0]?.trim() ?? message;
  const sentence = /^(.{20,}?[.!?])(\s|$)/.exec(firstLine)?.[1] ?? firstLine;
  return sentence.length > 120 ? `${sentence.slice(0, 117)}...` : sentence;
}

function stringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

function configArgs(options: Record<string, unknown>): string[] {
  const configs = stringList(options.config);
  return (configs.length > 0 ? configs : ['p/default']).flatMap((c) => ['--config', c]);
}

export const semgrepAdapter: ScannerAdapter = {
  id: 'semgrep',
  tool: TOOL,
  category: 'sast',
  about: {
    homepage: 'https://github.com/semgrep/semgrep',
    installHint: SEMGREP_INSTALL_HINT,
    severityWords: SEMGREP_SEVERITY,
    fixtures: ['semgrep/json-paths.json', 'semgrep/sarif-rule-board.sarif'],
  },
  detect: () => detectTool(['semgrep', '--version'], SEMGREP_INSTALL_HINT),
  command(target: ScanTarget): string[] {
    // `with: { config: [...] }` picks rulesets (registry names or local rule files); default p/default.
    return [
      'semgrep',
      'scan',
      '--json',
      '--metrics',
      'off',
      '--disable-version-check',
      '--quiet',
      // nosemgrep lines are reported with is_ignored: true (-> inlineSuppressed), so the report shows
      // them as suppressed instead of hiding them.
      '--disable-nosem',
      ...configArgs(target.options),
      ...stringList(target.options.args),
      '.',
    ];
  },
  // 0: ran (with or without findings); 1: findings with --error. Anything else is a crash or bad config.
  okExitCodes: [0, 1],
  parse(output: ToolOutput, ctx: ParseContext): ParseResult {
    return parseSemgrepReport(output.stdout, ctx);
  },
};
