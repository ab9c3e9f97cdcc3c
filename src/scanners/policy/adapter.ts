// One engine adapter per embedded policy check (gatehouse-ci, gatehouse-deploy): it runs the policy
// CLI (or the bundled dist/policy-scanner.js) as a child process and validates the JSON it prints.
import { existsSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ScannerError, ScannerOutputError, UnsupportedFormatError } from '../../errors.js';
import { type Category, type ParsedFinding, SeveritySchema } from '../../findings/finding.js';
import { sourceEntryArgv } from '../source-entry.js';
import type { ParseContext, ParseResult, ScannerAdapter, ScanTarget, ToolOutput } from '../adapter.js';

/** The bundled CLI, built next to the action bundle (dist/). */
export const BUNDLED_POLICY_SCANNER = 'policy-scanner.js';

const PolicyReportSchema = z.object({
  formatVersion: z.literal(1),
  scanner: z.string(),
  toolVersion: z.string(),
  filesChecked: z.number().int().nonnegative(),
  findings: z.array(
    z.object({
      ruleId: z.string().min(1),
      title: z.string(),
      severity: SeveritySchema,
      path: z.string().min(1),
      line: z.number().int().positive(),
      message: z.string(),
      fix: z.string(),
      cwe: z.array(z.string()),
      references: z.array(z.string()),
      matchHash: z.string().regex(/^[0-9a-f]{64}$/),
      ignored: z.object({ reason: z.string() }).optional(),
    }),
  ),
  notes: z.array(z.object({ path: z.string(), reason: z.string(), skipped: z.boolean().optional() })),
});

function moduleDir(): string {
  const url = (import.meta as { url?: string }).url;
  return typeof url === 'string' && url.startsWith('file:') ? dirname(fileURLToPath(url)) : __dirname;
}

/** argv prefix that starts the policy CLI: the bundle beside the running code, else cli.ts via tsx. */
export function policyEntryArgv(scannerId: string): string[] {
  const here = moduleDir();
  const bundled = join(here, BUNDLED_POLICY_SCANNER);
  if (existsSync(bundled)) return [process.execPath, bundled];
  const source = join(here, 'cli.ts');
  if (existsSync(source)) {
    return sourceEntryArgv(here, source);
  }
  throw new ScannerError(scannerId, `scanner entry not found (looked for ${bundled} and ${source})`, 'missing');
}

/** Pure: the policy CLI's JSON -> findings (ignored ones marked inline-suppressed), notes as tool problems. */
export function parsePolicyReport(scannerId: string, category: Category, text: string, context: ParseContext): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ScannerOutputError(scannerId, `stdout is not JSON (${text.length} characters)`);
  }
  if (typeof json === 'object' && json !== null && 'formatVersion' in json && (json as { formatVersion: unknown }).formatVersion !== 1) {
    throw new UnsupportedFormatError(scannerId, `formatVersion ${String((json as { formatVersion: unknown }).formatVersion)}`);
  }
  const parsed = PolicyReportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ScannerOutputError(scannerId, `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const report = parsed.data;
  if (report.scanner !== scannerId) throw new ScannerOutputError(scannerId, `report of "${report.scanner}", expected "${scannerId}"`);
  const base = context.serviceDir ?? '';
  const at = (p: string) => (base ? posix.join(base, p) : p);
  const findings: ParsedFinding[] = report.findings.map((f) => ({
    tool: scannerId,
    category,
    ruleId: f.ruleId,
    title: f.title,
    severity: f.severity,
    toolSeverity: f.severity,
    location: { path: at(f.path), startLine: f.line },
    cwe: f.cwe,
    references: f.references,
    fixAvailable: true,
    fix: f.fix,
    message: f.ignored ? `${f.message} (ignored inline: ${f.ignored.reason})` : f.message,
    matchHash: f.matchHash,
    ...(f.ignored ? { inlineSuppressed: true } : {}),
  }));
  const skippedFiles = report.notes.filter((n) => n.skipped).map((n) => ({ path: at(n.path), reason: n.reason }));
  return {
    findings,
    toolErrors: report.notes.map((n) => `${at(n.path)}: ${n.reason}`),
    toolVersion: report.toolVersion,
    ...(skippedFiles.length > 0 ? { skippedFiles } : {}),
  };
}

export interface PolicyAdapterSpec {
  id: string;
  category: Category;
  /** `--check` value of the policy CLI. */
  check: string;
  version: string;
  docsPage: string;
  appliesTo?(target: ScanTarget): boolean;
}

export function createPolicyAdapter(spec: PolicyAdapterSpec): ScannerAdapter {
  return {
    id: spec.id,
    tool: spec.id,
    category: spec.category,
    about: {
      homepage: spec.docsPage,
      installHint: 'built into Gatehouse',
      severityWords: { critical: 'critical', high: 'high', medium: 'medium', low: 'low', info: 'info' },
      fixtures: [],
      embedded: true,
    },
    async detect() {
      try {
        policyEntryArgv(spec.id);
        return { installed: true, version: spec.version, installHint: 'built into Gatehouse' };
      } catch {
        return { installed: false, installHint: `built into Gatehouse: reinstall it (dist/${BUNDLED_POLICY_SCANNER} or src/scanners/policy/cli.ts is missing)` };
      }
    },
    ...(spec.appliesTo ? { appliesTo: spec.appliesTo } : {}),
    // One process walks every service (one walk, whole-set rules per service), not one per service.
    scansRepositoryOnce: true,
    command(target: ScanTarget) {
      return [
        ...policyEntryArgv(spec.id),
        'scan',
        target.dir,
        '--check',
        spec.check,
        ...(target.excludePaths ?? []).flatMap((p) => ['--exclude', p]),
        ...(target.servicePaths ?? []).flatMap((p) => ['--group', p]),
      ];
    },
    okExitCodes: [0],
    parse(output: ToolOutput, context: ParseContext) {
      return parsePolicyReport(spec.id, spec.category, output.stdout, context);
    },
  };
}
