// The body of GET /api/v1/services from the store's overview rows (src/report/read-api.ts
// ServicesResponseSchema): every service's trend covers the same days, said once as `trendDays`;
// each service carries only its totals. At 5,000 services that is 2 MB of JSON instead of 6.3.
import type { z } from 'zod';
import type { ServicesResponseSchema } from '../../src/report/read-api.js';
import { trendWindow } from '../store/rows.js';
import type { ServiceOverview } from '../store/types.js';

type ServicesResponse = z.infer<typeof ServicesResponseSchema>;

/** The answer for `rows` (computed at `at`: the window's days when there is no service). */
export function servicesResponse(rows: readonly ServiceOverview[], at: Date): ServicesResponse {
  const trendDays = rows.length > 0 ? rows[0].trend.map((p) => p.day) : [...trendWindow(at).days];
  return {
    trendDays,
    services: rows.map(({ trend, ...service }) => ({ ...service, trendTotals: trend.map((p) => p.total) })),
  };
}
