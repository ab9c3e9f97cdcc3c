// Triage on the dashboard, backend-independent parts: the input rules (zod), the stored rows to the
// contract's types, and the OpenVEX export. The backends (sqlite/triage.ts, postgres/triage.ts)
// apply a decision, its history row, the audit entry and the data version in one transaction.
//
// Rules: a decision needs a reason; `accepted_risk` also an owner and a date (today or later; it
// holds to the end of that day, UTC); `not_affected` a VEX justification. An acceptance past its
// date is expired by `expireTriage` (an `expired` history row and an audit entry): the finding
// counts again. Reads never apply an expired acceptance, swept or not.
import { z } from 'zod';
import {
  TRIAGE_STATUS_LABELS,
  TriageStatusSchema,
  VexJustificationSchema,
  type TriageDecision,
  type TriageEvent,
  type TriageStatus,
} from '../../src/report/triage.js';
import type { Finding } from '../../src/findings/finding.js';
import { hasNul, NUL_REFUSED } from './text.js';

// Typed text; a NUL is refused (PostgreSQL cannot store one, store/text.ts).
const text = (max: number) => z.string().trim().max(max).refine((s) => !hasNul(s), NUL_REFUSED);

/** The fields of a decision (the form and the API share them; the rules are in `refineTriage`). */
export const TRIAGE_FIELDS = {
  status: TriageStatusSchema,
  reason: text(1000).min(1, 'a reason is required'),
  owner: text(200).optional(),
  /** YYYY-MM-DD, accepted_risk only: the last day it holds (UTC). */
  until: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD').optional(),
  /** not_affected only: an OpenVEX v0.2.0 justification. */
  justification: VexJustificationSchema.optional(),
};

/** What a person submits for one finding (the form and any API share it). */
export const TriageInputSchema = z.object(TRIAGE_FIELDS).superRefine(refineTriage);

/** The rules across fields: an accepted risk needs an owner and a date; not affected a VEX justification. */
export function refineTriage(
  v: { status: TriageStatus; owner?: string; until?: string; justification?: string },
  ctx: z.RefinementCtx,
): void {
  if (v.status === 'accepted_risk') {
    if (!v.owner) ctx.addIssue({ code: 'custom', path: ['owner'], message: 'an accepted risk needs an owner' });
    if (!v.until) ctx.addIssue({ code: 'custom', path: ['until'], message: 'an accepted risk needs a date it holds until' });
    else if (Number.isNaN(Date.parse(`${v.until}T00:00:00Z`)) || new Date(`${v.until}T00:00:00Z`).toISOString().slice(0, 10) !== v.until) {
      ctx.addIssue({ code: 'custom', path: ['until'], message: `${v.until} is not a date` });
    }
  } else if (v.until) {
    ctx.addIssue({ code: 'custom', path: ['until'], message: 'only an accepted risk has a date' });
  }
  if (v.status === 'not_affected' && !v.justification) {
    ctx.addIssue({ code: 'custom', path: ['justification'], message: 'not affected needs a VEX justification' });
  }
  if (v.status !== 'not_affected' && v.justification) {
    ctx.addIssue({ code: 'custom', path: ['justification'], message: 'only "not affected" takes a VEX justification' });
  }
}
type TriageInput = z.infer<typeof TriageInputSchema>;

/** A validated input, as stored: the acceptance's date as the last instant of that day (UTC). */
export interface TriageRecord {
  status: TriageStatus;
  reason: string;
  owner: string | null;
  expiresAt: string | null;
  justification: string | null;
  decidedBy: string;
}

export class TriageInputError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'TriageInputError';
  }
}

/** The stored form of an input; throws TriageInputError (naming the field) for a date in the past. */
export function toTriageRecord(input: TriageInput, decidedBy: string, now: Date): TriageRecord {
  const expiresAt = input.status === 'accepted_risk' && input.until ? `${input.until}T23:59:59.999Z` : null;
  if (expiresAt && Date.parse(expiresAt) <= now.getTime()) {
    throw new TriageInputError(`until: ${input.until} is in the past; an acceptance holds until a day to come`, 'until');
  }
  return {
    status: input.status,
    reason: input.reason,
    owner: input.status === 'accepted_risk' ? (input.owner ?? null) : (input.owner || null),
    expiresAt,
    justification: input.status === 'not_affected' ? (input.justification ?? null) : null,
    decidedBy,
  };
}

export interface TriageDbRow {
  service: string;
  fingerprint: string;
  rule_id: string;
  title: string;
  status: TriageStatus;
  justification: string | null;
  reason: string;
  owner: string | null;
  expires_at: string | null;
  decided_by: string;
  decided_at: string;
}

export function toTriageDecision(r: TriageDbRow): TriageDecision {
  return {
    service: r.service,
    fingerprint: r.fingerprint,
    ruleId: r.rule_id,
    title: r.title,
    status: r.status,
    justification: (r.justification as TriageDecision['justification']) ?? null,
    reason: r.reason,
    owner: r.owner,
    expiresAt: r.expires_at,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
  };
}

export interface TriageEventDbRow {
  action: TriageEvent['action'];
  status: TriageStatus | null;
  justification: string | null;
  reason: string | null;
  owner: string | null;
  expires_at: string | null;
  actor: string;
  at: string;
}

export function toTriageEvent(r: TriageEventDbRow): TriageEvent {
  return {
    action: r.action,
    status: r.status,
    justification: (r.justification as TriageEvent['justification']) ?? null,
    reason: r.reason,
    owner: r.owner,
    expiresAt: r.expires_at,
    actor: r.actor,
    at: r.at,
  };
}

/** Whether a stored decision is in force at `now` (an acceptance past its end is not). */
export function triageInForce(expiresAt: string | null, now: Date): boolean {
  return expiresAt === null || Date.parse(expiresAt) > now.getTime();
}

