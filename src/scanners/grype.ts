// grype -o json. Severities are title case ("High"); a match whose vulnerability has no severity key
// (seen in real output) is unknown, never dropped. Category: container (grype is run on images).
import path from 'node:path';
import { z } from 'zod';
import type { ParsedFinding } from '../findings/finding.js';
import { mapSeverity, type SeverityWords } from '../findings/severity.js';
import type { ParseContext, ParseResult, ScanTarget, ScannerAdapter, ToolOutput } from './adapter.js';
import { canonicalAliases } from '../enrich/ids.js';
import { detectTool } from './detect-tool.js';
import { checkShape, isRecord, parseJsonOutput, uniqueStrings, unknownShape, upgradeHint } from './report-input.js';

const TOOL = 'grype';
const GRYPE_SEVERITY: SeverityWords = { critical: 'critical', high: 'high', medium: 'medium', low: 'low', negligible: 'info', unknown: 'unknown' };
const GRYPE_INSTALL_HINT = 'install grype: https://github.com/anchore/grype#installation (a release binary)';

const CvssSchema = z.looseObject({
  vector: z.string().optional(),
  version: z.string().optional(),
  type: z.string().optional(),
  metrics: z.looseObject({ baseScore: z.number().optional() }).optional(),
});

const VulnerabilitySchema = z.looseObject({
  id: z.string().min(1),
  severity: z.string().nullish(),
  description: z.string().nullish(),
  dataSource: z.string().optional(),
  urls: z.array(z.string()).nullish(),
  cvss: z.array(CvssSchema).nullish(),
  fix: z.looseObject({ state: z.string().optional(), versions: z.array(z.string()).nullish() }).optional(),
});

const MatchSchema = z.looseObject({
  vulnerability: VulnerabilitySchema,
  relatedVulnerabilities: z.array(VulnerabilitySchema.partial({ id: true })).nullish(),
  artifact: z.looseObject({
    name: z.string().min(1),
    version: z.string().default(''),
    type: z.string().default(''),
    purl: z.string().optional(),
    locations: z.array(z.looseObject({ path: z.string() })).nullish(),
  }),
});

const ReportSchema = z.looseObject({
  matches: z.array(MatchSchema),
  source: z.looseObject({ type: z.string().optional(), target: z.unknown() }).optional(),
  distro: z.looseObject({ name: z.string().optional() }).nullish(),
  descriptor: z.looseObject({ version: z.string().optional() }).optional(),
});

// grype artifact types of language packages -> ecosystem; OS packages take the distro name.
const LANGUAGE_ECOSYSTEMS: Record<string, string> = {
  'java-archive': 'maven',
  'jenkins-plugin': 'maven',
  npm: 'npm',
  python: 'pypi',
  'go-module': 'go',
  gem: 'gem',
  'rust-crate': 'cargo',
  'php-composer': 'packagist',
  dotnet: 'nuget',
  'dart-pub': 'pub',
  hex: 'hex',
  conan: 'conan',
};
const OS_PACKAGE_TYPES = new Set(['rpm', 'deb', 'apk', 'alpm', 'portage']);

/** Pure: grype JSON -> container findings, one per match. */
export function parseGrypeReport(text: string, ctx: ParseContext = {}): ParseResult {
  const data = parseJsonOutput(TOOL, text);
  if (!isRecord(data) || !Array.isArray(data.matches)) {
    throw unknownShape(TOOL, data, 'a grype JSON report (an object with "matches")');
  }
  const report = checkShape(TOOL, ReportSchema, data, 'grype report');
  const image = ctx.image ?? imageOf(report.source);
  const distro = report.distro?.name?.toLowerCase();
  const findings = report.matches.map((m) => matchFinding(m, image, distro));
  const version = report.descriptor?.version;
  return version ? { findings, toolErrors: [], toolVersion: version } : { findings, toolErrors: [] };
}

function imageOf(source: z.infer<typeof ReportSchema>['source']): string | undefined {
  const target = source?.target;
  if (typeof target === 'string') return target;
  if (isRecord(target) && typeof target.userInput === 'string') return target.userInput;
  return undefined;
}

