// trivy: `trivy fs` (vulnerabilities, misconfigurations, secrets), `trivy image` (by reference or a
// `docker save` tarball), and `trivy fs --scanners secret`. Reads JSON (SchemaVersion 2 and the
// pre-0.20 bare array of Results) and trivy's SARIF (detected by content).
// trivy's secret findings carry `Code.Lines` context lines that trivy does NOT mask: they are never
// read here, and neither is `Match` copied into a finding (only hashed).
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { sha256Hex } from '../findings/redact.js';
import type { Category, ParsedFinding } from '../findings/finding.js';
import { mapSeverity, type SeverityWords } from '../findings/severity.js';
import type { ParseContext, ParseResult, ScanTarget, ScannerAdapter, ScannerKnowledge, ToolOutput } from './adapter.js';
import { canonicalAliases } from '../enrich/ids.js';
import { detectTool } from './detect-tool.js';
import {
  checkShape,
  forEachJsonElement,
  forEachJsonMember,
  hashMatchedCode,
  isRecord,
  jsonDocumentText,
  JsonLayoutError,
  normalizeCweList,
  parseJsonOutput,
  skipJsonValue,
  splitVersions,
  type TextSpan,
  toRepoPath,
  uniqueStrings,
  unknownShape,
  upgradeHint,
  withEmptyArray,
} from './report-input.js';
import { isSarifLog, parseSarifLog } from './sarif.js';

const TOOL = 'trivy';
/** trivy's severity words (README severity table, built from the registry). */
export const TRIVY_SEVERITY: SeverityWords = { critical: 'critical', high: 'high', medium: 'medium', low: 'low', unknown: 'unknown' };
export const TRIVY_INSTALL_HINT =
  'install trivy: https://aquasecurity.github.io/trivy/latest/getting-started/installation/ or set install-tools: true in the action';

const CvssEntrySchema = z.object({
  V2Vector: z.string().optional(),
  V3Vector: z.string().optional(),
  V2Score: z.number().optional(),
  V3Score: z.number().optional(),
  V40Vector: z.string().optional(),
  V40Score: z.number().optional(),
});

const VulnerabilitySchema = z.object({
  VulnerabilityID: z.string().min(1),
  PkgName: z.string().min(1),
  PkgPath: z.string().optional(),
  InstalledVersion: z.string().default(''),
  FixedVersion: z.string().optional(),
  Status: z.string().optional(),
  Severity: z.string().default('UNKNOWN'),
  SeveritySource: z.string().optional(),
  Title: z.string().optional(),
  Description: z.string().optional(),
  PrimaryURL: z.string().optional(),
  References: z.array(z.string()).nullish(),
  CweIDs: z.array(z.string()).nullish(),
  CVSS: z.record(z.string(), CvssEntrySchema).nullish(),
  /** Distribution advisories for the same vulnerability (DLA-, DSA-, ALAS-, RHSA-, ...). */
  VendorIDs: z.array(z.string()).nullish(),
});

const CodeLineSchema = z.object({ Content: z.string().optional(), IsCause: z.boolean().optional() });

const MisconfigurationSchema = z.object({
  ID: z.string().min(1),
  AVDID: z.string().optional(),
  Type: z.string().optional(),
  Title: z.string().optional(),
  Description: z.string().optional(),
  Message: z.string().optional(),
  Resolution: z.string().optional(),
  Severity: z.string().default('UNKNOWN'),
  Status: z.string().optional(),
  PrimaryURL: z.string().optional(),
  References: z.array(z.string()).nullish(),
  CauseMetadata: z
    .looseObject({
      StartLine: z.number().int().optional(),
      EndLine: z.number().int().optional(),
      Resource: z.string().optional(),
      Code: z.object({ Lines: z.array(CodeLineSchema).nullish() }).optional(),
    })
    .optional(),
});

const SecretSchema = z.object({
  RuleID: z.string().min(1),
  Category: z.string().optional(),
  Severity: z.string().default('UNKNOWN'),
  Title: z.string().optional(),
  StartLine: z.number().int().optional(),
  EndLine: z.number().int().optional(),
  // Masked by trivy (`*****`); hashed for the fingerprint, never copied.
  Match: z.string().optional(),
});

