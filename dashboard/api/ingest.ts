// POST /api/v1/scans: the engine's JSON report in, one transaction per report, idempotent on scanId
// (201 created, 200 duplicate: a replay changes nothing and says so).
import { Hono } from 'hono';
import { z } from 'zod';
import { bodyLimit } from 'hono/body-limit';
import { ScanReportSchema, type ScanReport } from '../../src/report/scan-report.js';
import { isServiceName, SERVICE_NAME_RULE } from '../../src/report/service-name.js';
import { currentPrincipal, mayIngestFor, requireRole, type Principal } from '../auth/principal.js';
import { createRateLimiter } from '../auth/rate-limit.js';
import type { AppEnv, RouteDeps } from '../deps.js';
import { ApiError } from '../http-error.js';
import { RepositoryMismatchError } from '../store/errors.js';
import { parseStorableJson } from '../store/text.js';
import type { IngestStore } from '../store/types.js';
import { parseQuery, zodIssueToApiError } from './query.js';
import { warmUpScanReportSchema } from './schema-warm-up.js';

/**
 * `?moveRepository=true`: the caller says the service's repository was renamed or moved, so a
 * report from another repository than the service's scans is taken (and the move audited).
 */
export const IngestQuerySchema = z.object({
  moveRepository: z
    .enum(['true', 'false'])
    .optional()
    .describe("true: the report's repository was renamed or moved; its services move to it (audited as service.move-repository)"),
});

const count = z.number().int().nonnegative();

/**
 * The answer: 201 `created`, or 200 `duplicate` (this scanId's report again: nothing changed). Only
 * these fields of the store's IngestResult: the rest is for notifications and the audit log.
 */
export const IngestResponseSchema = z.object({
  status: z.enum(['created', 'duplicate']),
  scanId: z.string(),
  /** The report's services. */
  services: z.array(z.string()),
  /** Lifecycle changes this ingest made (all 0 for PR scans and duplicates). */
  opened: count,
  fixed: count,
  reopened: count,
});

/** How far ahead of this server's clock a report's createdAt may be. */
const MAX_CLOCK_SKEW_MS = 24 * 3600_000;

/** Every service a report speaks about (the scope check covers all of them). */
function servicesOfReport(report: ScanReport): string[] {
  const names = new Set<string>();
  for (const s of report.services) names.add(s.name);
  for (const f of report.findings) names.add(f.service);
  for (const r of report.scanners) names.add(r.service);
  return [...names].sort();
}

/**
 * The idempotency scope of a caller: what it may write. Callers with the same scope share scan ids
 * (a retry with a rotated token is still a duplicate); a caller scoped to A never collides with B.
 */
function ingestScope(p: Principal): string {
  return p.role === 'admin' || p.services.length === 0 ? '*' : [...p.services].sort().join(',');
}

/**
 * A secret's preview as the engine's maskSecret makes it: at most 4 visible characters, then the
 * fixed `****` mask. Anything else may be (part of) the secret itself.
 */
const MASKED_PREVIEW = /^\S{0,4}\*{4}$/;

/** The first field of a report that breaks a rule the schema cannot say: service names, secret previews. */
function reportRuleViolation(report: ScanReport): { field: string; message: string } | undefined {
  const badName = (name: string) => !isServiceName(name);
  const shown = (name: string) => JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);
  for (const [i, s] of report.services.entries()) {
    if (badName(s.name)) return { field: `services.${i}.name`, message: `service name ${shown(s.name)} is not valid (${SERVICE_NAME_RULE})` };
  }
  for (const [i, r] of report.scanners.entries()) {
    if (badName(r.service)) return { field: `scanners.${i}.service`, message: `service name ${shown(r.service)} is not valid (${SERVICE_NAME_RULE})` };
  }
  for (const [i, f] of report.findings.entries()) {
    if (badName(f.service)) return { field: `findings.${i}.service`, message: `service name ${shown(f.service)} is not valid (${SERVICE_NAME_RULE})` };
    // The value is never echoed: it may be the secret.
    if (f.secretPreview !== undefined && !MASKED_PREVIEW.test(f.secretPreview)) {
      return {
        field: `findings.${i}.secretPreview`,
        message: 'secretPreview is not a masked preview (at most 4 visible characters, then "****"); the report was refused and nothing of it stored',
      };
    }
  }
  return undefined;
}

