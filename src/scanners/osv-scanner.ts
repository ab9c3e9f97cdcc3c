// osv-scanner --format json. One finding per package and *group* (osv-scanner folds aliases such as
// GHSA-x / PYSEC-y / CVE-z of one problem into a group). Severity of a group: its `max_severity`
// when present (newer osv-scanner), else the highest of its records, each scored from its CVSS
// vectors (`severity[].score`, scored with ae-cvss-calculator), else `database_specific.severity`
// (GHSA words), else unknown.
import { z } from 'zod';
import type { ParsedFinding, Severity } from '../findings/finding.js';
import { mapSeverity, SEVERITY_RANK, severityFromScore, type SeverityWords } from '../findings/severity.js';
import type { ParseContext, ParseResult, ScanTarget, ScannerAdapter, ToolOutput } from './adapter.js';
import { canonicalAliases } from '../enrich/ids.js';
import { scoreCvssVector } from './cvss-score.js';
import { detectTool } from './detect-tool.js';
import { checkShape, isRecord, normalizeCweList, parseJsonOutput, toRepoPath, uniqueStrings, unknownShape } from './report-input.js';

const TOOL = 'osv-scanner';
const OSV_SEVERITY: SeverityWords = { critical: 'critical', high: 'high', moderate: 'medium', medium: 'medium', low: 'low' };
const OSV_INSTALL_HINT =
  'install osv-scanner: https://google.github.io/osv-scanner/installation/ (a release binary, or `go install github.com/google/osv-scanner/v2/cmd/osv-scanner@latest`)';

const OsvRecordSchema = z.looseObject({
  id: z.string().min(1),
  aliases: z.array(z.string()).nullish(),
  summary: z.string().optional(),
  details: z.string().optional(),
  severity: z.array(z.looseObject({ type: z.string(), score: z.string() })).nullish(),
  affected: z
    .array(
      z.looseObject({
        package: z.looseObject({ ecosystem: z.string().optional(), name: z.string().optional() }).optional(),
        ranges: z
          .array(z.looseObject({ type: z.string().optional(), events: z.array(z.record(z.string(), z.string())).default([]) }))
          .nullish(),
      }),
    )
    .nullish(),
  references: z.array(z.looseObject({ url: z.string() })).nullish(),
  database_specific: z.record(z.string(), z.unknown()).nullish(),
});
type OsvRecord = z.infer<typeof OsvRecordSchema>;

const PackageEntrySchema = z.looseObject({
  package: z.looseObject({
    name: z.string().default(''),
    version: z.string().default(''),
    ecosystem: z.string().default(''),
    commit: z.string().optional(),
  }),
  vulnerabilities: z.array(OsvRecordSchema).nullish(),
  groups: z
    .array(z.looseObject({ ids: z.array(z.string()).min(1), aliases: z.array(z.string()).nullish(), max_severity: z.string().optional() }))
    .nullish(),
});
type PackageEntry = z.infer<typeof PackageEntrySchema>;

const ReportSchema = z.looseObject({
  results: z.array(
    z.looseObject({
      source: z.looseObject({ path: z.string(), type: z.string().optional() }),
      packages: z.array(PackageEntrySchema).nullish(),
    }),
  ),
});

/** Pure: osv-scanner JSON -> one finding per package and alias group. */
export function parseOsvScannerReport(text: string, ctx: ParseContext = {}): ParseResult {
  const data = parseJsonOutput(TOOL, text);
  if (!isRecord(data) || !Array.isArray(data.results)) {
    throw unknownShape(TOOL, data, 'an osv-scanner JSON report (an object with "results")');
  }
  const report = checkShape(TOOL, ReportSchema, data, 'osv-scanner report');
  const findings: ParsedFinding[] = [];
  for (const result of report.results) {
    const path = toRepoPath(result.source.path, ctx);
    for (const entry of result.packages ?? []) {
      for (const group of groupsOf(entry)) findings.push(groupFinding(entry, group, path, result.source.type));
    }
  }
  return { findings, toolErrors: [] };
}

interface Group {
  records: OsvRecord[];
  ids: string[];
  aliases: string[];
  maxSeverity?: string;
}