/**
 * The fingerprints of a service's stored decisions in force at `at` (an ingest's PriorService.triaged):
 * made by then and not ended. (A decision cleared since is no longer stored: a late snapshot's day
 * counts what it decided then as open.)
 */
export function triagedAt(rows: readonly { fingerprint: string; expires_at: string | null; decided_at: string }[], at: string): Set<string> {
  const when = new Date(at);
  return new Set(rows.filter((r) => r.decided_at <= at && triageInForce(r.expires_at, when)).map((r) => r.fingerprint));
}

export interface TriageResult {
  /** Findings the decision was applied to (bulk: those that exist). */
  applied: number;
  /** Fingerprints not found in the service. */
  missing: string[];
}

/** Triage decisions and their history. */
export interface TriageStore {
  /**
   * Sets (or replaces) the decision on each listed finding of one service, with a history row and
   * one audit entry per finding, in one transaction.
   */
  setTriage(service: string, fingerprints: string[], record: TriageRecord, actor: string, now?: Date): Promise<TriageResult>;
  /** Removes the decisions (history `cleared`, audited); findings without one are `missing`. */
  clearTriage(service: string, fingerprints: string[], actor: string, now?: Date): Promise<TriageResult>;
  /** The decision in force on a finding (null when none) and its whole history. */
  getTriage(service: string, fingerprint: string, now?: Date): Promise<{ current: TriageDecision | null; history: TriageEvent[] }>;
  /** Decisions in force, for these services (undefined: every service), by service then fingerprint. */
  listTriage(services: string[] | undefined, now?: Date): Promise<TriageDecision[]>;
  /** Ends every acceptance past its date (history `expired`, audit `triage.expire`); the count ended. */
  expireTriage(now?: Date): Promise<number>;
}

/** The person in an actor string (`session:tok_ab12 (alice)` -> alice), for the history. */
export function labelOf(actor: string): string {
  const m = /^\w+:\S+ \((.*)\)$/s.exec(actor);
  return m ? m[1] : actor;
}

// ---- OpenVEX ---------------------------------------------------------------------------------

/** purl types of the engine's ecosystems (https://github.com/package-url/purl-spec). */
const PURL_TYPES: Record<string, string> = {
  npm: 'npm',
  pypi: 'pypi',
  go: 'golang',
  golang: 'golang',
  maven: 'maven',
  'crates.io': 'cargo',
  cargo: 'cargo',
  rubygems: 'gem',
  gem: 'gem',
  nuget: 'nuget',
  packagist: 'composer',
  composer: 'composer',
  pub: 'pub',
  hex: 'hex',
};

function purlOf(pkg: { ecosystem: string; name: string; version: string }): string {
  const type = PURL_TYPES[pkg.ecosystem.toLowerCase()] ?? encodeURIComponent(pkg.ecosystem.toLowerCase());
  const name = pkg.name.startsWith('@') ? `%40${pkg.name.slice(1)}` : pkg.name;
  return `pkg:${type}/${name.split('/').map((p) => (p === '' ? p : encodeURIComponent(decodeURIComponent(p)))).join('/')}${pkg.version ? `@${encodeURIComponent(pkg.version)}` : ''}`;
}

interface OpenVexDocument {
  '@context': 'https://openvex.dev/ns/v0.2.0';
  '@id': string;
  author: string;
  timestamp: string;
  version: number;
  tooling: string;
  statements: Record<string, unknown>[];
}

/**
 * The decisions as an OpenVEX v0.2.0 document: one statement per decision. `not_affected` carries
 * its justification; a false positive is `not_affected` with the reason as impact statement; an
 * accepted risk is `affected` with an action statement naming the owner and the date.
 * `findingOf` gives the stored finding (for the vulnerability's aliases and the package's purl).
 */
export function buildOpenVex(
  decisions: readonly TriageDecision[],
  findingOf: (d: TriageDecision) => Finding | undefined,
  meta: { id: string; author: string; now: Date },
): OpenVexDocument {
  const statements = decisions.map((d) => {
    const f = findingOf(d);
    const pkg = f?.location.package;
    const aliases = (f?.aliases ?? []).filter((id) => id !== d.ruleId);
    const subcomponent = pkg ? purlOf(pkg) : f?.location.path ? `pkg:generic/${encodeURIComponent(d.service)}/${f.location.path.split('/').map(encodeURIComponent).join('/')}` : undefined;
    const statement: Record<string, unknown> = {
      vulnerability: { name: d.ruleId, ...(aliases.length ? { aliases } : {}) },
      products: [{ '@id': `pkg:generic/${encodeURIComponent(d.service)}`, ...(subcomponent ? { subcomponents: [{ '@id': subcomponent }] } : {}) }],
      timestamp: d.decidedAt,
    };
    const by = `${TRIAGE_STATUS_LABELS[d.status]}, decided by ${d.decidedBy}`;
    if (d.status === 'not_affected') {
      statement.status = 'not_affected';
      statement.justification = d.justification;
      statement.impact_statement = `${d.reason} (${by})`;
    } else if (d.status === 'false_positive') {
      statement.status = 'not_affected';
      statement.impact_statement = `False positive: ${d.reason} (${by})`;
    } else {
      statement.status = 'affected';
      statement.action_statement = `Risk accepted until ${d.expiresAt?.slice(0, 10) ?? '?'}, owner ${d.owner ?? 'unknown'}: ${d.reason} (${by})`;
    }
    return statement;
  });
  return {
    '@context': 'https://openvex.dev/ns/v0.2.0',
    '@id': meta.id,
    author: meta.author,
    timestamp: meta.now.toISOString(),
    version: 1,
    tooling: 'Gatehouse dashboard',
    statements,
  };
}
