// npm audit --json: report version 2 (npm 7 and later, `vulnerabilities` keyed by package) and the
// npm 6 shape (an `advisories` map, also written by pnpm audit and yarn berry; those adapters reuse
// `advisoryMapFindings`). An npm error report (`{"error": {...}}`, e.g. the registry answering 405
// to the audit endpoint) is a scanner error, never zero findings.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ScannerOutputError, ToolFailureReportError } from '../errors.js';
import type { ParsedFinding } from '../findings/finding.js';
import { mapSeverity, type SeverityWords } from '../findings/severity.js';
import type { ParseContext, ParseResult, ScanTarget, ScannerAdapter, ToolOutput } from './adapter.js';
import { canonicalAliases } from '../enrich/ids.js';
import { detectTool } from './detect-tool.js';
import { checkShape, isRecord, normalizeCweList, parseJsonOutput, toRepoPath, uniqueStrings, unknownShape } from './report-input.js';

const TOOL = 'npm-audit';
/** npm's advisory severity words, shared by yarn and pnpm audit (the same advisory database). */
export const NPM_ADVISORY_SEVERITY: SeverityWords = { critical: 'critical', high: 'high', moderate: 'medium', low: 'low', info: 'info' };
const NPM_INSTALL_HINT = 'npm comes with Node.js: https://nodejs.org/en/download (npm audit needs a package-lock.json)';

const CvssSchema = z.looseObject({ score: z.number().optional(), vectorString: z.string().nullish() });

const ViaAdvisorySchema = z.looseObject({
  source: z.number().int(),
  name: z.string(),
  dependency: z.string().optional(),
  title: z.string().default(''),
  url: z.string().default(''),
  severity: z.string(),
  range: z.string().default(''),
  cwe: z.array(z.string()).optional(),
  cvss: CvssSchema.optional(),
});

const FixAvailableSchema = z.union([
  z.boolean(),
  z.looseObject({ name: z.string(), version: z.string(), isSemVerMajor: z.boolean().optional() }),
]);

const V2VulnerabilitySchema = z.looseObject({
  name: z.string(),
  severity: z.string(),
  isDirect: z.boolean().optional(),
  via: z.array(z.union([z.string(), ViaAdvisorySchema])),
  effects: z.array(z.string()).default([]),
  range: z.string().default(''),
  nodes: z.array(z.string()).default([]),
  fixAvailable: FixAvailableSchema.default(false),
});

const V2ReportSchema = z.looseObject({
  auditReportVersion: z.literal(2),
  vulnerabilities: z.record(z.string(), V2VulnerabilitySchema),
});

/** One advisory of the npm 6 shape (npm 6, pnpm audit, yarn berry, each yarn 1 `auditAdvisory` line). */
export const NpmAdvisorySchema = z.looseObject({
  id: z.number().int(),
  module_name: z.string(),
  severity: z.string(),
  title: z.string().default(''),
  url: z.string().default(''),
  github_advisory_id: z.string().nullish(),
  cves: z.array(z.string()).nullish(),
  vulnerable_versions: z.string().nullish(),
  patched_versions: z.string().nullish(),
  recommendation: z.string().nullish(),
  // npm 6 writes a JSON-encoded list ("[\"CWE-200\"]"), pnpm and yarn a real list.
  cwe: z.union([z.string(), z.array(z.string())]).nullish(),
  cvss: CvssSchema.nullish(),
  references: z.string().nullish(),
  findings: z.array(z.looseObject({ version: z.string(), paths: z.array(z.string()).default([]) })).default([]),
});
export type NpmAdvisory = z.infer<typeof NpmAdvisorySchema>;

const V1ReportSchema = z.looseObject({ advisories: z.record(z.string(), NpmAdvisorySchema) });

