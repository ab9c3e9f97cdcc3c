// Triage decisions: what a security lead decided about one finding on the dashboard (false
// positive, accepted risk until a date, not affected with a VEX justification). The dashboard
// stores them; GET /api/v1/triage answers them with these schemas; the action reads them back and
// applies them as suppressions (src/push/triage.ts), so the PR gate obeys the decision. Like
// read-api.ts, this file is shared by the engine and the dashboard and knows neither.
import { z } from 'zod';

export const TRIAGE_STATUSES = ['false_positive', 'accepted_risk', 'not_affected'] as const;
export const TriageStatusSchema = z.enum(TRIAGE_STATUSES);
export type TriageStatus = z.infer<typeof TriageStatusSchema>;

/** OpenVEX v0.2.0 status justifications (for `not_affected`). */
export const VEX_JUSTIFICATIONS = [
  'component_not_present',
  'vulnerable_code_not_present',
  'vulnerable_code_not_in_execute_path',
  'vulnerable_code_cannot_be_controlled_by_adversary',
  'inline_mitigations_already_exist',
] as const;
export const VexJustificationSchema = z.enum(VEX_JUSTIFICATIONS);
export type VexJustification = z.infer<typeof VexJustificationSchema>;

export const TRIAGE_STATUS_LABELS: Record<TriageStatus, string> = {
  false_positive: 'false positive',
  accepted_risk: 'accepted risk',
  not_affected: 'not affected',
};

const isoTime = z.string().describe('ISO 8601 UTC timestamp');

/** One decision in force (an expired acceptance is no longer one). */
export const TriageDecisionSchema = z.object({
  service: z.string(),
  fingerprint: z.string(),
  ruleId: z.string(),
  title: z.string(),
  status: TriageStatusSchema,
  /** `not_affected` only. */
  justification: VexJustificationSchema.nullable(),
  reason: z.string(),
  /** Required for `accepted_risk`. */
  owner: z.string().nullable(),
  /** `accepted_risk`: the last instant it holds (the end of the chosen day, UTC); null otherwise. */
  expiresAt: isoTime.nullable(),
  /** Who decided (the dashboard user's name). */
  decidedBy: z.string(),
  decidedAt: isoTime,
});
export type TriageDecision = z.infer<typeof TriageDecisionSchema>;

/** GET /api/v1/triage */
export const TriageResponseSchema = z.object({ decisions: z.array(TriageDecisionSchema) });

/** One entry of a finding's triage history (newest last). */
export const TriageEventSchema = z.object({
  action: z.enum(['set', 'cleared', 'expired']),
  status: TriageStatusSchema.nullable(),
  justification: VexJustificationSchema.nullable(),
  reason: z.string().nullable(),
  owner: z.string().nullable(),
  expiresAt: isoTime.nullable(),
  actor: z.string(),
  at: isoTime,
});
export type TriageEvent = z.infer<typeof TriageEventSchema>;

/** The YYYY-MM-DD day an acceptance runs until (inclusive), from its stored end instant. */
export function expiryDay(expiresAt: string): string {
  return expiresAt.slice(0, 10);
}