/** The report's groups, or (older output without groups) one group per record. */
function groupsOf(entry: PackageEntry): Group[] {
  const records = entry.vulnerabilities ?? [];
  const byId = new Map(records.map((r) => [r.id, r]));
  if (!entry.groups || entry.groups.length === 0) {
    return records.map((r) => ({ records: [r], ids: [r.id], aliases: uniqueStrings([r.id, ...(r.aliases ?? [])]) }));
  }
  const grouped = new Set<string>();
  const groups: Group[] = entry.groups.map((g) => {
    g.ids.forEach((id) => grouped.add(id));
    return {
      records: g.ids.map((id) => byId.get(id)).filter((r): r is OsvRecord => r !== undefined),
      ids: g.ids,
      // Older output lists no group aliases: the records' own aliases fill them in.
      aliases: uniqueStrings([
        ...g.ids,
        ...(g.aliases ?? []),
        ...g.ids.flatMap((id) => byId.get(id)?.aliases ?? []),
      ]),
      ...(g.max_severity !== undefined ? { maxSeverity: g.max_severity } : {}),
    };
  });
  // A record no group names still counts (never lose a vulnerability).
  for (const r of records) if (!grouped.has(r.id)) groups.push({ records: [r], ids: [r.id], aliases: uniqueStrings([r.id, ...(r.aliases ?? [])]) });
  return groups;
}

/** CVE first (what most tools and people use), then GHSA, then the group's first id. */
function canonicalId(group: Group): string {
  const all = [...group.ids, ...group.aliases];
  return all.find((id) => id.startsWith('CVE-')) ?? all.find((id) => id.startsWith('GHSA-')) ?? group.ids[0]!;
}

interface ScoredSeverity {
  severity: Severity;
  toolSeverity?: string;
  cvss?: { score: number; vector?: string };
}

function recordSeverity(record: OsvRecord): ScoredSeverity {
  let best: { score: number; vector: string } | undefined;
  for (const s of record.severity ?? []) {
    const score = scoreCvssVector(s.score);
    if (score !== undefined && (!best || score > best.score)) best = { score, vector: s.score };
  }
  if (best) return { severity: severityFromScore(best.score), toolSeverity: `CVSS ${best.score}`, cvss: best };
  const word = record.database_specific?.severity;
  if (typeof word === 'string' && word.trim() !== '') return { severity: mapSeverity(OSV_SEVERITY, word), toolSeverity: word };
  return { severity: 'unknown' };
}

function groupSeverity(group: Group): ScoredSeverity {
  const scored = group.records.map(recordSeverity);
  const withCvss = scored.filter((s) => s.cvss).sort((a, b) => b.cvss!.score - a.cvss!.score)[0];
  const max = group.maxSeverity?.trim();
  if (max) {
    const score = Number(max);
    if (Number.isFinite(score) && score >= 0 && score <= 10) {
      return { severity: severityFromScore(score), toolSeverity: `max_severity ${max}`, ...(withCvss?.cvss ? { cvss: withCvss.cvss } : {}) };
    }
  }
  // The worst of the records; `unknown` only when none of them says anything.
  const known = scored.filter((s) => s.severity !== 'unknown');
  if (known.length === 0) return { severity: 'unknown' };
  const worst = known.reduce((a, b) => (SEVERITY_RANK[b.severity] > SEVERITY_RANK[a.severity] ? b : a));
  return { ...worst, ...(withCvss?.cvss && !worst.cvss ? { cvss: withCvss.cvss } : {}) };
}

/** Versions that fix it, from the `fixed` events of the ranges that concern this package. */
function fixedVersionsOf(records: OsvRecord[], name: string, ecosystem: string): string[] {
  const fixed: string[] = [];
  for (const record of records) {
    for (const affected of record.affected ?? []) {
      const pkg = affected.package;
      if (pkg && (pkg.name !== name || (pkg.ecosystem ?? '').toLowerCase() !== ecosystem.toLowerCase())) continue;
      for (const range of affected.ranges ?? []) {
        if (range.type === 'GIT') continue;
        for (const event of range.events) if (event.fixed) fixed.push(event.fixed);
      }
    }
  }
  return uniqueStrings(fixed).sort(compareVersions);
}