/** Pure: `npm audit --json` output (v2 or npm 6) -> findings, one per package and advisory. */
export function parseNpmAuditReport(text: string, ctx: ParseContext = {}): ParseResult {
  const data = parseJsonOutput(TOOL, text);
  throwIfErrorReport(TOOL, data);
  if (isRecord(data) && 'auditReportVersion' in data) {
    if (data.auditReportVersion !== 2) throw unknownShape(TOOL, data, `auditReportVersion 2 (got ${JSON.stringify(data.auditReportVersion)})`);
    const report = checkShape(TOOL, V2ReportSchema, data, 'npm audit report (v2)');
    return { findings: v2Findings(report, ctx), toolErrors: [] };
  }
  if (isRecord(data) && isRecord(data.advisories)) {
    const report = checkShape(TOOL, V1ReportSchema, data, 'npm 6 audit report');
    return { findings: advisoryMapFindings(TOOL, Object.values(report.advisories), lockfilePath('package-lock.json', ctx)), toolErrors: [] };
  }
  throw unknownShape(TOOL, data, 'an npm audit report (auditReportVersion 2, or the npm 6 "advisories" map)');
}

/** npm, pnpm and yarn print `{"error": {"code", "summary", "detail"}}` when the audit itself failed. */
export function throwIfErrorReport(tool: string, data: unknown): void {
  if (!isRecord(data) || !isRecord(data.error)) return;
  const { code, summary, detail, message } = data.error;
  // npm 10 leaves summary/detail empty on an HTTP error and puts the reason in `message`/`statusCode`.
  const parts = [code, summary, detail, message, data.message].filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  const status = typeof data.statusCode === 'number' ? ` (HTTP ${data.statusCode})` : '';
  const reason = parts.length > 0 ? parts.join(': ') : JSON.stringify(data.error);
  // An HTTP refusal of the audit endpoint (405 on registries and mirrors that do not serve it,
  // 401/403/404) is said as such, with the request it refused; not as output that is "not valid".
  if (typeof data.statusCode === 'number' && data.statusCode >= 400) {
    const uri = typeof data.uri === 'string' ? data.uri : '';
    const method = typeof data.method === 'string' ? `${data.method} ` : '';
    throw new ToolFailureReportError(tool, `the registry refused the audit endpoint${status}${uri ? `: ${method}${uri}` : `: ${reason}`}`);
  }
  throw new ScannerOutputError(tool, `the audit itself failed${status}: ${reason}`);
}

export function lockfilePath(name: string, ctx: ParseContext): string {
  return toRepoPath(name, ctx);
}

function v2Findings(report: z.infer<typeof V2ReportSchema>, ctx: ParseContext): ParsedFinding[] {
  const findings: ParsedFinding[] = [];
  const path = lockfilePath('package-lock.json', ctx);
  for (const [name, vuln] of Object.entries(report.vulnerabilities)) {
    // `via` strings are the dependencies through which this package is affected; their advisories are
    // reported on those packages, so only advisory objects make findings here.
    for (const via of vuln.via) {
      if (typeof via === 'string') continue;
      findings.push(v2Finding(vuln.name || name, vuln, via, path));
    }
  }
  return findings;
}

