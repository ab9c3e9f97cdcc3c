// Leaf types of the store's contract, shared by types.ts and the helper modules whose types it
// re-exports (pulls.ts, week.ts and what they use: exploit.ts, lifecycle.ts, counts.ts), so that
// none of them imports types.ts back (no import circle; test/dashboard/import-graph.test.ts).
import type { z } from 'zod';
import type { Finding, Severity } from '../../src/findings/finding.js';
import type { GateOutcomeSchema } from '../../src/report/read-api.js';

/** Severity -> count; every severity is present (0 when none). */
export type SeverityCounts = Record<Severity, number>;
export type GateOutcome = z.infer<typeof GateOutcomeSchema>;

/** Days allowed to fix an open finding, per severity; a severity without an entry has no SLA. */
export type SlaDays = Partial<Record<Severity, number>>;

/** An open finding worth telling someone about at once (webhook notifications, notify/). */
export interface NotableFinding {
  event: 'new-critical' | 'new-kev' | 'kev-listed';
  service: string;
  fingerprint: string;
  /** Start of the finding's open period: a finding that reopens is a new event. */
  openedAt: string;
  finding: Finding;
}
