// `gatehouse push REPORT.json`: sends a JSON report from `gatehouse scan --format json` to a
// dashboard, one POST /api/v1/scans per service, as the action does after its scan. The token comes
// only from the environment: a flag would show in `ps` and in shell history.
import { resolve } from 'node:path';
import { EXIT_CODES } from '../errors.js';
import { createConsoleLogger } from '../logger.js';
import { cliScanIdFor, DashboardPushError, pushScanReports } from '../push/client.js';
import type { ScanReport } from '../report/scan-report.js';
import { readReportFile } from './report-file.js';
import { repositoryFromRemote, validRepositoryName } from './repository-name.js';
import { parseCommandArgs } from './parse-args.js';
import { UsageError } from './usage-error.js';

export const PUSH_OPTIONS = {
  dashboard: { type: 'string' },
  retries: { type: 'string' },
  'move-repository': { type: 'boolean', default: false },
  repository: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export const PUSH_USAGE = `Push options (gatehouse push REPORT.json):
  --dashboard URL         the dashboard (else $GATEHOUSE_DASHBOARD_URL); https, or http to this machine
  --retries N             retries on 5xx, 429 and network errors, with backoff (default 4)
  --move-repository       the report's repository was renamed or moved: let the dashboard move its
                          services to it (else a service whose scans came from another repository
                          is refused, HTTP 409 naming source.repository; the move is audited)
  --repository NAME       the repository of a report that names none (a scan of an exported
                          tarball): owner/name, host/group/name, or a git remote URL
  token: $GATEHOUSE_DASHBOARD_TOKEN (an ingest token scoped to the report's services)
  exit codes: 0 pushed (or already there), 2 usage error, 4 the dashboard refused the report (e.g.
  a service of that name belongs to another repository) or could not be reached`;

/** Loopback hosts, where plain http carries the token no further than this machine. */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** The dashboard URL, refused when it would send the token in clear over a network. */
export function dashboardUrlFrom(value: string | undefined, missing = 'push needs the dashboard: --dashboard URL or GATEHOUSE_DASHBOARD_URL'): URL {
  if (!value) throw new UsageError(missing);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--dashboard: not a URL: "${value.slice(0, 200)}"`);
  }
  if (url.username || url.password) throw new UsageError('--dashboard: the URL must not carry credentials; the token comes from GATEHOUSE_DASHBOARD_TOKEN');
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return url;
  throw new UsageError(`--dashboard: ${url.protocol === 'http:' ? `plain http to ${url.hostname} would send the token in clear; use https` : `expected an https URL, got ${url.protocol}`}`);
}

/**
 * The dashboard token of GATEHOUSE_DASHBOARD_TOKEN (never a flag: it would show in `ps`). One with a
 * space, a line break or another character no token has is refused without being echoed: an HTTP
 * header cannot carry it, and the error saying so would print it.
 */
export function dashboardTokenFrom(env: NodeJS.ProcessEnv, missing: string): string {
  const token = env.GATEHOUSE_DASHBOARD_TOKEN?.trim();
  if (!token) throw new UsageError(missing);
  if (!/^[\x21-\x7e]+$/.test(token)) throw new UsageError('GATEHOUSE_DASHBOARD_TOKEN holds a character no token has (a space, a line break, a control or non-ASCII character); copy it again');
  return token;
}

/** What the command uses of the CLI's streams and process (main.ts's CliIo has more). */
export interface PushIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/**
 * The report with `--repository NAME` as its repository. Only a report that names none takes one:
 * a report naming another would be pushed as a repository it was not scanned from.
 */
export function withRepository(report: ScanReport, option: string | undefined): ScanReport {
  if (option === undefined) return report;
  // The value is never echoed: a remote URL may carry a credential.
  const name = validRepositoryName(option) ?? repositoryFromRemote(option);
  if (!name) throw new UsageError('--repository: expected a repository name such as owner/name or gitlab.example.com/group/name, or a git remote URL');
  const named = report.source.repository;
  if (named === name) return report;
  if (named) throw new UsageError(`--repository: the report already names the repository "${named}"; --repository only names a report that names none (scan again with --repository to change it)`);
  return { ...report, source: { ...report.source, repository: name } };
}

/**
 * What a report without a repository risks on the dashboard, and how to fix it: services are keyed
 * by name, so a snapshot of another repository's same-named service (every repository has a
 * `(root)`) would mark this one's findings fixed, unseen.
 */
export function noRepositoryWarning(report: ScanReport): string {
  const names = report.services.map((s) => s.name);
  const shown = names.includes('(root)') ? '"(root)"' : `"${names[0]}"`;
  return (
    `gatehouse push: warning: the report names no repository (source.repository), so the dashboard cannot tell its services, ${shown} among them, ` +
    'from same-named services of other repositories: a snapshot of one would mark the findings of the other fixed. ' +
    'Push it with --repository NAME (owner/name), scan in a git clone with an origin remote or with gatehouse scan --repository NAME, ' +
    'or give the services names unique in your organisation (.gatehouse.yml services[].name)'
  );
}

export async function pushCommand(argv: string[], io: PushIo): Promise<number> {
  const { values, positionals } = parseCommandArgs({ args: argv, options: PUSH_OPTIONS, allowPositionals: true, strict: true });
  if (values.help) {
    io.stdout.write(`${PUSH_USAGE}\n`);
    return EXIT_CODES.passed;
  }
  if (positionals.length !== 1) throw new UsageError(`push takes one report file (from gatehouse scan --format json), got ${positionals.length}`);
  const url = dashboardUrlFrom(values.dashboard ?? io.env.GATEHOUSE_DASHBOARD_URL);
  const token = dashboardTokenFrom(io.env, 'push needs a dashboard token in GATEHOUSE_DASHBOARD_TOKEN (an ingest token; never as a flag)');
  const retries = values.retries === undefined ? 4 : Number(values.retries);
  if (!Number.isInteger(retries) || retries < 0 || retries > 10) throw new UsageError(`--retries: expected a whole number from 0 to 10, got "${values.retries}"`);
  const file = resolve(io.cwd, positionals[0]);
  const read = await readReportFile(file, 'push');
  if (read.services.length === 0) throw new UsageError(`push: ${file} has no service; nothing to push`);
  const report = withRepository(read, values.repository);
  if (!report.source.repository) io.stderr.write(`${noRepositoryWarning(report)}\n`);
  const tooLong = report.services.find((s) => cliScanIdFor(report, s.name) === undefined);
  if (tooLong) throw new UsageError(`push: the scan id "${report.scanId.slice(0, 40)}…" with "/${tooLong.name}" is longer than 200 characters; scan with a shorter --scan-id`);

  const logger = createConsoleLogger({ stream: io.stderr });
  try {
    const results = await pushScanReports(report, (service) => cliScanIdFor(report, service) as string, {
      dashboardUrl: url.toString(),
      auth: { kind: 'token', token },
      logger,
      retries,
      userAgent: 'gatehouse-cli',
      moveRepository: values['move-repository'],
    });
    const created = results.filter((r) => !r.duplicate).length;
    io.stdout.write(`pushed ${results.length} service${results.length === 1 ? '' : 's'} to ${url.origin}: ${created} new, ${results.length - created} already there\n`);
    return EXIT_CODES.passed;
  } catch (err) {
    if (!(err instanceof DashboardPushError)) throw err;
    io.stderr.write(`gatehouse push: ${err.message}\n`);
    return EXIT_CODES.pushFailed;
  }
}