const ResultSchema = z.object({
  Target: z.string(),
  Class: z.string().optional(),
  Type: z.string().optional(),
  // Checked one by one (readVulnerabilities): the bulk of a large report, on a fast path.
  Vulnerabilities: z.array(z.unknown()).nullish(),
  Misconfigurations: z.array(MisconfigurationSchema).nullish(),
  Secrets: z.array(SecretSchema).nullish(),
});
type TrivyResult = z.infer<typeof ResultSchema>;
type TrivyVulnerability = z.input<typeof VulnerabilitySchema>;

const ReportSchema = z.object({
  SchemaVersion: z.literal(2),
  ArtifactName: z.string().optional(),
  ArtifactType: z.string().optional(),
  Trivy: z.object({ Version: z.string().optional() }).optional(),
  Results: z.array(ResultSchema).nullish(),
});

// trivy `Type` -> ecosystem (lower case, the names OSV and the dashboard use).
const ECOSYSTEMS: Record<string, string> = {
  npm: 'npm',
  yarn: 'npm',
  pnpm: 'npm',
  bun: 'npm',
  'node-pkg': 'npm',
  pip: 'pypi',
  pipenv: 'pypi',
  poetry: 'pypi',
  uv: 'pypi',
  'python-pkg': 'pypi',
  gomod: 'go',
  gobinary: 'go',
  cargo: 'cargo',
  'rust-binary': 'cargo',
  composer: 'packagist',
  'composer-vendor': 'packagist',
  bundler: 'gem',
  gemspec: 'gem',
  jar: 'maven',
  pom: 'maven',
  gradle: 'maven',
  sbt: 'maven',
  nuget: 'nuget',
  'dotnet-core': 'nuget',
  'packages-props': 'nuget',
  conan: 'conan',
  cocoapods: 'cocoapods',
  swift: 'swift',
  pub: 'pub',
  hex: 'hex',
  conda: 'conda',
};

// OS families trivy reports as `os-pkgs` (used to classify the legacy array, which has no `Class`).
const OS_FAMILIES = new Set([
  'alpine',
  'debian',
  'ubuntu',
  'redhat',
  'centos',
  'rocky',
  'alma',
  'amazon',
  'oracle',
  'photon',
  'suse',
  'opensuse',
  'opensuse.leap',
  'opensuse.tumbleweed',
  'sles',
  'cbl-mariner',
  'azurelinux',
  'wolfi',
  'chainguard',
  'fedora',
  'bottlerocket',
  'echo',
  'minimos',
]);

interface ReportFacts {
  isImage: boolean;
  image?: string;
  /** The first copy of each reference URL seen in the report (sharedReferences). */
  referenceUrls?: Map<string, string>;
}

/** Pure: trivy JSON (SchemaVersion 2 or the legacy array) or trivy SARIF -> findings. */
export function parseTrivyReport(text: string, ctx: ParseContext = {}): ParseResult {
  return parseTrivyReportInPieces(text, ctx) ?? parseWholeTrivyReport(text, ctx);
}

/**
 * The ordinary way: JSON.parse the whole document, check its shape with zod, build the findings.
 * Reads every shape trivy writes, and gives the errors for bad input.
 */
export function parseWholeTrivyReport(text: string, ctx: ParseContext = {}): ParseResult {
  const data = parseJsonOutput(TOOL, text);
  if (isSarifLog(data)) {
    // trivy SARIF does not say what was scanned; an image context makes it container findings.
    return parseSarifLog(data, {
      tool: TOOL,
      category: ctx.image ? 'container' : 'dependency',
      context: ctx,
      refine: (finding, _result, rule) => refineSarifFinding(finding, rule?.name, rule?.properties ?? {}, ctx),
    });
  }
  if (Array.isArray(data)) {
    // trivy before 0.20 wrote a bare array of Results (no SchemaVersion, no Class).
    if (data.length > 0 && !data.every((r) => isRecord(r) && 'Target' in r)) {
      throw unknownShape(TOOL, data, 'a trivy report (an object with SchemaVersion 2, or the pre-0.20 array of Results)');
    }
    const results = checkShape(TOOL, z.array(ResultSchema), data, 'legacy trivy report (array of Results)');
    const facts: ReportFacts = ctx.image ? { isImage: true, image: ctx.image } : { isImage: results.some(isOsResult) };
    return { findings: results.flatMap((r) => resultFindings(r, facts, ctx)), toolErrors: [] };
  }
  if (!isRecord(data) || !('SchemaVersion' in data)) {
    throw unknownShape(TOOL, data, 'a trivy report (an object with SchemaVersion 2, or the pre-0.20 array of Results)');
  }
  if (data.SchemaVersion !== 2) {
    throw unknownShape(TOOL, data, `SchemaVersion 2 (got ${JSON.stringify(data.SchemaVersion)})`);
  }
  const report = checkShape(TOOL, ReportSchema, data, 'trivy report');
  const facts = reportFacts(report, ctx);
  const findings = (report.Results ?? []).flatMap((r) => resultFindings(r, facts, ctx));
  return reportResult(report, findings);
}

