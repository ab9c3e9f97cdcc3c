// yarn audit: yarn 1 `yarn audit --json` (NDJSON: one `auditAdvisory` line per advisory *and*
// dependency path, then an `auditSummary`), yarn 2/3 `yarn npm audit --json` (one npm 6-style
// `advisories` object), and yarn 4 `yarn npm audit --json` (NDJSON, one `{value, children}` line per
// package). Repeated yarn 1 lines of one advisory fold into one finding per advisory and installed
// version, listing every path.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ScannerOutputError } from '../errors.js';
import type { ParsedFinding } from '../findings/finding.js';
import { mapSeverity } from '../findings/severity.js';
import type { ParseContext, ParseResult, ScanTarget, ScannerAdapter, ToolOutput } from './adapter.js';
import { detectTool } from './detect-tool.js';
import { advisoryMapFindings, lockfilePath, NPM_ADVISORY_SEVERITY, NpmAdvisorySchema, throwIfErrorReport, type NpmAdvisory } from './npm-audit.js';
import { checkShape, isRecord, parseJsonOutput, uniqueStrings, unknownShape } from './report-input.js';

const TOOL = 'yarn-audit';
const YARN_INSTALL_HINT = 'install yarn: `corepack enable` (Node.js 16.10+) or https://yarnpkg.com/getting-started/install';

const Yarn1AdvisoryLineSchema = z.looseObject({
  type: z.literal('auditAdvisory'),
  data: z.looseObject({
    resolution: z.looseObject({ id: z.number().int(), path: z.string().default('') }).optional(),
    advisory: NpmAdvisorySchema,
  }),
});

const Yarn4LineSchema = z.looseObject({
  value: z.string().min(1),
  children: z.looseObject({
    ID: z.union([z.number(), z.string()]),
    Issue: z.string().default(''),
    URL: z.string().default(''),
    Severity: z.string(),
    'Vulnerable Versions': z.string().default(''),
    'Tree Versions': z.array(z.string()).default([]),
    Dependents: z.array(z.string()).default([]),
  }),
});

/** Pure: yarn 1 NDJSON, yarn 2/3 JSON or yarn 4 NDJSON audit output -> findings. */
export function parseYarnAuditReport(text: string, ctx: ParseContext = {}): ParseResult {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new ScannerOutputError(TOOL, 'empty output (expected yarn audit JSON)');
  const lockfile = lockfilePath('yarn.lock', ctx);
  // One JSON document (yarn 2/3) or one line of NDJSON: decide on the first line's shape.
  const first = parseLine(lines[0]!, 1, lines.length === 1);
  if (lines.length === 1 && isRecord(first) && isRecord(first.advisories)) {
    throwIfErrorReport(TOOL, first);
    const report = checkShape(TOOL, z.looseObject({ advisories: z.record(z.string(), NpmAdvisorySchema) }), first, 'yarn npm audit report');
    return { findings: advisoryMapFindings(TOOL, Object.values(report.advisories), lockfile), toolErrors: [] };
  }
  const objects = lines.map((line, i) => (i === 0 ? first : parseLine(line, i + 1, false)));
  if (objects.every((o) => isRecord(o) && typeof o.type === 'string')) return yarn1(objects as Record<string, unknown>[], lockfile);
  if (objects.every((o) => isRecord(o) && 'value' in o && 'children' in o)) return yarn4(objects, lockfile);
  throwIfErrorReport(TOOL, first);
  throw unknownShape(TOOL, first, 'yarn 1 NDJSON (auditAdvisory/auditSummary lines), yarn 2/3 {"advisories": ...} or yarn 4 NDJSON');
}

function parseLine(line: string, number: number, whole: boolean): unknown {
  if (whole) return parseJsonOutput(TOOL, line);
  try {
    return JSON.parse(line) as unknown;
  } catch {
    throw new ScannerOutputError(TOOL, `line ${number} is not JSON: ${JSON.stringify(line.slice(0, 60))}`);
  }
}

