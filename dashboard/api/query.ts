// Query-string schemas for the read API; zod errors become a 400 naming the parameter. The OpenAPI
// document's query parameters are generated from them (dashboard/openapi.ts), descriptions included.
import { z } from 'zod';
import { CategorySchema, SeveritySchema } from '../../src/findings/finding.js';
import { ApiError } from '../http-error.js';
import { isDay } from '../store/days.js';
import { FINDING_SORT_KEYS, type FindingFilter } from '../store/types.js';
import { WeekDaysSchema } from '../week-read.js';

export function zodIssueToApiError(error: z.ZodError, what: string): ApiError {
  const issue = error.issues[0];
  // A key the schema does not know is named by the issue, not by its path (the object's).
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path;
  const field = path.map(String).join('.');
  return new ApiError(400, `${what}: ${field ? `${field}: ` : ''}${issue.message}`, field || undefined);
}

// `format: date` says in JSON Schema what the refine checks (a refine is invisible to it).
const day = z.string().refine(isDay, 'expected a day as YYYY-MM-DD').meta({ format: 'date' });
const booleanParam = z.enum(['true', 'false']).transform((v) => v === 'true');
const probability = z.coerce.number().min(0, 'expected a number from 0 to 1').max(1, 'expected a number from 0 to 1');

export const FindingQuerySchema = z.object({
  service: z.string().min(1).optional(),
  severity: SeveritySchema.optional(),
  category: CategorySchema.optional(),
  tool: z.string().min(1).optional(),
  state: z.enum(['open', 'fixed', 'all']).default('open'),
  kev: booleanParam.optional().describe('true: KEV-listed findings only (CISA Known Exploited Vulnerabilities); false: the others'),
  epssMin: probability.optional().describe('lowest EPSS probability; unscored findings are left out'),
  epssPercentileMin: probability.optional().describe('lowest EPSS percentile; unscored findings are left out'),
  slaBreached: booleanParam.optional().describe('true: open findings past their SLA due date (the severity SLA capped at the KEV due date) only'),
  sort: z.enum(FINDING_SORT_KEYS).default('severity'),
  order: z.enum(['asc', 'desc']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const EXPORT_MAX_ROWS = 100_000;
export const ExportQuerySchema = FindingQuerySchema.extend({
  limit: z.coerce.number().int().min(1).max(EXPORT_MAX_ROWS).default(EXPORT_MAX_ROWS),
});

export const PostureQuerySchema = z.object({ from: day.optional().describe('default: to - 89 days'), to: day.optional().describe('default: today') });

export const WeekQuerySchema = z.object({
  days: WeekDaysSchema.describe('the window in days; any other value is a 400 naming `days`'),
  limit: z.coerce.number().int().min(1).max(100).default(10).describe('events listed (the counts cover every one)'),
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