function reportFacts(report: z.infer<typeof ReportSchema>, ctx: ParseContext): ReportFacts {
  const isImage = report.ArtifactType === 'container_image' || Boolean(ctx.image);
  return isImage ? { isImage, image: ctx.image ?? report.ArtifactName } : { isImage };
}

function reportResult(report: z.infer<typeof ReportSchema>, findings: ParsedFinding[]): ParseResult {
  const version = report.Trivy?.Version;
  return version ? { findings, toolErrors: [], toolVersion: version } : { findings, toolErrors: [] };
}

/** Where the pieces of a SchemaVersion 2 report are: each Result, and each vulnerability in it. */
interface ReportLayout {
  resultsArray: TextSpan;
  results: { span: TextSpan; vulnerabilitiesArray?: TextSpan; vulnerabilities: TextSpan[] }[];
}

/**
 * The fast way for large reports: a SchemaVersion 2 report read one Result and one vulnerability at a
 * time, so that no tree of the whole report is ever built (see "Reading a large JSON report piece by
 * piece" in report-input.ts). The same checks and the same finding builders as parseWholeTrivyReport,
 * in the same order. Returns undefined for anything else: another shape (SARIF, the legacy array),
 * invalid JSON, or a report that fails a check. parseTrivyReport then reads the whole document, which
 * gives the usual findings or error; test/scanners/trivy.test.ts checks both ways agree on every fixture.
 */
export function parseTrivyReportInPieces(text: string, ctx: ParseContext = {}): ParseResult | undefined {
  const doc = jsonDocumentText(text);
  try {
    const layout = findReportLayout(doc);
    if (!layout) return undefined;
    const head: unknown = JSON.parse(withEmptyArray(doc, { start: 0, end: doc.length }, layout.resultsArray));
    if (!isRecord(head) || head.SchemaVersion !== 2 || isSarifLog(head)) return undefined;
    const report = ReportSchema.safeParse(head);
    if (!report.success) return undefined;
    const facts = reportFacts(report.data, ctx);
    const findings: ParsedFinding[] = [];
    for (const piece of layout.results) {
      const resultText = piece.vulnerabilitiesArray
        ? withEmptyArray(doc, piece.span, piece.vulnerabilitiesArray)
        : doc.slice(piece.span.start, piece.span.end);
      const result = ResultSchema.safeParse(JSON.parse(resultText));
      if (!result.success) return undefined;
      // Each vulnerability is decoded just before its finding is built, and dropped after.
      const vulnerabilities = piece.vulnerabilitiesArray ? decodeEach(doc, piece.vulnerabilities) : undefined;
      for (const finding of resultFindings(result.data, facts, ctx, vulnerabilities)) findings.push(finding);
    }
    return reportResult(report.data, findings);
  } catch {
    // Invalid JSON, an unexpected layout, or a malformed vulnerability: the whole-document path
    // reports it (or reads a layout this scan does not know).
    return undefined;
  }
}

function* decodeEach(doc: string, spans: readonly TextSpan[]): Generator<unknown> {
  for (const span of spans) yield JSON.parse(doc.slice(span.start, span.end)) as unknown;
}

