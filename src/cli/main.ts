// The `gatehouse` command line. One try/catch at the edge turns typed errors into exit codes:
//   0 the gate passed, 1 the gate failed, 2 usage or config error, 3 scanner error (a scanner
//   crashed, timed out, printed garbage or is missing, and nothing else failed the gate).
// Progress goes to stderr (colour only on a TTY, never with NO_COLOR); reports go to stdout or files.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findConfigFile, loadConfig, locateConfigError, type ConfigOverrides } from '../config/load.js';
import { SeveritySchema } from '../findings/finding.js';
import { ConfigError, EXIT_CODES, HistoryRangeError, withoutUrlPasswords } from '../errors.js';
import { createConsoleLogger } from '../logger.js';
import { triageSuppressionsOrWarn } from '../push/triage.js';
import type { ScanReport } from '../report/scan-report.js';
import { stopRunningTools } from '../runner/run-tool.js';
import { runScan } from '../scan.js';
import { listRepositoryFiles } from '../ledger/inventory.js';
import { markedFoldersBelowRoot, resolveServicesWithCandidates, ROOT_SERVICE, serviceForPath, servicesGroupingFolders } from '../services/discover.js';
import { loadConfiguredFeeds, type FetchBytes } from '../enrich/feeds.js';
import { renderReport, REPORT_FORMATS, REPORT_FILE_NAMES, type ReportFormat } from './formats.js';
import { createProgressPrinter } from './progress.js';
import { gitSource, originUrl } from './git-source.js';
import { repositoryFromRemote, scannedRepository, validRepositoryName } from './repository-name.js';
import { readReportFile } from './report-file.js';
import { UsageError } from './usage-error.js';
import { dashboardTokenFrom, dashboardUrlFrom, pushCommand, PUSH_USAGE } from './push-command.js';
import { dashboardCommand, DASHBOARD_USAGE } from './dashboard-command.js';
import { isParseArgsError, nearest, parseCommandArgs, unknownFlagMessage } from './parse-args.js';

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The HTTP edge for the KEV/EPSS downloads (default: the platform's fetch). */
  fetchFeed?: FetchBytes;
}

const USAGE = `Usage:
  gatehouse scan [dir] [options]      scan a repository (default: the current directory)
  gatehouse services [dir]            list the folders that become services (and candidates not
                                      taken, with why); --config FILE
  gatehouse dashboard [options]       start the dashboard: --db FILE|postgres://URL (./gatehouse.db; a
                                      SQLite file, or PostgreSQL with PG* variables honoured), --port N
                                      (8080), --host H (127.0.0.1), ... (Dashboard options below)
  gatehouse dashboard migrate --from FILE.db --to postgres://URL
                                      copy a SQLite dashboard into an empty PostgreSQL database
                                      (docs/dashboard.md "PostgreSQL")
  gatehouse push REPORT.json          send a JSON report to a dashboard (one scan per service);
                                      --dashboard URL, token from GATEHOUSE_DASHBOARD_TOKEN
  gatehouse --help | --version

Scan options:
  --config FILE           config file (default: <dir>/.gatehouse.yml, else built-in defaults)
  --format LIST           text, json, sarif, markdown; repeat or comma-separate (default: text)
  --output FILE           write the (single) report format to FILE
  --output-dir DIR        write every format to DIR/gatehouse-report.<ext>
  --fail-on SEVERITY      lowest severity that fails the gate (overrides gate.fail-on)
  --baseline FILE         a previous JSON report to compare with (new / existing / fixed)
  --import TOOL=FILE      parse FILE as TOOL's report instead of running TOOL (repeatable;
                          TOOL@SERVICE=FILE for a report made inside one service folder)
  --changed-files FILE    newline-separated changed paths ("-" reads stdin); narrows the scan
  --kev-file FILE         CISA KEV catalog (JSON) to use instead of downloading it (enrich.kev)
  --epss-file FILE        FIRST EPSS scores (CSV, gzipped or not) instead of downloading (enrich.epss)
  --commits BASE..HEAD    the secret scanner also reads the lines every commit of the range added
                          (\`all\`: the whole history, for a first audit); needs the history
                          (a shallow clone without BASE is an error: fetch more)
  --kind snapshot|pr      default: pr with --baseline or --changed-files, else snapshot
  --scan-id ID            report id (default: generated)
  --repository NAME       the repository the report names (default: $GITHUB_REPOSITORY, else the
                          origin remote without any credential: owner/name on github.com, else
                          host/path); the dashboard keeps each service to its repository
  --dashboard URL         the gate obeys the triage decisions of this dashboard: a false positive,
                          an accepted risk until its date, a "not affected" (token from
                          GATEHOUSE_DASHBOARD_TOKEN). Unreadable: a warning, every finding counts
  --verbose               debug logging (the argv of each scanner, each run as it ends)

Exit codes: 0 passed, 1 gate failed, 2 usage or config error, 3 scanner error.

${DASHBOARD_USAGE}

${PUSH_USAGE}`;