/** Loose version order (numeric runs compared as numbers), good enough to pick the nearest fix. */
export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split(/[.\-+_]/);
  const pb = b.replace(/^v/, '').split(/[.\-+_]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '0';
    const y = pb[i] ?? '0';
    const nx = Number(x);
    const ny = Number(y);
    const diff = Number.isFinite(nx) && Number.isFinite(ny) ? nx - ny : x.localeCompare(y);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** The first sentence of an advisory's details, short enough for a title. */
function firstSentence(details: string): string {
  const line = details.split('\n', 1)[0]?.trim() ?? '';
  const sentence = /^(.{20,}?[.!?])(\s|$)/.exec(line)?.[1] ?? line;
  return sentence.length > 120 ? `${sentence.slice(0, 117)}...` : sentence;
}

function groupFinding(entry: PackageEntry, group: Group, path: string, sourceType: string | undefined): ParsedFinding {
  const pkg = entry.package;
  const isGit = sourceType === 'git' || (!pkg.name && Boolean(pkg.commit));
  // A git source has no package: name it by the repository path and pin it by commit.
  const name = pkg.name || path.replace(/\/+$/, '').split('/').pop() || 'git-repository';
  const ecosystem = isGit ? 'git' : pkg.ecosystem.toLowerCase() || 'unknown';
  const version = pkg.version || pkg.commit || '';
  const ruleId = canonicalId(group);
  const { severity, toolSeverity, cvss } = groupSeverity(group);
  const fixedVersions = isGit ? [] : fixedVersionsOf(group.records, pkg.name, pkg.ecosystem);
  const nextFix = fixedVersions.find((f) => compareVersions(f, version) > 0) ?? fixedVersions[fixedVersions.length - 1];
  const fix = nextFix ? `upgrade ${name} to ${nextFix}` : undefined;
  const lead = group.records.find((r) => r.summary) ?? group.records[0];
  const title = lead?.summary?.trim() || firstSentence(lead?.details ?? '') || ruleId;
  const others = group.aliases.filter((a) => a !== ruleId);
  const cwe = normalizeCweList(group.records.flatMap((r) => (Array.isArray(r.database_specific?.cwe_ids) ? r.database_specific.cwe_ids : [])));
  return {
    tool: TOOL,
    category: 'dependency',
    ruleId,
    ...(others.length > 0 ? { aliases: canonicalAliases(ruleId, others) } : {}),
    title,
    severity,
    ...(toolSeverity ? { toolSeverity } : {}),
    location: { path, package: { ecosystem, name, version, fixedVersions } },
    ...(cvss ? { cvss } : {}),
    cwe,
    references: uniqueStrings(group.records.flatMap((r) => (r.references ?? []).map((ref) => ref.url))),
    fixAvailable: fixedVersions.length > 0,
    ...(fix ? { fix } : {}),
    message: `${name} ${isGit ? `at commit ${version.slice(0, 12)}` : version} is affected by ${ruleId}${
      others.length > 0 ? ` (also ${others.join(', ')})` : ''
    }: ${title}${fix ? `; ${fix}` : '; no fixed version known'}`,
  };
}

export const osvScannerAdapter: ScannerAdapter = {
  id: 'osv-scanner',
  tool: TOOL,
  category: 'dependency',
  about: {
    homepage: 'https://github.com/google/osv-scanner',
    installHint: OSV_INSTALL_HINT,
    severityWords: OSV_SEVERITY,
    fixtures: ['osv-scanner/osv-json-go-and-cargo-4-vulns.json', 'osv-scanner/osv-json-6-sources-66-vulns.json'],
  },
  detect: () => detectTool(['osv-scanner', '--version'], OSV_INSTALL_HINT),
  command(_target: ScanTarget): string[] {
    return ['osv-scanner', '--format', 'json', '--recursive', '.'];
  },
  // 0: nothing found; 1: vulnerabilities found. 127/128 (general error, no packages found) are errors.
  okExitCodes: [0, 1],
  parse(output: ToolOutput, ctx: ParseContext): ParseResult {
    return parseOsvScannerReport(output.stdout, ctx);
  },
};
