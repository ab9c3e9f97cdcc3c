// Generic SARIF 2.1.0: `parseSarifLog` reads any tool's SARIF into findings (semgrep, gitleaks and
// trivy SARIF reuse it), and `createSarifAdapter` turns a config `scanners.sarif[]` entry (any command
// that writes SARIF: hadolint, checkov, gosec, bandit, ...) into an adapter.
//
// Severity: a `security-severity` property (result, else rule) wins: a number is scored on the CVSS
// scale (GitHub's reading), a word (semgrep writes "HIGH") goes through the table. Otherwise the
// result's `level`, else the rule's `defaultConfiguration.level`, else SARIF's default `warning`.
// Snippets are never copied into a finding: they are only hashed (and, for secrets, masked).
import { z } from 'zod';
import { ConfigError, ScannerError, ScannerOutputError, UnsupportedFormatError } from '../errors.js';
import type { Category, ParsedFinding } from '../findings/finding.js';
import { maskSecret, sha256Hex } from '../findings/redact.js';
import { mapSeverity, severityFromScore } from '../findings/severity.js';
import type { Severity } from '../findings/finding.js';
import type { ParseContext, ParseResult, ScanTarget, ScannerAdapter, ToolOutput } from './adapter.js';
import { detectTool } from './detect-tool.js';
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

const MessageSchema = z.looseObject({ text: z.string().optional(), markdown: z.string().optional(), id: z.string().optional() });
const PropertiesSchema = z.record(z.string(), z.unknown());

const RuleSchema = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  shortDescription: MessageSchema.optional(),
  fullDescription: MessageSchema.optional(),
  helpUri: z.string().optional(),
  defaultConfiguration: z.looseObject({ level: z.string().optional() }).optional(),
  properties: PropertiesSchema.optional(),
  messageStrings: z.record(z.string(), MessageSchema).optional(),
});
type SarifRule = z.infer<typeof RuleSchema>;

const RegionSchema = z.looseObject({
  startLine: z.number().int().optional(),
  endLine: z.number().int().optional(),
  startColumn: z.number().int().optional(),
  endColumn: z.number().int().optional(),
  snippet: z.looseObject({ text: z.string().optional() }).optional(),
});

const ArtifactLocationSchema = z.looseObject({
  uri: z.string().optional(),
  uriBaseId: z.string().optional(),
  index: z.number().int().optional(),
});

const LocationSchema = z.looseObject({
  physicalLocation: z
    .looseObject({
      artifactLocation: ArtifactLocationSchema.optional(),
      region: RegionSchema.optional(),
    })
    .optional(),
});

const ResultSchema = z.looseObject({
  ruleId: z.string().optional(),
  ruleIndex: z.number().int().optional(),
  rule: z.looseObject({ id: z.string().optional(), index: z.number().int().optional() }).optional(),
  level: z.string().optional(),
  kind: z.string().optional(),
  message: MessageSchema.optional(),
  locations: z.array(LocationSchema).optional(),
  fingerprints: z.record(z.string(), z.string()).optional(),
  partialFingerprints: z.record(z.string(), z.string()).optional(),
  properties: PropertiesSchema.optional(),
  suppressions: z.array(z.looseObject({ kind: z.string().optional(), status: z.string().optional() })).optional(),
  fixes: z.array(z.looseObject({ description: MessageSchema.optional() })).optional(),
});
export type SarifResult = z.infer<typeof ResultSchema>;

const NotificationSchema = z.looseObject({
  level: z.string().optional(),
  message: MessageSchema.optional(),
  descriptor: z.looseObject({ id: z.string().optional() }).optional(),
});

const RunSchema = z.looseObject({
  tool: z.looseObject({
    driver: z.looseObject({
      name: z.string(),
      version: z.string().optional(),
      semanticVersion: z.string().optional(),
      rules: z.array(RuleSchema).optional(),
    }),
  }),
  results: z.array(ResultSchema).nullish(),
  artifacts: z.array(z.looseObject({ location: ArtifactLocationSchema.optional() })).optional(),
  invocations: z
    .array(
      z.looseObject({
        executionSuccessful: z.boolean().optional(),
        toolExecutionNotifications: z.array(NotificationSchema).optional(),
        toolConfigurationNotifications: z.array(NotificationSchema).optional(),
      }),
    )
    .optional(),
});

