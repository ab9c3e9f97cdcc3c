// Query-string schemas for the read API; zod errors become a 400 naming the parameter.
import { z } from 'zod';
import { CategorySchema, SeveritySchema } from '../../src/findings/finding.js';
import { ApiError } from '../http-error.js';
import { isDay } from '../store/days.js';
import type { FindingFilter } from '../store/types.js';
import { WeekDaysSchema } from '../week-read.js';

export function zodIssueToApiError(error: z.ZodError, what: string): ApiError {
  const issue = error.issues[0];
  const field = issue.path.map(String).join('.');
  return new ApiError(400, `${what}: ${field ? `${field}: ` : ''}${issue.message}`, field || undefined);
}

const day = z.string().refine(isDay, 'expected a day as YYYY-MM-DD');
const booleanParam = z.enum(['true', 'false']).transform((v) => v === 'true');
const probability = z.coerce.number().min(0, 'expected a number from 0 to 1').max(1, 'expected a number from 0 to 1');

export const FindingQuerySchema = z.object({
  service: z.string().min(1).optional(),
  severity: SeveritySchema.optional(),
  category: CategorySchema.optional(),
  tool: z.string().min(1).optional(),
  state: z.enum(['open', 'fixed', 'all']).default('open'),
  /** `true`: KEV-listed findings only; `false`: the others. */
  kev: booleanParam.optional(),
  /** Lowest EPSS probability, 0-1 (unscored findings are left out). */
  epssMin: probability.optional(),
  /** Lowest EPSS percentile, 0-1 (unscored findings are left out). */
  epssPercentileMin: probability.optional(),
  /** `true`: open findings past their SLA (capped at KEV due dates) only. */
  slaBreached: booleanParam.optional(),
  sort: z.enum(['severity', 'age', 'firstSeen', 'lastSeen', 'title', 'tool', 'service', 'epss']).default('severity'),
  order: z.enum(['asc', 'desc']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

const EXPORT_MAX_ROWS = 100_000;
export const ExportQuerySchema = FindingQuerySchema.extend({
  limit: z.coerce.number().int().min(1).max(EXPORT_MAX_ROWS).default(EXPORT_MAX_ROWS),
});

export const PostureQuerySchema = z.object({ from: day.optional(), to: day.optional() });

export const WeekQuerySchema = z.object({
  days: WeekDaysSchema,
  limit: z.coerce.number().int().min(1).max(100).default(10),
});

export const LimitQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(50) });

export function parseQuery<S extends z.ZodType>(schema: S, query: Record<string, string>): z.infer<S> {
  const r = schema.safeParse(query);
  if (!r.success) throw zodIssueToApiError(r.error, 'invalid query');
  return r.data;
}

export function toFindingFilter(q: z.infer<typeof FindingQuerySchema>): FindingFilter {
  return {
    service: q.service,
    severity: q.severity,
    category: q.category,
    tool: q.tool,
    state: q.state,
    kev: q.kev,
    epssMin: q.epssMin,
    epssPercentileMin: q.epssPercentileMin,
    slaBreached: q.slaBreached,
    sort: q.sort,
    order: q.order,
    limit: q.limit,
    offset: q.offset,
  };
}
