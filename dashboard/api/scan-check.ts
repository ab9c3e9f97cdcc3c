// POST /api/v1/scans/check: before a push sends any of a report's services (one POST /scans each),
// it asks whether the dashboard would take the report's repository for all of them. Without it, a
// report whose `(root)` belongs to another repository was refused mid-way, after the services
// before it were stored. The answer is the ingest's own rule (lifecycle.ts repositoryMoves), so
// 200 here means no POST /scans of these services is refused for its repository (unless another
// push moves them in between: each POST /scans still checks).
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { isServiceName, SERVICE_NAME_RULE } from '../../src/report/service-name.js';
import { currentPrincipal, mayIngestFor, requireRole } from '../auth/principal.js';
import type { AppEnv } from '../deps.js';
import { ApiError } from '../http-error.js';
import { jsonBody } from './json-body.js';
import { RepositoryMismatchError } from '../store/errors.js';
import { repositoryMoves } from '../store/lifecycle.js';
import type { RepositoryStore } from '../store/types.js';
import { zodIssueToApiError } from './query.js';

/** What a push asks: the report's repository and the names of its services. */
const ScanCheckSchema = z.object({
  repository: z.string().min(1).max(1000),
  services: z.array(z.string().refine(isServiceName, { message: `not a valid service name (${SERVICE_NAME_RULE})` })).min(1).max(10_000),
});

/** The answer (200): the repository, and the services asked about (sorted, each once). */
export const ScanCheckResponseSchema = z.object({ status: z.literal('ok'), repository: z.string(), services: z.array(z.string()) });

export function createScanCheckRoutes(deps: { store: RepositoryStore }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post(
    '/scans/check',
    requireRole('ingest'),
    // Names only: 10,000 of the longest service names fit in a few MiB.
    bodyLimit({
      maxSize: 4 * 1024 * 1024,
      onError: () => {
        throw new ApiError(413, 'check larger than 4 MiB', undefined, { Connection: 'close' });
      },
    }),
    async (c) => {
      const parsed = ScanCheckSchema.safeParse(await jsonBody(c));
      if (!parsed.success) throw zodIssueToApiError(parsed.error, 'invalid check');
      const { repository, services } = parsed.data;
      const p = currentPrincipal(c);
      // Only what the caller may ingest is answered for: the check tells no more than a POST /scans would.
      for (const service of services) {
        if (!mayIngestFor(p, service)) throw new ApiError(403, `${p.actor} may not ingest scans of service "${service}"`, 'services');
      }
      try {
        repositoryMoves({ source: { repository } }, await deps.store.repositoriesOf(services), false);
      } catch (err) {
        if (err instanceof RepositoryMismatchError) throw new ApiError(409, err.message, err.field);
        throw err;
      }
      const answer: z.infer<typeof ScanCheckResponseSchema> = { status: 'ok', repository, services: [...new Set(services)].sort() };
      return c.json(answer);
    },
  );
  return app;
}