function v2Finding(
  name: string,
  vuln: z.infer<typeof V2VulnerabilitySchema>,
  via: z.infer<typeof ViaAdvisorySchema>,
  path: string,
): ParsedFinding {
  const ruleId = ghsaFromUrl(via.url) ?? `npm-advisory-${via.source}`;
  const fix = vuln.fixAvailable;
  const fixedVersions = typeof fix === 'object' && fix.name === name ? [fix.version] : [];
  const fixHint =
    typeof fix === 'object'
      ? `upgrade ${fix.name} to ${fix.version}${fix.isSemVerMajor ? ' (a semver-major upgrade)' : ''}`
      : fix
        ? 'run npm audit fix'
        : undefined;
  const cvss = cvssOf(via.cvss);
  const title = via.title.trim() || `${ruleId} in ${name}`;
  const nodes = vuln.nodes.length > 0 ? ` at ${vuln.nodes.join(', ')}` : '';
  return {
    tool: TOOL,
    category: 'dependency',
    ruleId,
    // npm audit v2 names no CVE: only the GHSA (rule id) and npm's own advisory number.
    ...(ruleId.startsWith('GHSA-') ? { aliases: [`npm-advisory-${via.source}`] } : {}),
    title,
    severity: mapSeverity(NPM_ADVISORY_SEVERITY, via.severity),
    toolSeverity: via.severity,
    // npm audit v2 names the vulnerable range, not the installed version.
    location: { path, package: { ecosystem: 'npm', name, version: '', fixedVersions } },
    ...(cvss ? { cvss } : {}),
    cwe: normalizeCweList(via.cwe ?? []),
    references: uniqueStrings([via.url]),
    fixAvailable: fix !== false,
    ...(fixHint ? { fix: fixHint } : {}),
    message: `${name} ${via.range || vuln.range} is affected by ${ruleId}: ${title}${nodes}${fixHint ? `; ${fixHint}` : '; no fix available'}`,
  };
}

function ghsaFromUrl(url: string): string | undefined {
  return /\b(GHSA(?:-[0-9a-z]{4}){3})\b/i.exec(url)?.[1];
}

function cvssOf(cvss: z.infer<typeof CvssSchema> | null | undefined): { score: number; vector?: string } | undefined {
  // npm writes `{score: 0, vectorString: null}` when the advisory has no CVSS.
  if (!cvss || typeof cvss.score !== 'number' || cvss.score <= 0 || cvss.score > 10) return undefined;
  return cvss.vectorString ? { score: cvss.score, vector: cvss.vectorString } : { score: cvss.score };
}

/** "[\"CWE-200\"]" (npm 6), ["CWE-77"] (pnpm, yarn) or "CWE-79" -> normalized ids. */
function advisoryCwes(cwe: NpmAdvisory['cwe']): string[] {
  if (typeof cwe === 'string' && cwe.trim().startsWith('[')) {
    try {
      return normalizeCweList(JSON.parse(cwe) as unknown);
    } catch {
      return normalizeCweList(cwe);
    }
  }
  return normalizeCweList(cwe ?? []);
}

/** ">=1.14.8" -> ["1.14.8"]; "<0.0.0" (npm's "no fix") -> []; anything else kept as written. */
function patchedVersions(patched: string | null | undefined): string[] {
  const text = (patched ?? '').trim();
  if (text === '' || text === '<0.0.0') return [];
  const atLeast = /^>=\s*v?([0-9][^\s|]*)$/.exec(text);
  return atLeast?.[1] ? [atLeast[1]] : [text];
}

/**
 * npm 6-style advisories -> one finding per advisory and installed version (the thing a user
 * upgrades), with every dependency path that leads to it in the message. Repeats of the same
 * advisory and version (yarn 1 prints one line per path) fold into one finding.
 */
export function advisoryMapFindings(tool: string, advisories: Iterable<NpmAdvisory>, lockfile: string): ParsedFinding[] {
  const byKey = new Map<string, { advisory: NpmAdvisory; version: string; paths: Set<string> }>();
  for (const advisory of advisories) {
    const versions = advisory.findings.length > 0 ? advisory.findings : [{ version: '', paths: [] }];
    for (const f of versions) {
      const key = `${advisory.id}\u0000${f.version}`;
      const entry = byKey.get(key) ?? { advisory, version: f.version, paths: new Set<string>() };
      for (const p of f.paths) entry.paths.add(p);
      byKey.set(key, entry);
    }
  }
  return [...byKey.values()].map(({ advisory, version, paths }) => advisoryFinding(tool, advisory, version, [...paths], lockfile));
}