function pickCvss(match: z.infer<typeof MatchSchema>): { score: number; vector?: string } | undefined {
  const candidates = [...(match.vulnerability.cvss ?? []), ...(match.relatedVulnerabilities ?? []).flatMap((r) => r.cvss ?? [])];
  const best = candidates
    .filter((c) => typeof c.metrics?.baseScore === 'number' && c.metrics.baseScore >= 0 && c.metrics.baseScore <= 10)
    .sort((a, b) => (b.version ?? '').localeCompare(a.version ?? ''))[0];
  if (!best) return undefined;
  const score = best.metrics!.baseScore!;
  return best.vector ? { score, vector: best.vector } : { score };
}

function matchFinding(match: z.infer<typeof MatchSchema>, image: string | undefined, distro: string | undefined): ParsedFinding {
  const v = match.vulnerability;
  const a = match.artifact;
  const ecosystem = OS_PACKAGE_TYPES.has(a.type) ? (distro ?? a.type) : (LANGUAGE_ECOSYSTEMS[a.type] ?? (a.type || 'unknown'));
  const fixedVersions = v.fix?.state === 'fixed' ? uniqueStrings(v.fix.versions ?? []) : [];
  const fix = fixedVersions.length > 0 ? upgradeHint(a.name, a.version, fixedVersions) : undefined;
  const cvss = pickCvss(match);
  const description = v.description ?? match.relatedVulnerabilities?.find((r) => r.description)?.description ?? '';
  const title = firstSentence(description) || `${v.id} in ${a.name}`;
  const where = a.locations?.[0]?.path;
  const state = v.fix?.state && v.fix.state !== 'fixed' ? `; fix state: ${v.fix.state}` : '';
  return {
    tool: TOOL,
    category: 'container',
    ruleId: v.id,
    ...aliasesOf(v.id, (match.relatedVulnerabilities ?? []).map((r) => r.id ?? '')),
    title,
    // No severity key at all is "unknown", not "negligible".
    severity: mapSeverity(GRYPE_SEVERITY, v.severity ?? 'unknown'),
    toolSeverity: v.severity ?? 'none given',
    location: {
      ...(image ? { image } : {}),
      package: { ecosystem, name: a.name, version: a.version, fixedVersions, ...(where ? { path: where } : {}) },
    },
    ...(cvss ? { cvss } : {}),
    cwe: [],
    references: uniqueStrings([v.dataSource, ...(v.urls ?? [])]),
    fixAvailable: fixedVersions.length > 0,
    ...(fix ? { fix } : {}),
    message: `${a.name} ${a.version}${where ? ` (${where})` : ''} is affected by ${v.id}: ${title}${fix ? `; ${fix}` : '; no fixed version'}${state}`,
  };
}

function firstSentence(text: string): string {
  const line = text.split('\n', 1)[0]?.trim() ?? '';
  const sentence = /^(.{20,}?[.!?])(\s|$)/.exec(line)?.[1] ?? line;
  return sentence.length > 120 ? `${sentence.slice(0, 117)}...` : sentence;
}

export const grypeAdapter: ScannerAdapter = {
  id: 'grype',
  tool: TOOL,
  category: 'container',
  about: {
    homepage: 'https://github.com/anchore/grype',
    installHint: GRYPE_INSTALL_HINT,
    severityWords: GRYPE_SEVERITY,
    fixtures: ['grype/grype-0.96.0-image-35-matches.json'],
  },
  detect: () => detectTool(['grype', '--version'], GRYPE_INSTALL_HINT),
  command(target: ScanTarget): string[] {
    // A `docker save` tarball is read through grype's docker-archive: scheme; anything else is a reference.
    const image = target.image;
    // A tarball path in .gatehouse.yml is relative to the repository root; the tool runs in the service folder.
    const source = image
      ? /\.(tar|tar\.gz|tgz)$/i.test(image)
        ? `docker-archive:${path.resolve(target.repoRoot, image)}`
        : image
      : 'dir:.';
    return ['grype', source, '-o', 'json', '--quiet'];
  },
  // grype exits 0 unless --fail-on is given (then 1 means "above the threshold").
  okExitCodes: [0, 1],
  parse(output: ToolOutput, ctx: ParseContext): ParseResult {
    return parseGrypeReport(output.stdout, ctx);
  },
};

/** grype's related vulnerabilities (the CVE behind a GHSA or a distribution advisory) as aliases. */
function aliasesOf(id: string, related: string[]): { aliases?: string[] } {
  const aliases = canonicalAliases(id, related.filter(Boolean));
  return aliases.length > 0 ? { aliases } : {};
}