export function createIngestRoutes(deps: Pick<RouteDeps, 'config' | 'logger' | 'notifier' | 'warmer' | 'now'> & { store: IngestStore }): Hono<AppEnv> {

  const app = new Hono<AppEnv>();
  // The report schema's parser compiled ahead, in quiet, not on the process's first upload (schema-warm-up.ts).
  deps.warmer?.enqueue('ingest|schema', async () => warmUpScanReportSchema());
  const limiter = createRateLimiter(deps.config.ingestRateLimit);
  const maxMiB = (deps.config.bodyLimitBytes / 1024 / 1024).toFixed(1);

  app.post(
    '/scans',
    requireRole('ingest'),
    async (c, next) => {
      const p = currentPrincipal(c);
      const decision = limiter.take(p.rateKey);
      if (!decision.ok) {
        throw new ApiError(429, `too many uploads for ${p.actor}; retry in ${decision.retryAfterSeconds} s`, undefined, {
          'Retry-After': String(decision.retryAfterSeconds),
        });
      }
      await next();
    },
    bodyLimit({
      maxSize: deps.config.bodyLimitBytes,
      onError: () => {
        // The rest of the body is never read: close the connection so no client reuses it mid-body.
        throw new ApiError(413, `scan report larger than the limit of ${maxMiB} MiB (bodyLimitBytes)`, undefined, {
          Connection: 'close',
        });
      },
    }),
    async (c) => {
      const p = currentPrincipal(c);
      const query = parseQuery(IngestQuerySchema, c.req.query());
      const text = await c.req.text();
      let body: unknown;
      try {
        // NUL characters and lone surrogates become U+FFFD (stored alike on both backends; store/text.ts).
        body = parseStorableJson(text);
      } catch (err) {
        throw new ApiError(400, `body is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
      }
      const parsed = ScanReportSchema.safeParse(body);
      if (!parsed.success) throw zodIssueToApiError(parsed.error, 'invalid scan report');
      const report = parsed.data;
      const violation = reportRuleViolation(report);
      if (violation) throw new ApiError(400, `invalid scan report: ${violation.field}: ${violation.message}`, violation.field);
      // A snapshot marks every open finding it lacks as fixed: only refs allowed to write the
      // default branch's state may send one (OIDC: `snapshotRefs`; pull-request refs never).
      if (report.kind === 'snapshot' && p.maySnapshot === false) {
        throw new ApiError(403, `${p.actor} may upload PR scans only, not kind "snapshot" (its ref is not in snapshotRefs)`, 'kind');
      }
      // A snapshot from the future would become "the latest" and turn every real one into a late one.
      const at = deps.now();
      if (Date.parse(report.createdAt) > at.getTime() + MAX_CLOCK_SKEW_MS) {
        throw new ApiError(400, `invalid scan report: createdAt ${report.createdAt} is in the future`, 'createdAt');
      }
      for (const service of servicesOfReport(report)) {
        if (!mayIngestFor(p, service)) {
          throw new ApiError(403, `${p.actor} may not ingest scans of service "${service}"`, 'services');
        }
      }
      let ingested;
      try {
        ingested = await deps.store.ingestScan(report, p.actor, ingestScope(p), { moveRepository: query.moveRepository === 'true', now: at });
      } catch (err) {
        if (err instanceof RepositoryMismatchError) throw new ApiError(409, err.message, err.field);
        throw err;
      }
      const { notable, ...result } = ingested;
      // In the background: a slow or dead receiver never delays or fails the upload.
      if (notable && notable.length > 0) deps.notifier?.notifyIngest(notable);
      if (result.status === 'conflict') {
        throw new ApiError(
          409,
          `scan id "${report.scanId}" was already used for ${result.services.map((s) => `"${s}"`).join(', ')} with a different report; nothing was stored (use a new scan id)`,
          'scanId',
        );
      }
      if (result.status === 'created') {
        // The pages a notification or a CI link opens next: rendered in the background now.
        deps.warmer?.afterIngest(result.services);
        // Its audit rows (who uploaded what, the moves it made) were written in the ingest's own
        // transaction (store/ingest-audit.ts).
        deps.logger.info(
          `ingested ${report.kind} scan ${report.scanId} (${result.services.join(', ')}): ${report.findings.length} finding${report.findings.length === 1 ? '' : 's'}, +${result.opened} opened, ${result.fixed} fixed, ${result.reopened} reopened, by ${p.actor}`,
        );
      }
      const answer: z.infer<typeof IngestResponseSchema> = {
        status: result.status,
        scanId: result.scanId,
        services: result.services,
        opened: result.opened,
        fixed: result.fixed,
        reopened: result.reopened,
      };
      return c.json(answer, answer.status === 'created' ? 201 : 200);
    },
  );
  return app;
}
