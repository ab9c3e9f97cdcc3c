// "This week, at a glance" as one read: the events of the window (7, 14 or 30 days), each service's
// change over it, the SLA breaches now and the portfolio's 13-week remediation trend. The overview
// page and GET /api/v1/week both answer it (WeekResponseSchema in src/report/read-api.ts), through
// the app's one cache like the overview rows.
import { z } from 'zod';
import { cachedOverview, overviewPeriod } from './cached-reads.js';
import type { RouteDeps } from './deps.js';
import type { ReadStore } from './store/types.js';
import type { WeekResponse } from './store/week.js';

/** The windows the panel offers, in days; 7 is the default. */
export const WEEK_WINDOWS = [7, 14, 30] as const;
type WeekWindow = (typeof WEEK_WINDOWS)[number];
export const DEFAULT_WEEK_DAYS: WeekWindow = 7;
/** GET /api/v1/week and the overview page: the window (7, 14 or 30 days; anything else is a 400 naming `days`). */
export const WeekDaysSchema = z
  .enum(['7', '14', '30'], { message: 'expected 7, 14 or 30 (days)' })
  .default('7')
  .transform((d) => Number(d) as WeekWindow);
/** Events listed on the panel (the counts cover every one). */
const WEEK_LIST_LIMIT = 10;

export async function readWeek(
  deps: Pick<RouteDeps, 'cache'> & { store: ReadStore },
  now: Date,
  days: WeekWindow,
  limit: number = WEEK_LIST_LIMIT,
  version?: number,
): Promise<WeekResponse> {
  const compute = async (): Promise<WeekResponse> => {
    const since = new Date(now.getTime() - days * 86_400_000).toISOString();
    const [week, services, remediation, rows] = await Promise.all([
      deps.store.weekSummary(since, limit),
      deps.store.serviceChanges(since),
      deps.store.remediationTrend(now),
      cachedOverview(deps, now, version),
    ]);
    return {
      days,
      since: week.since,
      counts: week.counts,
      events: week.events,
      oldestOpen: week.oldestOpen,
      // A retired service's breaches are left out, as from the overview's totals (store/retire.ts).
      slaBreachesNow: rows.reduce((n, r) => n + (r.retired ? 0 : r.slaBreaches), 0),
      services,
      remediation,
    };
  };
  if (!deps.cache) return compute();
  const v = version ?? (await deps.store.dataVersion());
  const key = `week|${days}|${limit}|${now.toISOString().slice(0, 10)}|${overviewPeriod(now)}`;
  return deps.cache.get(key, v, compute, (w) => 4096 + w.services.length * 256);
}