function yarn1(objects: Record<string, unknown>[], lockfile: string): ParseResult {
  const errors = objects.filter((o) => o.type === 'error');
  if (errors.length > 0) {
    throw new ScannerOutputError(TOOL, `yarn reported an error: ${errors.map((e) => String(e.data)).join('; ')}`);
  }
  const advisoryLines = objects.filter((o) => o.type === 'auditAdvisory');
  // Without the closing summary the output was cut short: some advisories may be missing.
  if (!objects.some((o) => o.type === 'auditSummary')) {
    throw new ScannerOutputError(TOOL, `no auditSummary line after ${advisoryLines.length} advisories: the output is incomplete`);
  }
  const advisories: NpmAdvisory[] = advisoryLines.map((o, i) => {
    const line = checkShape(TOOL, Yarn1AdvisoryLineSchema, o, `yarn auditAdvisory line ${i + 1}`);
    const { advisory, resolution } = line.data;
    // The resolution path is the one this line reports; make sure it is among the listed paths.
    if (resolution?.path) {
      const version = advisory.findings[0]?.version ?? '';
      const entry = advisory.findings.find((f) => f.paths.includes(resolution.path)) ?? advisory.findings[0];
      if (entry) entry.paths = uniqueStrings([...entry.paths, resolution.path]);
      else advisory.findings.push({ version, paths: [resolution.path] });
    }
    return advisory;
  });
  const warnings = objects.filter((o) => o.type === 'warning').map((o) => `warning: ${String(o.data)}`);
  return { findings: advisoryMapFindings(TOOL, advisories, lockfile), toolErrors: warnings };
}

function yarn4(objects: unknown[], lockfile: string): ParseResult {
  const findings: ParsedFinding[] = [];
  for (const object of objects) {
    const line = checkShape(TOOL, Yarn4LineSchema, object, 'yarn 4 audit line');
    const c = line.children;
    const ruleId = /\b(GHSA(?:-[0-9a-z]{4}){3})\b/i.exec(c.URL)?.[1] ?? `npm-advisory-${c.ID}`;
    const versions = c['Tree Versions'].length > 0 ? c['Tree Versions'] : [''];
    for (const version of versions) {
      findings.push({
        tool: TOOL,
        category: 'dependency',
        ruleId,
        title: c.Issue || `${ruleId} in ${line.value}`,
        severity: mapSeverity(NPM_ADVISORY_SEVERITY, c.Severity),
        toolSeverity: c.Severity,
        location: { path: lockfile, package: { ecosystem: 'npm', name: line.value, version, fixedVersions: [] } },
        cwe: [],
        references: uniqueStrings([c.URL]),
        fixAvailable: false,
        message: `${line.value} ${version} (vulnerable: ${c['Vulnerable Versions'] || 'unknown range'}) is affected by ${ruleId}: ${c.Issue}${
          c.Dependents.length > 0 ? `; required by ${c.Dependents.join(', ')}` : ''
        }`,
      });
    }
  }
  return { findings, toolErrors: [] };
}

/** yarn 2+ projects carry a .yarnrc.yml (in the service folder or at the repository root). */
function isBerryProject(target: ScanTarget): boolean {
  if (target.options.berry === true) return true;
  if (target.options.berry === false) return false;
  return existsSync(path.join(target.dir, '.yarnrc.yml')) || existsSync(path.join(target.repoRoot, '.yarnrc.yml'));
}

export const yarnAuditAdapter: ScannerAdapter = {
  id: 'yarn-audit',
  tool: TOOL,
  category: 'dependency',
  about: {
    homepage: 'https://yarnpkg.com/cli/npm/audit',
    installHint: YARN_INSTALL_HINT,
    severityWords: NPM_ADVISORY_SEVERITY,
    fixtures: ['yarn/yarn1-audit-json-14-advisories.jsonl', 'yarn/yarn-berry-npm-audit-workspace.json'],
  },
  detect: () => detectTool(['yarn', '--version'], YARN_INSTALL_HINT),
  // Without a yarn.lock here, yarn would walk up to a parent folder's project and audit that.
  appliesTo: (target: ScanTarget) => existsSync(path.join(target.dir, 'yarn.lock')),
  command(target: ScanTarget): string[] {
    return isBerryProject(target) ? ['yarn', 'npm', 'audit', '--json', '--recursive'] : ['yarn', 'audit', '--json'];
  },
  // yarn 1 exits with a bit mask of the severities found (1 info, 2 low, 4 moderate, 8 high, 16
  // critical); yarn 2+ exits 1 when it finds something.
  okExitCodes: Array.from({ length: 32 }, (_, i) => i),
  parse(output: ToolOutput, ctx: ParseContext): ParseResult {
    return parseYarnAuditReport(output.stdout, ctx);
  },
};