export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.stdout.write(`${USAGE}\n`);
      return command === undefined ? EXIT_CODES.usage : EXIT_CODES.passed;
    }
    if (command === '--version' || command === '-v') {
      io.stdout.write(`${await packageVersion()}\n`);
      return EXIT_CODES.passed;
    }
    if (command === 'scan') return await scanCommand(rest, io);
    if (command === 'services') return await servicesCommand(rest, io);
    if (command === 'dashboard') return await dashboardCommand(rest, io);
    if (command === 'push') return await pushCommand(rest, io);
    const guess = nearest(command, ['scan', 'services', 'dashboard', 'push', 'help']);
    throw new UsageError(`unknown command "${command}"${guess ? `; did you mean ${guess}?` : ''}`);
  } catch (err) {
    if (err instanceof UsageError || isParseArgsError(err)) {
      // One line that names the mistake, and where to read more: not Node's message, not the whole usage.
      io.stderr.write(`gatehouse: ${usageMessage(err as Error)}\nsee gatehouse --help\n`);
      return EXIT_CODES.usage;
    }
    if (err instanceof HistoryRangeError) {
      io.stderr.write(`gatehouse: ${err.message}\n`);
      return EXIT_CODES.usage;
    }
    if (err instanceof ConfigError) {
      io.stderr.write(`gatehouse: config error: ${err.message}\n`);
      return EXIT_CODES.usage;
    }
    // Anything else means the scan could not complete: never a pass.
    const message = withoutUrlPasswords(err instanceof Error ? err.message : String(err));
    io.stderr.write(`gatehouse: the scan could not complete: ${message}\n`);
    if (io.env.GATEHOUSE_DEBUG && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    return EXIT_CODES.scannerError;
  }
}

const SCAN_OPTIONS = {
  config: { type: 'string' },
  format: { type: 'string', multiple: true },
  output: { type: 'string', short: 'o' },
  'output-dir': { type: 'string' },
  'fail-on': { type: 'string' },
  baseline: { type: 'string' },
  import: { type: 'string', multiple: true },
  'changed-files': { type: 'string' },
  commits: { type: 'string' },
  'kev-file': { type: 'string' },
  'epss-file': { type: 'string' },
  kind: { type: 'string' },
  'scan-id': { type: 'string' },
  repository: { type: 'string' },
  dashboard: { type: 'string' },
  verbose: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** A usage error in one line (an unknown flag with the nearest one its parser accepts: parse-args.ts). */
export function usageMessage(err: Error): string {
  const code = (err as { code?: string }).code;
  // A parser not given its flags (parseCommandArgs names them): the flag without a suggestion.
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return unknownFlagMessage(err.message, []);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    // "Option '--format <value>' argument missing" -> "--format needs a value"
    const flag = /'(--?[A-Za-z0-9-]+)/.exec(err.message)?.[1];
    if (flag) return `${flag} needs a value`;
  }
  // A stray argument is echoed, but never a password in it (`dashboard postgres://user:pw@host/db`, --db forgotten).
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return withoutUrlPasswords(err.message.split('\n')[0]!.replace(/\.$/, ''));
  return withoutUrlPasswords(err.message.split('\n')[0]!);
}