/** The spans of `Results` and of each Result's `Vulnerabilities`, or undefined without a Results array. */
function findReportLayout(doc: string): ReportLayout | undefined {
  let layout: ReportLayout | undefined;
  const end = forEachJsonMember(doc, 0, (key, at) => {
    if (key !== 'Results' || doc[at] !== '[') return skipJsonValue(doc, at);
    const results: ReportLayout['results'] = [];
    const arrayEnd = forEachJsonElement(doc, at, (start) => {
      if (doc[start] !== '{') throw new JsonLayoutError('a Result that is not an object');
      const piece: ReportLayout['results'][number] = { span: { start, end: start }, vulnerabilities: [] };
      piece.span.end = forEachJsonMember(doc, start, (resultKey, valueAt) => {
        if (resultKey !== 'Vulnerabilities' || doc[valueAt] !== '[') return skipJsonValue(doc, valueAt);
        const vulnerabilitiesEnd = forEachJsonElement(doc, valueAt, (vulnerabilityAt) => {
          const vulnerabilityEnd = skipJsonValue(doc, vulnerabilityAt);
          piece.vulnerabilities.push({ start: vulnerabilityAt, end: vulnerabilityEnd });
          return vulnerabilityEnd;
        });
        piece.vulnerabilitiesArray = { start: valueAt, end: vulnerabilitiesEnd };
        return vulnerabilitiesEnd;
      });
      results.push(piece);
      return piece.span.end;
    });
    layout = { resultsArray: { start: at, end: arrayEnd }, results };
    return arrayEnd;
  });
  if (end !== doc.length) throw new JsonLayoutError('text after the report');
  return layout;
}

/**
 * trivy's SARIF keeps the package only in the message text ("Package: libssl1.1\nInstalled Version:
 * ...\nFixed Version: ..."), and the kind of finding in the rule name.
 */
function refineSarifFinding(
  finding: ParsedFinding,
  ruleName: string | undefined,
  ruleProperties: Record<string, unknown>,
  ctx: ParseContext,
): ParsedFinding {
  if (ruleName === 'Misconfiguration') return { ...finding, category: 'misconfig' };
  if (ruleName === 'Secret') return { ...finding, category: 'secret', secretPreview: '****' };
  const field = (label: string) => new RegExp(`^${label}: (.*)$`, 'm').exec(finding.message)?.[1]?.trim();
  const name = field('Package');
  if (!name) return finding;
  const version = field('Installed Version') ?? '';
  const fixedVersions = splitVersions(field('Fixed Version'));
  const fixAvailable = fixedVersions.length > 0;
  const score = ruleProperties.cvssv3_baseScore;
  const vector = ruleProperties.cvssv3_vector;
  const cvss =
    typeof score === 'number' && score >= 0 && score <= 10
      ? withVector(score, typeof vector === 'string' ? vector : undefined)
      : undefined;
  return {
    ...finding,
    ...(cvss ? { cvss } : {}),
    location: {
      ...finding.location,
      package: { ecosystem: ruleName === 'OsPackageVulnerability' ? 'os' : 'unknown', name, version, fixedVersions },
    },
    fixAvailable,
    ...(fixAvailable ? { fix: upgradeHint(name, version, fixedVersions) } : {}),
    ...(ctx.image ? { category: 'container' as const } : {}),
  };
}

function isOsResult(result: TrivyResult): boolean {
  return result.Class === 'os-pkgs' || (result.Class === undefined && OS_FAMILIES.has((result.Type ?? '').toLowerCase()));
}

/**
 * The findings of one Result: its vulnerabilities, failed misconfiguration checks and secrets.
 * `vulnerabilities` are the Result's own, or (parseTrivyReportInPieces) decoded one at a time from
 * their pieces of the text.
 */
function resultFindings(
  result: TrivyResult,
  facts: ReportFacts,
  ctx: ParseContext,
  vulnerabilities: Iterable<unknown> = result.Vulnerabilities ?? [],
): ParsedFinding[] {
  const out: ParsedFinding[] = [];
  let index = 0;
  for (const raw of vulnerabilities) {
    out.push(vulnerabilityFinding(result, readVulnerability(raw, index++, result.Target), facts, ctx));
  }
  for (const m of result.Misconfigurations ?? []) {
    // `--include-non-failures` also lists passed checks.
    if (m.Status && m.Status.toUpperCase() !== 'FAIL') continue;
    out.push(misconfigFinding(result, m, facts, ctx));
  }
  for (const s of result.Secrets ?? []) out.push(secretFinding(result, s, facts, ctx));
  return out;
}

/** Where a finding is: a repository file for fs/repo scans, the image (and a path in it) for images. */
function targetLocation(target: string, facts: ReportFacts, ctx: ParseContext): { path?: string; image?: string } {
  if (facts.isImage) {
    // Targets of OS packages read "<image> (alpine 3.9.4)"; language targets are a path in the image or
    // a language name ("Node.js"). Neither is a repository path.
    const inImagePath = target.startsWith('/') ? target : undefined;
    return { ...(facts.image ? { image: facts.image } : {}), ...(inImagePath ? { path: inImagePath } : {}) };
  }
  return { path: toRepoPath(target, ctx) };
}

