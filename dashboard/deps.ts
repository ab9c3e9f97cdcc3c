// What the app and its route modules share: configuration, dependencies and the hono environment.
// Its own module so app.ts imports the routes and the routes import this, never app.ts (no circle).
import type { Logger } from '../src/logger.js';
import { DEFAULT_AUTH_FAILURE_LIMIT } from './auth/failure-throttle.js';
import type { OidcVerifier } from './auth/oidc.js';
import type { AuthVariables } from './auth/principal.js';
import type { RateLimitOptions } from './auth/rate-limit.js';
import type { WebhookNotifier } from './notify/webhook.js';
import type { Store } from './store/types.js';
import type { PageWarmer } from './page-warmer.js';
import type { VersionedCache } from './version-cache.js';

export interface DashboardConfig {
  /** Served over TLS by this process: HSTS header and Secure cookies. */
  tls: boolean;
  /** Largest accepted ingest body. */
  bodyLimitBytes: number;
  /** Uploads per token (or per OIDC repository), counted per dashboard process (see docs). */
  ingestRateLimit: RateLimitOptions;
  /** Badges readable without a credential (to embed in READMEs). */
  publicBadges: boolean;
  /** Failed logins and refused bearer credentials per client address, before 429s. */
  authFailureLimit: RateLimitOptions;
}

export const DEFAULT_DASHBOARD_CONFIG: DashboardConfig = {
  tls: false,
  bodyLimitBytes: 32 * 1024 * 1024,
  ingestRateLimit: { perMinute: 120, burst: 120 },
  publicBadges: false,
  authFailureLimit: DEFAULT_AUTH_FAILURE_LIMIT,
};

export interface AppDeps {
  store: Store;
  config: DashboardConfig;
  logger: Logger;
  /** GitHub Actions OIDC verification; without it OIDC tokens are refused. */
  oidc?: OidcVerifier;
  /** The one clock of the app (sessions, ages, SLA); tests pin it. */
  now?: () => Date;
  /** Extra origins allowed to POST forms (e.g. the public https URL behind a proxy). */
  allowedOrigins?: string[];
  /** Keep rendered pages and JSON bodies until the data changes (default true). */
  cachePages?: boolean;
  /** Webhook notifications (new critical/KEV findings on snapshots, SLA breaches); none when unset. */
  notifier?: WebhookNotifier;
  /**
   * The cache's budget in bytes, fixed (cache-budget.ts). Default: MIN_CACHE_BYTES, grown with the
   * number of services work ahead finds.
   */
  cacheBytes?: number;
  /**
   * Render the overview and up to this many service pages (and their polled answers) into the
   * cache right away, in the background (page-warmer.ts), so first visits after a start find them
   * rendered; their answers again when the UTC day turns. Default 0 (none); the dashboard server
   * warms all (WARM_ALL). Pages of ingested services are rendered ahead whenever caching is on.
   */
  warmPagesOnStart?: number;
  /** The warmer to use (tests wait on its idle()); default: one of the app's own when caching is on. */
  pageWarmer?: PageWarmer;
}

export type AppEnv = { Variables: AuthVariables };

/** What every route module gets: the deps, with the clock resolved and the app's one cache. */
export interface RouteDeps extends Omit<AppDeps, 'cachePages' | 'cacheBytes' | 'warmPagesOnStart' | 'pageWarmer'> {
  now: () => Date;
  /** Undefined when caching is off. */
  cache: VersionedCache | undefined;
  /** Renders pages into `cache` ahead of their visit; undefined when caching is off. */
  warmer: PageWarmer | undefined;
}