async function scanCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: SCAN_OPTIONS,
  });
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return EXIT_CODES.passed;
  }
  if (positionals.length > 1) throw new UsageError(`scan takes one directory, got ${positionals.length}: ${positionals.join(' ')}`);
  const repoRoot = resolve(io.cwd, positionals[0] ?? '.');

  const formats = parseFormats(values.format ?? ['text']);
  if (values.output && values['output-dir']) throw new UsageError('--output and --output-dir cannot be used together');
  if (!values['output-dir'] && formats.length > 1) {
    throw new UsageError(`${formats.length} formats (${formats.join(', ')}) need --output-dir; --output and stdout take one`);
  }
  if (values.kind !== undefined && values.kind !== 'snapshot' && values.kind !== 'pr') {
    throw new UsageError(`--kind: expected snapshot or pr, got "${values.kind}"`);
  }
  const overrides: ConfigOverrides = {};
  if (values['fail-on'] !== undefined) {
    // "HIGH", "High" and "high" are one severity.
    const severity = SeveritySchema.safeParse(values['fail-on'].toLowerCase());
    if (!severity.success) {
      throw new UsageError(`--fail-on: expected one of ${SeveritySchema.options.join('|')}, got "${values['fail-on']}"`);
    }
    overrides.gate = { 'fail-on': severity.data };
  }
  const repository = repositoryOption(values.repository) ?? scannedRepository(io.env, () => originUrl(repoRoot));
  // The dashboard whose triage decisions the gate obeys: asked for with the flag only (a variable
  // set for a later push must not loosen the gate by itself); its token checked before any work.
  const dashboard =
    values.dashboard === undefined
      ? undefined
      : {
          dashboardUrl: dashboardUrlFrom(values.dashboard || undefined, '--dashboard: expected the dashboard URL').toString(),
          auth: { kind: 'token' as const, token: dashboardTokenFrom(io.env, '--dashboard needs a dashboard token in GATEHOUSE_DASHBOARD_TOKEN (never as a flag)') },
        };
  const imports = parseImports(values.import ?? [], io.cwd);
  const enrich: Record<string, string> = {};
  if (values['kev-file'] !== undefined) enrich.kev = resolve(io.cwd, values['kev-file']);
  if (values['epss-file'] !== undefined) enrich.epss = resolve(io.cwd, values['epss-file']);
  if (Object.keys(enrich).length > 0) overrides.enrich = enrich;

  const configFile = values.config ? resolve(io.cwd, values.config) : findConfigFile(repoRoot);
  const { config, file } = await loadConfig(configFile, overrides, { overridesSource: 'command-line flags' });
  const changedFiles = values['changed-files'] !== undefined ? await readChangedFiles(values['changed-files'], io) : undefined;
  const baseline = values.baseline ? await readReportFile(resolve(io.cwd, values.baseline), '--baseline') : undefined;
  const kind = (values.kind as 'snapshot' | 'pr' | undefined) ?? (baseline || changedFiles ? 'pr' : 'snapshot');

  const color = useColor(io.stderr, io.env);
  const logger = createConsoleLogger({ verbose: values.verbose, stream: io.stderr });
  logger.debug(file ? `config: ${file}` : 'config: none found, using the defaults');
  // The text report goes to stdout unless one other format is printed there, or text goes to --output.
  const textOnStdout = Boolean(values['output-dir']) || (values.output ? formats[0] !== 'text' : formats[0] === 'text');
  const progress = createProgressPrinter(io.stderr, { color, verbose: values.verbose, perRun: !textOnStdout });
  // Exploitation data (KEV, EPSS): files, or downloads with a timeout and a cache. A failure is
  // said (here and in every report) and never fails the scan by itself.
  const feeds = await loadConfiguredFeeds(config.enrich, {
    baseDir: file ? dirname(resolve(file)) : repoRoot,
    env: io.env,
    ...(io.fetchFeed ? { fetch: io.fetchFeed } : {}),
  });

  const triage = dashboard ? await triageSuppressionsOrWarn({ ...dashboard, ...(repository ? { repository } : {}), logger }) : undefined;

  const report = await runScan(
    {
      repoRoot,
      config,
      kind,
      changedFiles,
      ...(file ? { configFile: resolve(io.cwd, file) } : {}),
      baseline: baseline ? { source: 'report', report: baseline } : undefined,
      imports,
      scanId: values['scan-id'],
      // The commit and branch scanned, so the dashboard names the code of a CLI-pushed scan.
      // And the repository, so the dashboard tells its services from same-named ones of other repositories.
      source: { ...gitSource(repoRoot), ...(repository ? { repository } : {}), ...(baseline?.source.commit ? { baseCommit: baseline.source.commit } : {}) },
      feeds,
      ...(triage ? { suppressions: triage } : {}),
      ...(values.commits !== undefined ? { secretCommits: values.commits } : {}),
    },
    { logger, onProgress: progress },
  ).catch(async (err: unknown) => {
    // A config mistake found while planning (an unknown scanner id): point at its line too.
    throw err instanceof ConfigError ? await locateConfigError(err, file) : err;
  });

  await writeReports(report, formats, values, io);
  const outcome = report.gate.outcome;
  io.stderr.write(`${progress.summary(report)}\n`);
  return outcome === 'passed' ? EXIT_CODES.passed : outcome === 'failed' ? EXIT_CODES.gateFailed : EXIT_CODES.scannerError;
}