/**
 * A vulnerability checked against VulnerabilitySchema. Reports can hold 100,000 of them, so the
 * well-formed ones pass a plain structural check (the same rules as the schema, without copying);
 * any other goes through zod, which names the field at fault.
 */
function readVulnerability(v: unknown, index: number, target: string): TrivyVulnerability {
  return isWellFormedVulnerability(v)
    ? v
    : checkShape(TOOL, VulnerabilitySchema, v, `vulnerability ${index} of Result "${target}"`);
}

const OPTIONAL_STRING_FIELDS = [
  'PkgPath',
  'InstalledVersion',
  'FixedVersion',
  'Status',
  'Severity',
  'SeveritySource',
  'Title',
  'Description',
  'PrimaryURL',
] as const;
const CVSS_NUMBER_FIELDS = ['V2Score', 'V3Score', 'V40Score'] as const;
const CVSS_STRING_FIELDS = ['V2Vector', 'V3Vector', 'V40Vector'] as const;

function isOptionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}

function isStringListOrNothing(value: unknown): boolean {
  return value === undefined || value === null || (Array.isArray(value) && value.every((x) => typeof x === 'string'));
}

/** Mirrors VulnerabilitySchema (test/scanners/trivy.test.ts checks that both refuse the same input). */
function isWellFormedVulnerability(v: unknown): v is TrivyVulnerability {
  if (!isRecord(v)) return false;
  if (typeof v.VulnerabilityID !== 'string' || v.VulnerabilityID === '') return false;
  if (typeof v.PkgName !== 'string' || v.PkgName === '') return false;
  if (!OPTIONAL_STRING_FIELDS.every((k) => isOptionalString(v[k]))) return false;
  if (!isStringListOrNothing(v.References) || !isStringListOrNothing(v.CweIDs)) return false;
  const cvss = v.CVSS;
  if (cvss === undefined || cvss === null) return true;
  if (!isRecord(cvss)) return false;
  return Object.values(cvss).every(
    (entry) =>
      isRecord(entry) &&
      CVSS_NUMBER_FIELDS.every((k) => entry[k] === undefined || typeof entry[k] === 'number') &&
      CVSS_STRING_FIELDS.every((k) => isOptionalString(entry[k])),
  );
}

function vulnerabilityFinding(
  result: TrivyResult,
  v: TrivyVulnerability,
  facts: ReportFacts,
  ctx: ParseContext,
): ParsedFinding {
  const osPackage = isOsResult(result);
  const category: Category = facts.isImage ? 'container' : 'dependency';
  const ecosystem = ecosystemOf(result, osPackage);
  const fixedVersions = splitVersions(v.FixedVersion);
  const fixAvailable = fixedVersions.length > 0;
  const cvss = pickCvss(v.CVSS ?? undefined, v.SeveritySource);
  const installed = v.InstalledVersion ?? '';
  const toolSeverity = v.Severity ?? 'UNKNOWN';
  const title = v.Title?.trim() || `${v.VulnerabilityID} in ${v.PkgName}`;
  const fix = fixAvailable ? upgradeHint(v.PkgName, installed, fixedVersions) : undefined;
  const where = v.PkgPath ? ` (${v.PkgPath})` : '';
  const status = v.Status && v.Status !== 'fixed' ? `; status: ${v.Status.replace(/_/g, ' ')}` : '';
  return {
    tool: TOOL,
    category,
    ruleId: v.VulnerabilityID,
    ...(v.VendorIDs && v.VendorIDs.length > 0 ? { aliases: canonicalAliases(v.VulnerabilityID, v.VendorIDs) } : {}),
    title,
    severity: mapSeverity(TRIVY_SEVERITY, toolSeverity),
    toolSeverity,
    location: {
      ...targetLocation(result.Target, facts, ctx),
      package: {
        ecosystem,
        name: v.PkgName,
        version: installed,
        fixedVersions,
        ...(v.PkgPath ? { path: v.PkgPath } : {}),
      },
    },
    ...(cvss ? { cvss } : {}),
    cwe: normalizeCweList(v.CweIDs ?? []),
    references: sharedReferences(uniqueStrings([v.PrimaryURL, ...(v.References ?? [])]), facts),
    fixAvailable,
    ...(fix ? { fix } : {}),
    message: `${v.PkgName} ${installed}${where} is affected by ${v.VulnerabilityID}: ${title}${
      fix ? `; ${fix}` : '; no fixed version yet'
    }${status}`,
  };
}

