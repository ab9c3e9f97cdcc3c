// pnpm audit --json: the npm 6 `advisories` map (read by npm-audit.ts's advisoryMapFindings), with
// pnpm's paths starting at the project (".>axios>follow-redirects"). pnpm exits 1 when it finds
// vulnerabilities; an `{"error": ...}` body is a scanner error.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ParseContext, ParseResult, ScanTarget, ScannerAdapter, ToolOutput } from './adapter.js';
import { detectTool } from './detect-tool.js';
import { advisoryMapFindings, lockfilePath, NPM_ADVISORY_SEVERITY, NpmAdvisorySchema, throwIfErrorReport } from './npm-audit.js';
import { checkShape, isRecord, parseJsonOutput, unknownShape } from './report-input.js';

const TOOL = 'pnpm-audit';
const PNPM_INSTALL_HINT = 'install pnpm: `corepack enable` (Node.js 16.10+) or https://pnpm.io/installation';

const ReportSchema = z.looseObject({ advisories: z.record(z.string(), NpmAdvisorySchema) });

/** Pure: `pnpm audit --json` output -> one finding per advisory and installed version. */
export function parsePnpmAuditReport(text: string, ctx: ParseContext = {}): ParseResult {
  const data = parseJsonOutput(TOOL, text);
  throwIfErrorReport(TOOL, data);
  if (!isRecord(data) || !isRecord(data.advisories)) {
    throw unknownShape(TOOL, data, 'a pnpm audit report (an object with "advisories")');
  }
  const report = checkShape(TOOL, ReportSchema, data, 'pnpm audit report');
  const advisories = Object.values(report.advisories).map((a) => ({
    ...a,
    // ".>axios>follow-redirects" -> "axios>follow-redirects", the way npm and yarn write paths.
    findings: a.findings.map((f) => ({ ...f, paths: f.paths.map((p) => p.replace(/^\.>/, '')) })),
  }));
  return { findings: advisoryMapFindings(TOOL, advisories, lockfilePath('pnpm-lock.yaml', ctx)), toolErrors: [] };
}

export const pnpmAuditAdapter: ScannerAdapter = {
  id: 'pnpm-audit',
  tool: TOOL,
  category: 'dependency',
  about: {
    homepage: 'https://pnpm.io/cli/audit',
    installHint: PNPM_INSTALL_HINT,
    severityWords: NPM_ADVISORY_SEVERITY,
    fixtures: ['pnpm/pnpm-audit-json-5-advisories.json'],
  },
  detect: () => detectTool(['pnpm', '--version'], PNPM_INSTALL_HINT),
  // Without a pnpm-lock.yaml here, pnpm would walk up to a parent folder's project and audit that.
  appliesTo: (target: ScanTarget) => existsSync(path.join(target.dir, 'pnpm-lock.yaml')),
  command(target: ScanTarget): string[] {
    const prodOnly = target.options['omit-dev'] === true ? ['--prod'] : [];
    return ['pnpm', 'audit', '--json', ...prodOnly];
  },
  okExitCodes: [0, 1],
  parse(output: ToolOutput, ctx: ParseContext): ParseResult {
    return parsePnpmAuditReport(output.stdout, ctx);
  },
};