/**
 * `gatehouse services [dir]`: which folders become services, by which marker, how many files each
 * holds, what the root service holds, and the candidate folders not taken with why. Reads the config
 * like `scan` does; runs no scanner.
 */
async function servicesCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { config: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false }, verbose: { type: 'boolean', default: false } },
  });
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return EXIT_CODES.passed;
  }
  if (positionals.length > 1) throw new UsageError(`services takes one directory, got ${positionals.length}: ${positionals.join(' ')}`);
  const repoRoot = resolve(io.cwd, positionals[0] ?? '.');
  const configFile = values.config ? resolve(io.cwd, values.config) : findConfigFile(repoRoot);
  const { config, file } = await loadConfig(configFile, {}, { overridesSource: 'command-line flags' });
  const found = resolveServicesWithCandidates(repoRoot, config);
  const inventory = listRepositoryFiles(repoRoot);
  const services = [...found.services];
  const count = new Map<string, number>();
  for (const f of inventory.files) {
    const name = serviceForPath(services, f);
    count.set(name, (count.get(name) ?? 0) + 1);
  }
  const how = config.services
    ? `the services list of ${file ?? 'the config'}`
    : found.topLevel
      ? `no service folder under ${config.discover.roots.join(', ')}; top-level folders with a marker of their own`
      : found.services.length === 1 && found.services[0]!.path === ''
      ? `discovery found no service folder under ${config.discover.roots.join(', ')}: the repository is one service`
      : `discovered under ${config.discover.roots.join(', ')}`;
  const rows = services.map((s) => [s.name, s.path || '.', found.markers.get(s.path) ?? (config.services ? '(listed)' : '-'), String(count.get(s.name) ?? 0)]);
  const rootFiles = count.get(ROOT_SERVICE) ?? 0;
  if (rootFiles > 0) rows.push([ROOT_SERVICE, '.', 'files outside every service folder', String(rootFiles)]);
  const header = ['service', 'folder', 'marker', 'files'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (i === cells.length - 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ')}`.trimEnd();
  const out = [`${repoRoot}: ${services.length} service${services.length === 1 ? '' : 's'} (${how})`, line(header), ...rows.map(line)];
  // One service for the whole repository while folders below hold markers of their own: say so, with
  // what to do (every finding and lockfile would otherwise be counted to one service).
  if (!config.services && services.length === 1 && services[0]!.path === '') {
    const marked = markedFoldersBelowRoot(inventory.files, config.discover.markers);
    if (marked.length > 0) {
      out.push('', `Folders below the root with a service marker of their own (${marked.length}), scanned as part of the one service:`);
      for (const m of marked.slice(0, 10)) out.push(`  ${m.folder} (${m.marker})`);
      if (marked.length > 10) out.push(`  and ${marked.length - 10} more`);
      const parent = marked[0]!.folder.includes('/') ? `${marked[0]!.folder.slice(0, marked[0]!.folder.lastIndexOf('/'))}/*` : '*';
      out.push(`  To scan them as services, list them under services: in the config, or add their parent folders to discover.roots (e.g. "${parent}").`);
    }
  }
  // A discovered folder that groups several marked folders (each perhaps a microservice of its own).
  const groups = config.services ? [] : servicesGroupingFolders(services, inventory.files, config.discover.markers);
  if (groups.length > 0) {
    out.push('', `Services that hold several folders with a marker of their own (${groups.length}), each counted to the one service:`);
    for (const g of groups) {
      const shown = g.folders.slice(0, 6).join(', ');
      out.push(`  ${g.service.name} (${g.service.path}): ${shown}${g.folders.length > 6 ? `, and ${g.folders.length - 6} more` : ''}`);
    }
    out.push(`  To track them as services of their own, add their folders to discover.roots (e.g. "${groups[0]!.service.path}/*"), or list them under services: in the config.`);
  }
  if (found.notServices.length > 0) {
    out.push('', `Not services (${found.notServices.length}):`);
    for (const n of found.notServices) out.push(`  ${n.path}: ${n.reason}`);
  }
  if (inventory.unreadable.length > 0) {
    out.push('', `Could not read (${inventory.unreadable.length}):`);
    for (const u of inventory.unreadable) out.push(`  ${u.path}: ${u.reason}`);
  }
  io.stdout.write(`${out.join('\n')}\n`);
  return EXIT_CODES.passed;
}

async function writeReports(
  report: ScanReport,
  formats: ReportFormat[],
  values: { output?: string; 'output-dir'?: string },
  io: CliIo,
): Promise<void> {
  const stdoutColor = useColor(io.stdout, io.env);
  if (values['output-dir']) {
    const dir = resolve(io.cwd, values['output-dir']);
    await mkdir(dir, { recursive: true });
    for (const format of formats) {
      const file = join(dir, REPORT_FILE_NAMES[format]);
      await writeOutput(file, renderReport(report, format, { color: false }));
      io.stderr.write(`wrote ${format} report: ${file}\n`);
    }
    // Whatever was written to files, a person at the terminal still sees the outcome.
    io.stdout.write(renderReport(report, 'text', { color: stdoutColor }));
    return;
  }
  const [format] = formats;
  if (values.output) {
    const file = resolve(io.cwd, values.output);
    await mkdir(dirname(file), { recursive: true });
    await writeOutput(file, renderReport(report, format, { color: false }));
    io.stderr.write(`wrote ${format} report: ${file}\n`);
    if (format !== 'text') io.stdout.write(renderReport(report, 'text', { color: stdoutColor }));
    return;
  }
  io.stdout.write(renderReport(report, format, { color: format === 'text' && stdoutColor }));
}

async function writeOutput(file: string, content: string): Promise<void> {
  try {
    await writeFile(file, content);
  } catch (err) {
    throw new UsageError(`cannot write ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

function parseFormats(raw: string[]): ReportFormat[] {
  const formats: ReportFormat[] = [];
  for (const item of raw.flatMap((r) => r.split(',')).map((s) => s.trim()).filter(Boolean)) {
    if (!(REPORT_FORMATS as readonly string[]).includes(item)) {
      throw new UsageError(`--format: unknown format "${item}" (known: ${REPORT_FORMATS.join(', ')})`);
    }
    if (!formats.includes(item as ReportFormat)) formats.push(item as ReportFormat);
  }
  if (formats.length === 0) throw new UsageError('--format: no format given');
  return formats;
}

/** `TOOL=FILE` / `TOOL@SERVICE=FILE`; FILE relative to the working directory. */
function parseImports(raw: string[], cwd: string): Record<string, string> {
  const imports: Record<string, string> = {};
  for (const item of raw) {
    const eq = item.indexOf('=');
    const key = item.slice(0, eq);
    const file = item.slice(eq + 1);
    if (eq <= 0 || file === '' || !/^[a-z0-9][a-z0-9-]*(@[A-Za-z0-9._()-]+)?$/.test(key)) {
      throw new UsageError(`--import: expected TOOL=FILE or TOOL@SERVICE=FILE, got "${item}"`);
    }
    imports[key] = resolve(cwd, file);
  }
  return imports;
}

/**
 * `--repository NAME`: a name (`owner/name`, `host/group/name`) or a remote URL, read as the origin
 * remote would be. The value is never echoed: a URL may carry a credential.
 */
export function repositoryOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const name = validRepositoryName(value) ?? repositoryFromRemote(value);
  if (!name) throw new UsageError('--repository: expected a repository name such as owner/name or gitlab.example.com/group/name (letters, digits, ".", "_", "~", "-", and "/" between parts; at most 200 characters), or a git remote URL');
  return name;
}

async function readChangedFiles(source: string, io: CliIo): Promise<string[]> {
  let text: string;
  if (source === '-') {
    text = await readStream(io.stdin);
  } else {
    const file = resolve(io.cwd, source);
    text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(`--changed-files: cannot read ${file} (${err.code ?? String(err)})`);
    });
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** Colour only on a TTY, never with NO_COLOR (https://no-color.org); FORCE_COLOR forces it. */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

async function packageVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Runs the CLI with the real process streams and exits with its code. */
export async function runCli(argv: string[] = process.argv.slice(2)): Promise<void> {
  // The dashboard handles its own signals; a scan must not leave scanners running when interrupted.
  if (argv[0] !== 'dashboard') {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void interrupted(signal));
  }
  const code = await main(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  });
  process.exitCode = code;
}

/** Stops every running scanner (TERM, then KILL), then exits 128 + signal number like a shell. */
async function interrupted(signal: 'SIGINT' | 'SIGTERM'): Promise<void> {
  const count = stopRunningTools('SIGTERM');
  process.stderr.write(`\ngatehouse: interrupted (${signal}); stopping ${count} running scanner${count === 1 ? '' : 's'}\n`);
  if (count > 0) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    stopRunningTools('SIGKILL');
  }
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await runCli();
}