/**
 * `urls` with each URL replaced by the first equal string seen in this report. An advisory's
 * references (a dozen URLs, most of a finding's size) repeat in every package it affects, and
 * JSON.parse makes a new string for each copy; keeping one copy saves about 100 MiB on the 100,000-
 * finding benchmark (whose advisories repeat 541 times; real reports repeat less, and a report
 * without any repeats pays for a map of its URLs).
 */
function sharedReferences(urls: string[], facts: ReportFacts): string[] {
  const seen = (facts.referenceUrls ??= new Map());
  for (let i = 0; i < urls.length; i++) {
    const url = urls[i]!;
    const first = seen.get(url);
    if (first === undefined) seen.set(url, url);
    else urls[i] = first;
  }
  return urls;
}

function ecosystemOf(result: TrivyResult, osPackage: boolean): string {
  const type = (result.Type ?? '').toLowerCase();
  if (osPackage) return type || 'os';
  return ECOSYSTEMS[type] ?? (type || 'unknown');
}

/** The CVSS of the source trivy took the severity from, else NVD, else any source with a score. */
function pickCvss(
  byVendor: Record<string, z.infer<typeof CvssEntrySchema>> | undefined,
  severitySource: string | undefined,
): { score: number; vector?: string } | undefined {
  if (!byVendor) return undefined;
  const order = uniqueStrings([severitySource, 'nvd', 'ghsa', ...Object.keys(byVendor)]);
  for (const source of order) {
    const entry = byVendor[source];
    if (!entry) continue;
    if (typeof entry.V40Score === 'number' && entry.V40Score > 0) return withVector(entry.V40Score, entry.V40Vector);
    if (typeof entry.V3Score === 'number' && entry.V3Score > 0) return withVector(entry.V3Score, entry.V3Vector);
    if (typeof entry.V2Score === 'number' && entry.V2Score > 0) return withVector(entry.V2Score, entry.V2Vector);
  }
  return undefined;
}

function withVector(score: number, vector: string | undefined): { score: number; vector?: string } {
  return vector ? { score, vector } : { score };
}

function misconfigFinding(
  result: TrivyResult,
  m: z.infer<typeof MisconfigurationSchema>,
  facts: ReportFacts,
  ctx: ParseContext,
): ParsedFinding {
  const cause = m.CauseMetadata;
  const causeCode = (cause?.Code?.Lines ?? [])
    .filter((l) => l.IsCause)
    .map((l) => l.Content ?? '')
    .join('\n');
  const title = m.Title?.trim() || m.ID;
  return {
    tool: TOOL,
    category: 'misconfig',
    ruleId: m.ID,
    title,
    severity: mapSeverity(TRIVY_SEVERITY, m.Severity),
    toolSeverity: m.Severity,
    location: {
      ...targetLocation(result.Target, facts, ctx),
      ...(cause?.StartLine ? { startLine: cause.StartLine } : {}),
      ...(cause?.EndLine ? { endLine: cause.EndLine } : {}),
    },
    cwe: [],
    references: uniqueStrings([m.PrimaryURL, ...(m.References ?? [])]),
    fixAvailable: Boolean(m.Resolution?.trim()),
    ...(m.Resolution?.trim() ? { fix: m.Resolution.trim() } : {}),
    message: m.Message?.trim() || m.Description?.trim() || title,
    // Misconfiguration causes are configuration, not secrets: hashing them keeps the identity when the
    // block moves. Without cause lines the rule + path identify it.
    ...(causeCode.trim() ? { matchHash: hashMatchedCode(causeCode) } : {}),
  };
}