const LogSchema = z.looseObject({ version: z.literal('2.1.0'), runs: z.array(RunSchema) });

/** True for anything that claims to be a SARIF log (a `runs` array plus a SARIF version or $schema). */
export function isSarifLog(data: unknown): data is Record<string, unknown> {
  if (!isRecord(data) || !Array.isArray(data.runs)) return false;
  const schema = typeof data.$schema === 'string' ? data.$schema.toLowerCase() : '';
  return typeof data.version === 'string' || schema.includes('sarif');
}

export interface SarifParseOptions {
  /** Tool name for the findings ("semgrep", "gitleaks", or a generic adapter's name). */
  tool: string;
  category: Category;
  context: ParseContext;
  /**
   * The matched snippet is a secret (gitleaks, secret scanners): it is hashed and masked, never kept.
   * Defaults to true when `category` is `secret`.
   */
  snippetIsSecret?: boolean;
  /** Tool-specific touches (trivy puts the package only in the message text). */
  refine?: (finding: ParsedFinding, result: SarifResult, rule: SarifRule | undefined) => ParsedFinding;
}

/** Pure: a SARIF 2.1.0 log (text or already-decoded JSON) -> findings, tool notifications as toolErrors. */
export function parseSarifLog(input: string | unknown, options: SarifParseOptions): ParseResult {
  const data = typeof input === 'string' ? parseJsonOutput(options.tool, input) : input;
  if (!isSarifLog(data)) throw unknownShape(options.tool, data, 'a SARIF 2.1.0 log (an object with "version" and "runs")');
  if (data.version !== '2.1.0') {
    throw new UnsupportedFormatError(options.tool, `SARIF version ${JSON.stringify(data.version)} (only 2.1.0 is read)`);
  }
  const log = checkShape(options.tool, LogSchema, data, 'SARIF log');
  const findings: ParsedFinding[] = [];
  const toolErrors: string[] = [];
  let toolVersion: string | undefined;
  // An empty log, or a run without results, says nothing was scanned (SARIF: absent results mean the
  // tool did not compute them): a scanner error, never "0 findings".
  if (log.runs.length === 0) throw new ScannerError(options.tool, 'its SARIF log has no runs (nothing was scanned)', 'bad-output');
  log.runs.forEach((run, index) => {
    const name = run.tool.driver.name;
    if (!Array.isArray(run.results)) {
      throw new ScannerError(options.tool, `SARIF run ${index + 1} (${name}) has no "results" array (the tool did not compute results)`, 'bad-output');
    }
    throwIfRunFailed(options.tool, run);
  });
  for (const run of log.runs) {
    const driver = run.tool.driver;
    toolVersion ??= driver.semanticVersion ?? driver.version;
    const rules = driver.rules ?? [];
    const rulesById = new Map(rules.map((r) => [r.id, r]));
    for (const result of run.results ?? []) {
      const rule = findRule(result, rules, rulesById);
      const finding = resultToFinding(result, rule, run.artifacts ?? [], options);
      findings.push(options.refine ? options.refine(finding, result, rule) : finding);
    }
    for (const invocation of run.invocations ?? []) {
      const notes = [...(invocation.toolExecutionNotifications ?? []), ...(invocation.toolConfigurationNotifications ?? [])];
      for (const note of notes) {
        const level = note.level ?? 'warning';
        if (level === 'note' || level === 'none') continue;
        const id = note.descriptor?.id ? `${note.descriptor.id}: ` : '';
        toolErrors.push(`${level}: ${id}${firstLine(note.message?.text ?? '(no message)')}`);
      }
    }
  }
  return toolVersion ? { findings, toolErrors, toolVersion } : { findings, toolErrors };
}

