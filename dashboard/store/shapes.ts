// Leaf types of the store's contract, shared by types.ts and the helper modules whose types it
// re-exports (pulls.ts), so that none of them imports types.ts back (no import circle).
import type { z } from 'zod';
import type { Severity } from '../../src/findings/finding.js';
import type { GateOutcomeSchema } from '../../src/report/read-api.js';

/** Severity -> count; every severity is present (0 when none). */
export type SeverityCounts = Record<Severity, number>;
export type GateOutcome = z.infer<typeof GateOutcomeSchema>;