function secretFinding(
  result: TrivyResult,
  s: z.infer<typeof SecretSchema>,
  facts: ReportFacts,
  ctx: ParseContext,
): ParsedFinding {
  const title = s.Title?.trim() || s.RuleID;
  const location = targetLocation(result.Target, facts, ctx);
  // Secret results in an image have an in-image path; keep it so the finding says where.
  if (facts.isImage && !location.path) location.path = result.Target;
  const line = s.StartLine ? `:${s.StartLine}` : '';
  return {
    tool: TOOL,
    category: 'secret',
    ruleId: s.RuleID,
    title,
    severity: mapSeverity(TRIVY_SEVERITY, s.Severity),
    toolSeverity: s.Severity,
    location: {
      ...location,
      ...(s.StartLine ? { startLine: s.StartLine } : {}),
      ...(s.EndLine ? { endLine: s.EndLine } : {}),
    },
    cwe: ['CWE-798'],
    references: [],
    fixAvailable: false,
    fix: 'remove the secret from the code and rotate it',
    message: `${title}${s.Category ? ` (${s.Category})` : ''} found in ${location.path ?? result.Target}${line}`,
    // trivy has already masked the value, so no prefix is known.
    secretPreview: '****',
    // trivy never gives the secret itself; its masked match line is stable under moves, so hash that.
    ...(s.Match ? { matchHash: sha256Hex(`${s.RuleID}\n${s.Match}`) } : {}),
  };
}

function optionList(options: Record<string, unknown>, key: string): string[] {
  const value = options[key];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/** `trivy image`: a `docker save` tarball goes through `--input`, anything else is an image reference. */
function isImageTarball(image: string): boolean {
  return /\.(tar|tar\.gz|tgz)$/i.test(image);
}

function parseTrivyOutput(output: ToolOutput, ctx: ParseContext): ParseResult {
  return parseTrivyReport(output.stdout, ctx);
}

function trivyAbout(fixtures: readonly string[]): ScannerKnowledge {
  return { homepage: 'https://github.com/aquasecurity/trivy', installHint: TRIVY_INSTALL_HINT, severityWords: TRIVY_SEVERITY, fixtures };
}

const detectTrivy = () => detectTool(['trivy', '--version'], TRIVY_INSTALL_HINT);

/** trivy writes JSON to stdout; `--exit-code 0` keeps "found something" apart from "crashed". */
const COMMON_FLAGS = ['--format', 'json', '--quiet', '--exit-code', '0'];

export const trivyFsAdapter: ScannerAdapter = {
  id: 'trivy-fs',
  tool: TOOL,
  category: 'dependency',
  about: trivyAbout(['trivy/fs-vulns-misconfig-secrets.json', 'trivy/repo-npm-lockfile.json', 'trivy/repo-gomod.json', 'trivy/repo-misconfig-dockerfile.json', 'trivy/repo-misconfig-helm.json']),
  detect: detectTrivy,
  command(target: ScanTarget): string[] {
    const scanners = optionList(target.options, 'scanners');
    return [
      'trivy',
      'fs',
      ...COMMON_FLAGS,
      '--scanners',
      scanners.length > 0 ? scanners.join(',') : 'vuln,misconfig,secret',
      ...optionList(target.options, 'args'),
      '.',
    ];
  },
  okExitCodes: [0],
  parse: parseTrivyOutput,
};

export const trivyImageAdapter: ScannerAdapter = {
  id: 'trivy-image',
  tool: TOOL,
  category: 'container',
  about: trivyAbout(['trivy/image-alpine-3.9.json', 'trivy/image-alpine-3.10.sarif', 'trivy/image-debian-stretch.json']),
  detect: detectTrivy,
  command(target: ScanTarget): string[] {
    if (!target.image) {
      throw new ConfigError(
        `trivy-image needs an image for service "${target.service}": set services[].image to a reference or a docker save tarball`,
        { field: 'services.image' },
      );
    }
    const scanners = optionList(target.options, 'scanners');
    // A tarball path in .gatehouse.yml is relative to the repository root; the tool runs in the service folder.
    const source = isImageTarball(target.image) ? ['--input', path.resolve(target.repoRoot, target.image)] : [target.image];
    return [
      'trivy',
      'image',
      ...COMMON_FLAGS,
      '--scanners',
      scanners.length > 0 ? scanners.join(',') : 'vuln,secret',
      ...optionList(target.options, 'args'),
      ...source,
    ];
  },
  okExitCodes: [0],
  parse(output, ctx) {
    return parseTrivyReport(output.stdout, ctx);
  },
};

export const trivySecretAdapter: ScannerAdapter = {
  id: 'trivy-secret',
  tool: TOOL,
  category: 'secret',
  about: trivyAbout(['trivy/repo-secrets.json']),
  detect: detectTrivy,
  command(target: ScanTarget): string[] {
    return ['trivy', 'fs', ...COMMON_FLAGS, '--scanners', 'secret', ...optionList(target.options, 'args'), '.'];
  },
  okExitCodes: [0],
  parse: parseTrivyOutput,
};
