// `gatehouse dashboard [options]` and `gatehouse dashboard migrate --from FILE.db --to postgres://URL`:
// the dashboard's own entry (dashboard/server.ts), imported only when asked for so that `gatehouse
// scan` never loads the native SQLite module. `--help`/`-h` and unknown flags are parsed here with
// the dashboard's own option tables, so a suggestion is always a flag of that very subcommand.
import { EXIT_CODES, withoutUrlPasswords } from '../errors.js';
import { isParseArgsError, parseCommandArgs } from './parse-args.js';

export const MIGRATE_USAGE = `Migrate options (gatehouse dashboard migrate --from FILE.db --to postgres://URL):
  --from FILE.db          the SQLite file of a dashboard (it may be running: read as one snapshot)
  --to postgres://URL     an empty PostgreSQL database (parts left out of the URL, the password
                          above all, come from PGPASSWORD, PGHOST, PGUSER, ...)
  copies every table in one transaction and compares row counts before committing (all or
  nothing); details: docs/dashboard.md "PostgreSQL"`;

export const DASHBOARD_USAGE = `Dashboard options (gatehouse dashboard [options]):
  --db FILE|postgres://URL  the database (default ./gatehouse.db): a SQLite file, created when
                          missing, or a PostgreSQL connection string (parts left out of the URL,
                          the password above all, come from PGPASSWORD, PGHOST, PGUSER, ...)
  --port N                default 8080; 0 picks a free port
  --host H                listen address (default 127.0.0.1)
  --tls-cert FILE --tls-key FILE
                          serve HTTPS from PEM files
  --config FILE           JSON: sla, oidc, publicBadges, bodyLimitBytes, ingestRateLimit,
                          authFailureLimit, webhook, cacheMegabytes
  --public-badges         badges readable without a credential
  admin token from GATEHOUSE_ADMIN_TOKEN, else printed once on a first start; webhook URL and
  signing secret from GATEHOUSE_WEBHOOK_URL and GATEHOUSE_WEBHOOK_SECRET; runs until SIGTERM or
  Ctrl-C; details: docs/dashboard.md

${MIGRATE_USAGE}`;

const HELP = { help: { type: 'boolean', short: 'h', default: false } } as const;

export interface DashboardIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export async function dashboardCommand(argv: string[], io: DashboardIo): Promise<number> {
  const { runDashboardCli, DASHBOARD_OPTIONS, MIGRATE_OPTIONS } = await import('../../dashboard/server.js');
  const migrate = argv[0] === 'migrate';
  // The subcommand's own flags and --help: an unknown flag is refused here, naming the nearest of them.
  const { values } = parseCommandArgs({
    args: migrate ? argv.slice(1) : argv,
    options: { ...(migrate ? MIGRATE_OPTIONS : DASHBOARD_OPTIONS), ...HELP },
    strict: true,
  });
  if (values.help) {
    io.stdout.write(`${migrate ? MIGRATE_USAGE : DASHBOARD_USAGE}\n`);
    return EXIT_CODES.passed;
  }
  try {
    // `migrate` finishes; serving keeps the process alive until a signal stops it.
    if (!(await runDashboardCli(argv))) return EXIT_CODES.passed;
  } catch (err) {
    if (isParseArgsError(err)) throw err;
    io.stderr.write(`gatehouse dashboard: ${withoutUrlPasswords(err instanceof Error ? err.message : String(err))}\n`);
    return EXIT_CODES.usage;
  }
  // The server keeps the process alive until a signal stops it.
  return await new Promise<number>(() => {});
}
