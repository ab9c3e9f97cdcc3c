// Executes a scan plan: every planned run in parallel under p-limit(concurrency), each one either a
// child process (runTool) or an imported report file, then the adapter's pure parse and
// normalization. Every way a scanner can fail (missing, crash, odd exit code, timeout, garbage,
// unknown format, unreadable import) becomes a ScannerRun with status "error" and a reason in words;
// the gate decides what that means. Never a silent pass, and never the tool's stdout or stderr in a
// message (stderr is described: its size and the known failures it reports, runner/stderr-hint.ts).
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { ScannerError, ScannerOutputError, UnsupportedFormatError } from '../errors.js';
import type { Finding, ParsedFinding } from '../findings/finding.js';
import { normalizeFindings } from '../findings/normalize.js';
import { scrubSecrets } from '../findings/redact.js';
import type { Logger } from '../logger.js';
import type { ScannerRun } from '../report/scan-report.js';
import type { ParseResult, ToolOutput } from '../scanners/adapter.js';
import { readReportFile, ReportTooLargeError } from '../scanners/report-input.js';
import { ROOT_SERVICE, serviceForPath, type Service } from '../services/discover.js';
import { isInsideRepo } from '../services/repo-path.js';
import type { PlannedImport, PlannedScan, PlannedToolRun } from './plan.js';
import { runTool } from './run-tool.js';
import { describeStderr } from './stderr-hint.js';

export type ScanProgress =
  | {
      type: 'plan';
      services: string[];
      /** Scanner runs as the report counts them (one per scanner and service). */
      runs: number;
      /** Distinct scanners the plan runs or imports (the closing line counts the same). */
      scanners: number;
    }
  | { type: 'scanner-start'; scanner: string; service: string; mode: 'run' | 'import' }
  | {
      type: 'scanner-end';
      scanner: string;
      /** The first service the run was for (`services[0]`). */
      service: string;
      /** Every service this one run reported on (a whole-repository run reports on many). */
      services: string[];
      mode: 'run' | 'import';
      status: ScannerRun['status'];
      durationMs: number;
      findingCount: number;
      error?: string;
    };

export interface ExecuteOptions {
  /** Every service of the repository, to map finding paths (and image references) to services. */
  services: readonly Service[];
  /**
   * The services this scan covers (a PR scan covers those the change touched); a repository-wide
   * import reports on these only. Default: all of `services`.
   */
  scannedServices?: readonly Service[];
  concurrency: number;
  timeoutMs: number;
  maxOutputBytes: number;
  /** The folder of the repository scanned (source.root): fingerprints name files from the repository's top. */
  root?: string;
  logger: Logger;
  onProgress?: (event: ScanProgress) => void;
  /**
   * Tools that cannot run this time, by tool name, with the reason (e.g. trivy with no usable
   * vulnerability DB): their planned runs become scanner errors without starting the tool.
   */
  unavailableTools?: Record<string, string>;
}

export interface ExecutedScan {
  runs: ScannerRun[];
  findings: Finding[];
}

