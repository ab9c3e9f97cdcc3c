// Starts the dashboard: opens (or creates) the SQLite file, bootstraps an admin token, serves HTTP
// or HTTPS with @hono/node-server, and on SIGTERM finishes in-flight requests, checkpoints the WAL
// and closes. Runnable: `node --import tsx dashboard/server.ts --db ./gatehouse.db --port 8080`.
import { existsSync, readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { serve, type ServerType } from '@hono/node-server';
import { z } from 'zod';
import { withoutUrlPasswords } from '../src/errors.js';
import { SeveritySchema } from '../src/findings/finding.js';
import { createConsoleLogger, type Logger } from '../src/logger.js';
import { createApp } from './app.js';
import { loopStatsFromEnv, processLoopMonitor } from './loop-stats.js';
import { PageWarmer, WARM_ALL } from './page-warmer.js';
import { DEFAULT_DASHBOARD_CONFIG, type DashboardConfig } from './deps.js';
import { createOidcVerifier, OidcConfigSchema, type OidcConfig } from './auth/oidc.js';
import type { RateLimitOptions } from './auth/rate-limit.js';
import { isPostgresUrl, redactUrl } from './store/postgres/open.js';
import { migrateSqliteToPostgres } from './store/migrate-backend.js';
import { openStore } from './store/store.js';
import { createWebhookNotifier, WebhookConfigSchema, type WebhookNotifier } from './notify/webhook.js';
import type { AuthStore, SlaDays, Store } from './store/types.js';

export interface StartDashboardOptions {
  /** SQLite file; created with its schema when missing. */
  db: string;
  /** 0 picks a free port (tests). */
  port: number;
  host?: string;
  /** Bootstrap admin token (default: GATEHOUSE_ADMIN_TOKEN); when neither is set and no admin exists, one is generated and printed once. */
  adminToken?: string;
  /** PEM certificate and key (contents, not paths): serve HTTPS, send HSTS, mark cookies Secure. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  sla?: SlaDays;
  oidc?: OidcConfig;
  publicBadges?: boolean;
  bodyLimitBytes?: number;
  ingestRateLimit?: RateLimitOptions;
  /** Failed logins / refused bearer credentials per client address (default 20, then 10 a minute). */
  authFailureLimit?: RateLimitOptions;
  logger?: Logger;
  /** Where the URL and the one-time admin token are printed (default: stdout). */
  print?: (line: string) => void;
  /** Close gracefully on SIGTERM/SIGINT and exit (the CLI does; tests and embedders need not). */
  handleSignals?: boolean;
  /**
   * Webhook notifications (docs/dashboard.md). The URL may instead come from GATEHOUSE_WEBHOOK_URL
   * (a Slack webhook URL is a secret: keep it out of files and argv).
   */
  webhook?: Partial<z.input<typeof WebhookConfigSchema>>;
  /** HMAC-SHA256 signing key (default: GATEHOUSE_WEBHOOK_SECRET). */
  webhookSecret?: string;
  /** Services whose pages are rendered ahead on start (default all: WARM_ALL; 0: none). */
  warmPagesOnStart?: number;
  /**
   * The cache's budget in MB (pages and API answers; work ahead fills at most 3/4 of it). Default:
   * 48 MB, grown with the number of services (cache-budget.ts: 64 KB a service over 3/4).
   */
  cacheMegabytes?: number;
  /** The app's clock (default the system's): a bench moves it to a day turn (bench/shifted-clock-server.ts). */
  now?: () => Date;
}

export interface RunningDashboard {
  url: string;
  port: number;
  /** The admin token generated on this start (first start only), else undefined. */
  generatedAdminToken?: string;
  store: Store;
  server: ServerType;
  /** Stops accepting, waits for in-flight requests (at most 10 s), checkpoints the WAL, closes the file. */
  close(): Promise<void>;
  /** The webhook notifier, when one is configured. */
  notifier?: WebhookNotifier;
}

const MIN_ADMIN_TOKEN_LENGTH = 24;

export async function startDashboard(opts: StartDashboardOptions): Promise<RunningDashboard> {
  const logger = opts.logger ?? createConsoleLogger();
  const print = opts.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  if (opts.cacheMegabytes !== undefined && !(Number.isInteger(opts.cacheMegabytes) && opts.cacheMegabytes > 0)) {
    throw new Error(`cacheMegabytes: not a positive whole number of megabytes: ${opts.cacheMegabytes}`);
  }
  const store = await openStore(opts.db, { sla: opts.sla });
  const config: DashboardConfig = {
    tls: opts.tls !== undefined,
    bodyLimitBytes: opts.bodyLimitBytes ?? DEFAULT_DASHBOARD_CONFIG.bodyLimitBytes,
    ingestRateLimit: opts.ingestRateLimit ?? DEFAULT_DASHBOARD_CONFIG.ingestRateLimit,
    publicBadges: opts.publicBadges ?? DEFAULT_DASHBOARD_CONFIG.publicBadges,
    authFailureLimit: opts.authFailureLimit ?? DEFAULT_DASHBOARD_CONFIG.authFailureLimit,
  };

  let generatedAdminToken: string | undefined;
  try {
    generatedAdminToken = await bootstrapAdmin(store, opts.adminToken ?? process.env.GATEHOUSE_ADMIN_TOKEN, logger, opts.now?.() ?? new Date());
  } catch (err) {
    await store.close();
    throw err;
  }

  let notifier: WebhookNotifier | undefined;
  try {
    notifier = webhookNotifier(opts, store, logger);
  } catch (err) {
    await store.close();
    throw err;
  }
  // The overview and every service's page and polled answers (worst first) are computed in the
  // background right away: first visits after a start or deploy find them in the cache. A bench's
  // loop figures (loop-stats.ts) show the steps of that work beside the blocks.
  const pageWarmer = new PageWarmer(logger);
  processLoopMonitor()?.reportWorkAhead(() => pageWarmer.takeFigures());
  const app = createApp({
    store,
    config,
    logger,
    oidc: opts.oidc ? createOidcVerifier(opts.oidc) : undefined,
    notifier,
    now: opts.now,
    warmPagesOnStart: opts.warmPagesOnStart ?? WARM_ALL,
    pageWarmer,
    cacheBytes: opts.cacheMegabytes === undefined ? undefined : opts.cacheMegabytes * 1024 * 1024,
  });
  const host = opts.host ?? '127.0.0.1';
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve(
      opts.tls
        ? { fetch: app.fetch, port: opts.port, hostname: host, createServer: createHttpsServer, serverOptions: { cert: opts.tls.cert, key: opts.tls.key } }
        : { fetch: app.fetch, port: opts.port, hostname: host },
      () => resolve(s),
    );
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `${opts.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  print(`Gatehouse dashboard: ${url} (database ${isPostgresUrl(opts.db) ? redactUrl(opts.db) : withoutUrlPasswords(opts.db)})`);
  if (generatedAdminToken) {
    print(`Admin token (shown once; store it now, then log in with it): ${generatedAdminToken}`);
  }

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      // No more work ahead, nor its timers: the store closes below.
      pageWarmer.stop();
      const force = setTimeout(() => {
        if ('closeAllConnections' in server) server.closeAllConnections();
      }, 10_000);
      force.unref();
      server.close(() => {
        clearTimeout(force);
        void (notifier?.close() ?? Promise.resolve())
          .then(() => store.checkpoint())
          .finally(() => store.close())
          .catch((err: unknown) => logger.error(`closing the store: ${err instanceof Error ? err.message : String(err)}`))
          .finally(resolve);
      });
      if ('closeIdleConnections' in server) server.closeIdleConnections();
    }));

  if (opts.handleSignals) {
    const onSignal = (signal: string) => {
      logger.info(`${signal}: finishing in-flight requests, checkpointing the database`);
      void close().then(() => process.exit(0));
    };
    process.once('SIGTERM', () => onSignal('SIGTERM'));
    process.once('SIGINT', () => onSignal('SIGINT'));
  }
  notifier?.start();
  return { url, port, generatedAdminToken, store, server, close, notifier };
}

/** The notifier when a webhook URL is configured (options or GATEHOUSE_WEBHOOK_URL); errors name the field. */
function webhookNotifier(opts: StartDashboardOptions, store: Store, logger: Logger): WebhookNotifier | undefined {
  const url = opts.webhook?.url ?? process.env.GATEHOUSE_WEBHOOK_URL;
  if (!url) return undefined;
  const parsed = WebhookConfigSchema.safeParse({ ...opts.webhook, url });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // The URL itself is never echoed: it may carry a token.
    throw new Error(`webhook.${issue.path.join('.')}: ${issue.message}`);
  }
  const secret = opts.webhookSecret ?? process.env.GATEHOUSE_WEBHOOK_SECRET;
  if (!secret && parsed.data.format === 'json') logger.warning('webhook: no GATEHOUSE_WEBHOOK_SECRET; notifications are sent unsigned');
  return createWebhookNotifier({ config: parsed.data, secret: secret || undefined, store, logger, now: opts.now });
}

/** Makes sure an admin can log in; returns a newly generated token to print once. */
async function bootstrapAdmin(store: AuthStore, given: string | undefined, logger: Logger, now: Date): Promise<string | undefined> {
  if (given !== undefined && given !== '') {
    if (given.length < MIN_ADMIN_TOKEN_LENGTH) {
      throw new Error(`GATEHOUSE_ADMIN_TOKEN / adminToken must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters`);
    }
    const known = await store.verifyToken(given, now);
    if (known) return undefined;
    try {
      const { id } = await store.createToken({ role: 'admin', label: 'bootstrap admin (GATEHOUSE_ADMIN_TOKEN)', value: given }, now);
      await store.addAudit('system', 'token.bootstrap', { id, source: 'GATEHOUSE_ADMIN_TOKEN' }, now);
    } catch {
      logger.warning('the given admin token was revoked or expired earlier; it is not re-enabled');
    }
    return undefined;
  }
  // Only expired or revoked admin tokens leave nobody able to administer: a new one, as on a first start.
  if (await store.hasActiveAdmin(now)) return undefined;
  const { id, token } = await store.createToken({ role: 'admin', label: 'bootstrap admin (first start)' }, now);
  await store.addAudit('system', 'token.bootstrap', { id, source: 'generated' }, now);
  return token;
}

/** Optional JSON config file for the runnable entry (`--config`). */
const DashboardFileConfigSchema = z.object({
  sla: z.record(SeveritySchema, z.number().int().positive()).optional(),
  oidc: OidcConfigSchema.optional(),
  publicBadges: z.boolean().optional(),
  bodyLimitBytes: z.number().int().positive().optional(),
  ingestRateLimit: z.object({ perMinute: z.number().positive(), burst: z.number().int().positive().optional() }).optional(),
  authFailureLimit: z.object({ perMinute: z.number().positive(), burst: z.number().int().positive().optional() }).optional(),
  /** Webhook notifications; `url` may be left to GATEHOUSE_WEBHOOK_URL, the secret is GATEHOUSE_WEBHOOK_SECRET only. */
  webhook: WebhookConfigSchema.partial({ url: true }).strict().optional(),
  /** The cache's budget in MB (default: grows with the number of services). */
  cacheMegabytes: z.number().int().positive().optional(),
});

/** The flags of `migrate` (the CLI parses `--help` with them and suggests among them: src/cli/dashboard-command.ts). */
export const MIGRATE_OPTIONS = { from: { type: 'string' }, to: { type: 'string' } } as const;

/** `migrate --from FILE.db --to postgres://...`: copies a SQLite store into an empty PostgreSQL one. */
export async function runMigrateCli(argv: string[], print: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<void> {
  const { values } = parseArgs({ args: argv, options: MIGRATE_OPTIONS, strict: true });
  if (!values.from || !values.to) throw new Error('migrate needs --from FILE.db and --to postgres://...');
  if (!isPostgresUrl(values.to)) throw new Error('--to must be a postgres:// connection string');
  if (!existsSync(values.from)) throw new Error(`--from: no such file ${values.from}`);
  const { counts } = await migrateSqliteToPostgres(values.from, values.to, print);
  print(`copied ${values.from} to ${redactUrl(values.to)}: ${Object.entries(counts).map(([t, n]) => `${t} ${n}`).join(', ')} (counts verified)`);
}

/** The flags of `gatehouse dashboard` (the CLI parses `--help` with them and suggests among them). */
export const DASHBOARD_OPTIONS = {
  db: { type: 'string', default: './gatehouse.db' },
  port: { type: 'string', default: '8080' },
  host: { type: 'string', default: '127.0.0.1' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  config: { type: 'string' },
  'public-badges': { type: 'boolean', default: false },
} as const;

export async function runDashboardCli(argv: string[]): Promise<RunningDashboard | undefined> {
  if (argv[0] === 'migrate') {
    await runMigrateCli(argv.slice(1));
    return undefined;
  }
  // Benches only (bench/http-load.ts): event-loop blocks printed on SIGUSR2.
  loopStatsFromEnv();
  const { values } = parseArgs({ args: argv, options: DASHBOARD_OPTIONS, strict: true });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: not a port number: ${values.port}`);
  if (!!values['tls-cert'] !== !!values['tls-key']) throw new Error('--tls-cert and --tls-key go together');
  let fileConfig: z.infer<typeof DashboardFileConfigSchema> = {};
  if (values.config) {
    const parsed = DashboardFileConfigSchema.safeParse(JSON.parse(readFileSync(values.config, 'utf8')));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${values.config}: ${issue.path.join('.')}: ${issue.message}`);
    }
    fileConfig = parsed.data;
  }
  return startDashboard({
    db: values.db!,
    port,
    host: values.host,
    tls: values['tls-cert'] ? { cert: readFileSync(values['tls-cert']), key: readFileSync(values['tls-key']!) } : undefined,
    ...fileConfig,
    publicBadges: values['public-badges'] || fileConfig.publicBadges,
    handleSignals: true,
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runDashboardCli(process.argv.slice(2)).then((running) => {
    if (!running) process.exit(0);
  }, (err: unknown) => {
    process.stderr.write(`error: ${withoutUrlPasswords(err instanceof Error ? err.message : String(err))}\n`);
    process.exit(2);
  });
}