function advisoryFinding(tool: string, a: NpmAdvisory, version: string, paths: string[], lockfile: string): ParsedFinding {
  const ruleId = a.github_advisory_id || ghsaFromUrl(a.url) || `npm-advisory-${a.id}`;
  const fixedVersions = patchedVersions(a.patched_versions);
  const fixAvailable = fixedVersions.length > 0;
  const fix = fixAvailable ? `upgrade ${a.module_name} to ${fixedVersions.join(' or ')}` : undefined;
  const cvss = cvssOf(a.cvss);
  const title = a.title.trim() || `${ruleId} in ${a.module_name}`;
  const via = paths.length > 0 ? ` via ${paths.join(', ')}` : '';
  return {
    tool,
    category: 'dependency',
    ruleId,
    ...advisoryAliases(ruleId, a),
    title,
    severity: mapSeverity(NPM_ADVISORY_SEVERITY, a.severity),
    toolSeverity: a.severity,
    location: { path: lockfile, package: { ecosystem: 'npm', name: a.module_name, version, fixedVersions } },
    ...(cvss ? { cvss } : {}),
    cwe: advisoryCwes(a.cwe),
    references: uniqueStrings([a.url, ...referenceLines(a.references)]),
    fixAvailable,
    ...(fix ? { fix } : {}),
    message: `${a.module_name} ${version}${via} is affected by ${ruleId}${
      a.cves && a.cves.length > 0 ? ` (${a.cves.join(', ')})` : ''
    }: ${title}${fix ? `; ${fix}` : '; no patched version'}`,
  };
}

/** npm's markdown list of references ("- https://...\n- https://...") -> URLs. */
function referenceLines(references: string | null | undefined): string[] {
  return (references ?? '')
    .split('\n')
    .map((l) => l.replace(/^\s*-\s*/, '').trim())
    .filter((l) => /^https?:\/\//.test(l));
}

function optionArgs(options: Record<string, unknown>): string[] {
  const args = options.args;
  return Array.isArray(args) ? args.filter((a): a is string => typeof a === 'string') : [];
}

export const npmAuditAdapter: ScannerAdapter = {
  id: 'npm-audit',
  tool: TOOL,
  category: 'dependency',
  about: {
    homepage: 'https://docs.npmjs.com/cli/commands/npm-audit',
    installHint: NPM_INSTALL_HINT,
    severityWords: NPM_ADVISORY_SEVERITY,
    fixtures: ['npm-audit/npm-v2-1-vuln-cwe-cvss.json', 'npm-audit/npm-v2-3-vulns-transitive.json'],
  },
  detect: () => detectTool(['npm', '--version'], NPM_INSTALL_HINT),
  // Without a lockfile here, npm would walk up to a parent folder's package.json and audit that.
  appliesTo: (target: ScanTarget) =>
    existsSync(join(target.dir, 'package-lock.json')) || existsSync(join(target.dir, 'npm-shrinkwrap.json')),
  command(target: ScanTarget): string[] {
    // The lockfile is enough: no node_modules needed.
    const omitDev = target.options['omit-dev'] === true ? ['--omit=dev'] : [];
    return ['npm', 'audit', '--json', '--package-lock-only', ...omitDev, ...optionArgs(target.options)];
  },
  // npm audit exits 1 when it finds vulnerabilities, and also when the audit fails: the parser tells
  // the two apart (an error report throws).
  okExitCodes: [0, 1],
  parse(output: ToolOutput, ctx: ParseContext): ParseResult {
    return parseNpmAuditReport(output.stdout, ctx);
  },
};

/** npm 6 / pnpm / yarn 1 advisories name their CVEs, GHSA and npm advisory number: all aliases. */
function advisoryAliases(ruleId: string, a: NpmAdvisory): { aliases?: string[] } {
  const aliases = canonicalAliases(ruleId, [...(a.cves ?? []), a.github_advisory_id ?? '', `npm-advisory-${a.id}`].filter(Boolean));
  return aliases.length > 0 ? { aliases } : {};
}