/** Runs (or imports) every planned scan; resolves when all are done, in plan order. */
export async function executePlan(plan: readonly PlannedScan[], options: ExecuteOptions): Promise<ExecutedScan> {
  const limit = pLimit(options.concurrency);
  const results = await Promise.all(plan.map((planned) => limit(() => executeOne(planned, options))));
  // Nested service folders are scanned twice (by the outer and the inner service's run): the same
  // tool reporting the same fingerprint is one finding.
  const seen = new Set<string>();
  const findings = results
    .flatMap((r) => r.findings)
    .filter((f) => {
      const key = `${f.tool}\u0000${f.fingerprint}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  return { runs: results.flatMap((r) => r.runs), findings };
}

async function executeOne(planned: PlannedScan, options: ExecuteOptions): Promise<ExecutedScan> {
  const { adapter, service } = planned;
  options.onProgress?.({ type: 'scanner-start', scanner: adapter.id, service: service.name, mode: planned.mode });
  options.logger.debug(
    planned.mode === 'run'
      ? // argv can carry a registry token (`with: {args: [...]}`): scrubbed like any tool text
        scrubSecrets(`${adapter.id} [${service.name}]: running ${planned.argv.map(quoteArg).join(' ')} in ${planned.target.dir}`)
      : `${adapter.id} [${service.name}]: importing ${planned.file}`,
  );
  const started = performance.now();
  const base = { scanner: adapter.id, tool: adapter.tool, category: adapter.category, service: service.name };
  const elapsed = () => Math.round(performance.now() - started);

  let result: ExecutedScan;
  try {
    const unavailable = planned.mode === 'run' ? options.unavailableTools?.[adapter.tool] : undefined;
    if (unavailable) throw new RunFailure(unavailable);
    const output = planned.mode === 'run' ? await runPlanned(planned, options) : await readImport(planned, options.maxOutputBytes);
    const parsed = parseOutputOrExplain(planned, output);
    const findings = normalizeOrFail(planned, parsed, options.services, options.root);
    result = splitRuns(planned, parsed, findings, options, base, elapsed());
  } catch (err) {
    const reason = await errorReason(planned, err);
    const failedFor = planned.mode === 'run' && planned.covers ? planned.covers.map((s) => s.name) : [service.name];
    result = {
      runs: failedFor.map((name) => ({ ...base, service: name, status: 'error' as const, durationMs: elapsed(), findingCount: 0, error: reason, toolErrors: [] })),
      findings: [],
    };
  }
  // One event per process (or import), naming every service it reported on.
  const first = result.runs[0];
  if (first) {
    options.onProgress?.({
      type: 'scanner-end',
      scanner: first.scanner,
      service: first.service,
      services: result.runs.map((r) => r.service),
      mode: planned.mode,
      status: first.status,
      durationMs: first.durationMs,
      findingCount: result.runs.reduce((n, r) => n + r.findingCount, 0),
      ...(first.error ? { error: first.error } : {}),
    });
  }
  return result;
}

/** A run that ended without a usable report; carries a reason that is safe to print. */
class RunFailure extends Error {
  /** The message already names the tool (a parser error: "trivy output is not valid: ..."). */
  constructor(
    message: string,
    readonly namesTool = false,
  ) {
    super(message);
  }
}

async function runPlanned(planned: PlannedToolRun, options: ExecuteOptions): Promise<ToolOutput> {
  const outputPath = planned.outputFile ? join(planned.target.dir, planned.outputFile) : undefined;
  // A stale report from an earlier run must never be read as this run's result.
  if (outputPath) await rm(outputPath, { force: true });
  const run = await runTool(planned.argv, {
    cwd: planned.target.dir,
    timeoutMs: options.timeoutMs,
    maxOutputBytes: options.maxOutputBytes,
    name: planned.adapter.id,
    // Tools print colour codes into their JSON otherwise (semgrep, trivy progress bars).
    env: { NO_COLOR: '1', CI: process.env.CI ?? 'true' },
  });
  if (run.timedOut) {
    throw new RunFailure(
      `timed out after ${Math.round(options.timeoutMs / 1000)} s and was stopped (raise "scanner-timeout" in .gatehouse.yml if it needs longer)`,
    );
  }
  if (run.signal) throw new RunFailure(`crashed (killed by ${run.signal})${describeStderr(run.stderr)}`);
  if (!planned.adapter.okExitCodes.includes(run.exitCode)) {
    throw new RunFailure(
      `exited with code ${run.exitCode} (expected ${planned.adapter.okExitCodes.join(' or ')})${describeStderr(run.stderr)}`,
    );
  }
  const output: ToolOutput = { stdout: run.stdout, stderr: run.stderr, exitCode: run.exitCode };
  if (planned.outputFile && outputPath) {
    const content = await readReportFile(outputPath, options.maxOutputBytes).catch((err: unknown) => {
      if (err instanceof ReportTooLargeError) {
        throw new RunFailure(`wrote a report file "${planned.outputFile}" ${err.message}; it was not read rather than parse a cut report (${RAISE_CAP})`);
      }
      return undefined;
    });
    if (content === undefined) {
      throw new RunFailure(`did not write its report file "${planned.outputFile}"${describeStderr(run.stderr)}`);
    }
    output.files = { [planned.outputFile]: content };
  }
  return output;
}

/** The advice that goes with the output cap, for captured output and report files alike. */
const RAISE_CAP = 'raise "max-output-mb" in .gatehouse.yml if it is legitimately that large';

async function readImport(planned: PlannedImport, maxOutputBytes: number): Promise<ToolOutput> {
  let content: string;
  try {
    content = await readReportFile(planned.file, maxOutputBytes);
  } catch (err) {
    if (err instanceof ReportTooLargeError) {
      throw new RunFailure(`imported report "${planned.file}" ${err.message}; it was not read rather than parse a cut report (${RAISE_CAP})`);
    }
    const code = (err as NodeJS.ErrnoException).code;
    throw new RunFailure(
      code === 'ENOENT'
        ? `imported report "${planned.file}" not found`
        : `imported report "${planned.file}" cannot be read (${code ?? 'error'})`,
    );
  }
  return {
    stdout: content,
    stderr: '',
    exitCode: 0,
    ...(planned.outputFile ? { files: { [planned.outputFile]: content } } : {}),
  };
}

/** parseOutput; a report that cannot be parsed also says what the tool's stderr reported (in our words). */
function parseOutputOrExplain(planned: PlannedScan, output: ToolOutput): ParseResult {
  try {
    return parseOutput(planned, output);
  } catch (err) {
    if (err instanceof RunFailure && planned.mode === 'run') throw new RunFailure(`${err.message}${describeStderr(output.stderr, err.message)}`, err.namesTool);
    throw err;
  }
}

function parseOutput(planned: PlannedScan, output: ToolOutput): ParseResult {
  try {
    return planned.adapter.parse(output, {
      repoRoot: planned.target.repoRoot,
      serviceDir: planned.service.path,
      // Only an image scanner scanned the image: trivy fs on a service that also has an image scanned
      // its folder, and its findings are dependencies with paths (the category follows what was scanned).
      ...(planned.target.image && planned.adapter.category === 'container' ? { image: planned.target.image } : {}),
    });
  } catch (err) {
    if (err instanceof UnsupportedFormatError || err instanceof ScannerOutputError) {
      const report = planned.outputFile ? (output.files?.[planned.outputFile] ?? output.stdout) : output.stdout;
      const source = planned.mode === 'import' ? `imported report "${planned.file}"` : 'output';
      // For output that is not even JSON, say what it looked like; a JSON report that failed the
      // parser's checks is already explained by the parser's message.
      const looksJson = /^\s*[[{]/.test(report);
      throw new RunFailure(looksJson ? err.message : `${err.message} (${source}: ${describeOutputShape(report)})`, true);
    }
    throw err;
  }
}

function normalizeOrFail(planned: PlannedScan, parsed: ParseResult, services: readonly Service[], root: string | undefined): Finding[] {
  try {
    return normalize(planned, parsed, services, root);
  } catch (err) {
    // A finding the parser built wrongly: the run's results cannot be trusted as a whole.
    if (err instanceof ScannerOutputError) throw new RunFailure(`produced an invalid finding: ${err.message}`);
    throw err;
  }
}

function normalize(planned: PlannedScan, parsed: ParseResult, services: readonly Service[], root: string | undefined): Finding[] {
  // Paths decide the service; a path outside every service keeps the run's own service
  // (ROOT_SERVICE for a repository-wide import). A path outside the repository itself
  // (`services/api/../../../etc/passwd`, `/etc/passwd`) belongs to no service: ROOT_SERVICE, never
  // the run's service or the service its text starts with (see outsideRepositoryNote).
  const byPath = (path: string) => {
    if (!isInsideRepo(path)) return ROOT_SERVICE;
    const name = serviceForPath(services, path);
    return name === ROOT_SERVICE ? undefined : name;
  };
  // A repository-wide import of an image report: the image reference says which service it is.
  const groups = new Map<string, ParsedFinding[]>();
  for (const f of parsed.findings) {
    let service = planned.service.name;
    if (planned.mode === 'import' && !planned.forService && f.category === 'container' && f.location?.image) {
      service = serviceForImage(services, f.location.image) ?? service;
    }
    const list = groups.get(service);
    if (list) list.push(f);
    else groups.set(service, [f]);
  }
  return [...groups].flatMap(([service, list]) => normalizeFindings(list, { service, serviceForPath: byPath, root }));
}

/** The files a run selected but did not check, those of one service (the ledger counts them unread). */
function skippedOf(parsed: ParseResult, ofService: (path: string) => boolean): Pick<ScannerRun, 'skippedFiles'> {
  const files = (parsed.skippedFiles ?? []).filter((f) => ofService(f.path));
  return files.length > 0 ? { skippedFiles: files } : {};
}

/** The service whose `image` is this reference (`docker.io/library/` prefixes aside). */
function serviceForImage(services: readonly Service[], image: string): string | undefined {
  const bare = (ref: string) => ref.replace(/^docker\.io\//, '').replace(/^library\//, '');
  return services.find((s) => s.image !== undefined && bare(s.image) === bare(image))?.name;
}

/**
 * One ScannerRun per run. A repository-wide import covers every scanned service: it gets one
 * ScannerRun per service (so each service shows it was scanned), plus ROOT_SERVICE when findings
 * fall outside every service. Findings of services outside this scan are left out.
 */
function splitRuns(
  planned: PlannedScan,
  parsed: ParseResult,
  findings: Finding[],
  options: ExecuteOptions,
  base: Pick<ScannerRun, 'scanner' | 'tool' | 'category' | 'service'>,
  durationMs: number,
): ExecutedScan {
  const status: ScannerRun['status'] = planned.mode === 'import' ? 'imported' : 'ok';
  const outside = outsideRepositoryNote(findings);
  const common = {
    ...base,
    status,
    durationMs,
    toolErrors: [...parsed.toolErrors.map((e) => scrubSecrets(e)), ...(outside ? [outside] : [])],
    ...(parsed.toolVersion ? { toolVersion: parsed.toolVersion } : {}),
  };
  if (planned.mode === 'run' && planned.covers) {
    // A whole-repository run: one ScannerRun per service it read; findings of the root files stay
    // only when the root is part of the scan.
    const names = new Set(planned.covers.map((s) => s.name));
    // Findings naming paths outside the repository stay (under ROOT_SERVICE), never dropped unsaid.
    const kept = findings.filter((f) => names.has(f.service) || isOutsideRepository(f));
    const runs = planned.covers.map((s) => ({
      ...common,
      ...skippedOf(parsed, (path) => serviceForPath(options.services, path) === s.name),
      service: s.name,
      findingCount: kept.filter((f) => f.service === s.name).length,
    }));
    if (!names.has(ROOT_SERVICE) && kept.some(isOutsideRepository)) {
      runs.push({ ...common, service: ROOT_SERVICE, findingCount: kept.filter((f) => f.service === ROOT_SERVICE).length });
    }
    return { runs, findings: kept };
  }
  if (planned.mode === 'run' && planned.service.name === ROOT_SERVICE && planned.service.path === '') {
    // The root service's run reads the whole tree; the services' own runs report their folders.
    const kept = findings.filter((f) => f.service === ROOT_SERVICE);
    return { runs: [{ ...common, ...skippedOf(parsed, (path) => serviceForPath(options.services, path) === ROOT_SERVICE), findingCount: kept.length }], findings: kept };
  }
  if (planned.mode === 'run' || planned.forService) {
    return { runs: [{ ...common, ...skippedOf(parsed, () => true), findingCount: findings.length }], findings };
  }
  const scanned = options.scannedServices ?? options.services;
  const names = new Set(scanned.map((s) => s.name));
  const kept = findings.filter((f) => names.has(f.service) || f.service === ROOT_SERVICE);
  if (kept.length < findings.length) {
    options.logger.debug(`${base.scanner}: ${findings.length - kept.length} imported findings belong to services outside this scan`);
  }
  // An image report covers the services that have an image, not every folder in the repository.
  const covered =
    planned.adapter.category === 'container'
      ? scanned.filter((s) => s.image !== undefined || kept.some((f) => f.service === s.name))
      : scanned;
  const serviceNames = covered.map((s) => s.name);
  if (kept.some((f) => f.service === ROOT_SERVICE)) serviceNames.push(ROOT_SERVICE);
  const runs = serviceNames.map((name) => ({
    ...common,
    service: name,
    findingCount: kept.filter((f) => f.service === name).length,
  }));
  return { runs, findings: kept };
}

/** A finding whose file path lies outside the repository (container paths are inside an image). */
function isOutsideRepository(f: Finding): boolean {
  return f.category !== 'container' && f.location.path !== undefined && !isInsideRepo(f.location.path);
}

/**
 * "2 findings name a path outside the repository (../../etc/passwd, ...)": said as a problem of the
 * run (so every report format shows it), since a tool that reports files outside the repository
 * either scanned what it should not or was given a report made elsewhere.
 */
function outsideRepositoryNote(findings: readonly Finding[]): string | undefined {
  const outside = findings.filter(isOutsideRepository);
  if (outside.length === 0) return undefined;
  const paths = [...new Set(outside.map((f) => f.location.path!))];
  const listed = paths.slice(0, 3).map((p) => scrubSecrets(p.length > 120 ? `${p.slice(0, 119)}…` : p)).join(', ');
  const more = paths.length > 3 ? `, and ${paths.length - 3} more` : '';
  const n = outside.length;
  return `${n} finding${n === 1 ? '' : 's'} name${n === 1 ? 's' : ''} a path outside the repository (${listed}${more}): attributed to ${ROOT_SERVICE}, not to any service; check what the tool scanned or where the report was made`;
}

/** The reason a run failed, in words, scrubbed; never the tool's stdout. */
async function errorReason(planned: PlannedScan, err: unknown): Promise<string> {
  const what = planned.mode === 'run' ? planned.adapter.tool : `import of the ${planned.adapter.id} report`;
  if (err instanceof RunFailure) return scrubSecrets(err.namesTool ? err.message : `${what}: ${err.message}`);
  if (err instanceof ScannerError && err.kind === 'missing') {
    // Only now ask the adapter how to install it (detect() starts a process; no need on success).
    const detection = await planned.adapter.detect().catch(() => undefined);
    const hint = detection?.installHint ? `; to install: ${detection.installHint}` : '';
    return scrubSecrets(`${planned.adapter.tool} is not installed (${err.reason})${hint}`);
  }
  if (err instanceof ScannerError) return scrubSecrets(`${what}: ${err.reason}`);
  return scrubSecrets(`${what} failed: ${err instanceof Error ? err.message : String(err)}`);
}

/**
 * What a report looked like, without its content: size, a guess at its kind, and its first few
 * characters with anything token-shaped masked. Safe to show when output could not be parsed.
 */
export function describeOutputShape(text: string): string {
  const trimmed = text.trimStart();
  if (trimmed.length === 0) return 'the output was empty';
  const kind = /^[[{]/.test(trimmed)
    ? 'JSON-like'
    : /^<(!doctype|html)/i.test(trimmed)
      ? 'HTML'
      : /^</.test(trimmed)
        ? 'XML-like'
        : 'plain text';
  const head = scrubSecrets(trimmed.slice(0, 24))
    .replace(/[^\x20-\x7e]/g, '?')
    // any word long enough to be (part of) a token keeps only its first 3 characters
    .replace(/[A-Za-z0-9_+/=-]{6,}/g, (w) => `${w.slice(0, 3)}…`);
  return `${text.length} characters of ${kind} output starting ${JSON.stringify(head)}`;
}

function quoteArg(arg: string): string {
  return /^[\w./:=@%+-]+$/.test(arg) ? arg : JSON.stringify(arg);
}