/**
 * A run whose invocation says it failed (executionSuccessful: false) or that reports an error-level
 * notification did not scan everything it was asked to: a scanner error naming the first error.
 */
function throwIfRunFailed(tool: string, run: z.infer<typeof RunSchema>): void {
  const name = run.tool.driver.name;
  for (const invocation of run.invocations ?? []) {
    const notes = [...(invocation.toolExecutionNotifications ?? []), ...(invocation.toolConfigurationNotifications ?? [])];
    const error = notes.find((n) => n.level === 'error');
    const said = error ? `${error.descriptor?.id ? `${error.descriptor.id}: ` : ''}${firstLine(error.message?.text ?? '(no message)')}` : undefined;
    if (invocation.executionSuccessful === false) {
      throw new ScannerError(tool, `${name} reported an unsuccessful run (executionSuccessful: false)${said ? `: ${said}` : ''}`, 'crashed');
    }
    if (said) throw new ScannerError(tool, `${name} reported an error: ${said}`, 'crashed');
  }
}

function findRule(result: SarifResult, rules: SarifRule[], byId: Map<string, SarifRule>): SarifRule | undefined {
  const index = result.ruleIndex ?? result.rule?.index;
  if (index !== undefined && rules[index]) return rules[index];
  const id = result.ruleId ?? result.rule?.id;
  return id === undefined ? undefined : byId.get(id);
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}...` : line;
}

function resultToFinding(
  result: SarifResult,
  rule: SarifRule | undefined,
  artifacts: { location?: z.infer<typeof ArtifactLocationSchema> }[],
  options: SarifParseOptions,
): ParsedFinding {
  const ruleId = result.ruleId ?? result.rule?.id ?? rule?.id ?? `${options.tool}-finding`;
  const { severity, toolSeverity } = sarifSeverity(result, rule);
  const physical = result.locations?.[0]?.physicalLocation;
  const artifact = physical?.artifactLocation;
  const uri = artifact?.uri ?? (artifact?.index !== undefined ? artifacts[artifact.index]?.location?.uri : undefined);
  const region = physical?.region;
  const snippet = region?.snippet?.text;
  const secret = options.snippetIsSecret ?? options.category === 'secret';
  const title = rule?.shortDescription?.text?.trim() || rule?.name || ruleId;
  const message = messageText(result, rule) || title;
  const fix = result.fixes?.[0]?.description?.text?.trim();
  const ruleProps = rule?.properties ?? {};
  const resultProps = result.properties ?? {};
  const tags = [...stringList(ruleProps.tags), ...stringList(resultProps.tags)];
  const cwe = normalizeCweList([
    ...stringList(ruleProps.cwe),
    ...tags.flatMap((t) => {
      const m = /cwe[-/ _]?(\d+)/i.exec(t);
      return m ? [`CWE-${m[1]}`] : [];
    }),
  ]);
  const suppressed = (result.suppressions ?? []).some((s) => s.status !== 'rejected' && s.status !== 'underReview');
  const matchHash = secret
    ? snippet?.trim()
      ? sha256Hex(snippet.trim())
      : undefined
    : snippet?.trim()
      ? hashMatchedCode(snippet)
      : toolFingerprint(result);
  return {
    tool: options.tool,
    category: options.category,
    ruleId,
    title,
    severity,
    ...(toolSeverity ? { toolSeverity } : {}),
    location: {
      ...(uri ? { path: toRepoPath(uri, options.context) } : {}),
      ...(region?.startLine !== undefined ? { startLine: region.startLine } : {}),
      ...(region?.endLine !== undefined ? { endLine: region.endLine } : {}),
      ...(region?.startColumn !== undefined ? { startColumn: region.startColumn } : {}),
      ...(region?.endColumn !== undefined ? { endColumn: region.endColumn } : {}),
      ...(options.context.image ? { image: options.context.image } : {}),
    },
    cwe,
    references: uniqueStrings([rule?.helpUri, ...stringList(ruleProps.references)]),
    fixAvailable: Boolean(fix) || (result.fixes?.length ?? 0) > 0,
    ...(fix ? { fix } : {}),
    message,
    ...(secret && snippet?.trim() ? { secretPreview: maskSecret(snippet) } : {}),
    ...(matchHash ? { matchHash } : {}),
    ...(suppressed ? { inlineSuppressed: true } : {}),
  };
}

function messageText(result: SarifResult, rule: SarifRule | undefined): string {
  const text = result.message?.text ?? result.message?.markdown;
  if (text) return text.trim();
  const id = result.message?.id;
  if (id && rule?.messageStrings?.[id]?.text) return rule.messageStrings[id].text.trim();
  return '';
}

/** The tool's own stable id of the match (semgrep `matchBasedId/v1`), hashed so its form is uniform. */
function toolFingerprint(result: SarifResult): string | undefined {
  const prints = { ...(result.partialFingerprints ?? {}), ...(result.fingerprints ?? {}) };
  const preferred = prints['matchBasedId/v1'] ?? prints['primaryLocationLineHash'];
  const value = preferred ?? Object.values(prints)[0];
  return value ? sha256Hex(value) : undefined;
}

function stringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

function sarifSeverity(result: SarifResult, rule: SarifRule | undefined): { severity: Severity; toolSeverity?: string } {
  const securitySeverity = result.properties?.['security-severity'] ?? rule?.properties?.['security-severity'];
  if (typeof securitySeverity === 'number' || typeof securitySeverity === 'string') {
    const text = String(securitySeverity).trim();
    const score = Number(text);
    if (text !== '' && Number.isFinite(score) && score >= 0 && score <= 10) {
      return { severity: severityFromScore(score), toolSeverity: `security-severity ${text}` };
    }
    const fromWord = mapSeverity('sarif-security-severity', text);
    if (fromWord !== 'unknown') return { severity: fromWord, toolSeverity: text };
  }
  const level = result.level ?? rule?.defaultConfiguration?.level ?? 'warning';
  return { severity: mapSeverity('sarif', level), toolSeverity: level };
}

/** A `scanners.sarif[]` entry of the config (see src/config/schema.ts). */
export interface SarifAdapterDefinition {
  name: string;
  category?: Category;
  /** argv, run in the service folder. */
  command?: string[];
  /** File the command writes its SARIF to (relative to the service folder); default: stdout. */
  output?: string;
  import?: string;
  'ok-exit-codes'?: number[];
}

/** An adapter for any command that writes SARIF 2.1.0 (to stdout or to its `output` file). */
export function createSarifAdapter(def: SarifAdapterDefinition): ScannerAdapter {
  const category = def.category ?? 'sast';
  const executable = def.command?.[0];
  const installHint = executable
    ? `install ${executable} so that "${executable}" is on PATH, or give scanners.sarif[].import a SARIF file made elsewhere`
    : `scanners.sarif entry "${def.name}" has no command; it can only import a SARIF file`;
  return {
    id: def.name,
    tool: def.name,
    category,
    async detect() {
      if (!executable) return { installed: false, installHint };
      return detectTool([executable, '--version'], installHint);
    },
    command(_target: ScanTarget): string[] {
      if (!def.command || def.command.length === 0) {
        throw new ConfigError(`scanners.sarif entry "${def.name}" has no command to run`, { field: 'scanners.sarif' });
      }
      return [...def.command];
    },
    okExitCodes: def['ok-exit-codes'] ?? [0, 1],
    parse(output: ToolOutput, context: ParseContext): ParseResult {
      const text = sarifText(def, output);
      return parseSarifLog(text, { tool: def.name, category, context });
    },
  };
}

function sarifText(def: SarifAdapterDefinition, output: ToolOutput): string {
  if (!def.output) return output.stdout;
  const files = output.files ?? {};
  const content = files[def.output] ?? (Object.keys(files).length === 1 ? Object.values(files)[0] : undefined);
  if (content === undefined) {
    throw new ScannerOutputError(def.name, `the command did not write its SARIF file "${def.output}"`);
  }
  return content;
}
