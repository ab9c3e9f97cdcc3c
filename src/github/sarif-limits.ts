// GitHub code scanning's upload limits, kept by budget before the file is written: at most 20 runs
// per file, 25,000 results per run and 10 MB gzipped per upload; and since July 2025 code scanning no
// longer merges several runs of one tool and category in one upload, so every run gets its own
// category (`automationDetails.id`). Whatever is cut is said in the run's own notifications (so it is
// in the SARIF itself) and returned as notes for the job summary and the log.
import { gzipSync } from 'node:zlib';
import type * as sarif from 'sarif';

export const SARIF_LIMITS = {
  maxRuns: 20,
  maxResultsPerRun: 25_000,
  maxGzipBytes: 10 * 1024 * 1024,
} as const;

export interface SarifLimits {
  maxRuns: number;
  maxResultsPerRun: number;
  maxGzipBytes: number;
}

const SEVERITY_WEIGHT: Record<string, number> = { critical: 5, high: 4, medium: 3, unknown: 3, low: 2, info: 1 };
const LEVEL_WEIGHT: Record<string, number> = { error: 4, warning: 3, note: 2, none: 1 };

function weight(r: sarif.Result): number {
  const severity = (r.properties as { severity?: string } | undefined)?.severity;
  return (severity && SEVERITY_WEIGHT[severity]) || LEVEL_WEIGHT[r.level ?? 'warning'] || 0;
}

function worst(run: sarif.Run): number {
  return Math.max(0, ...(run.results ?? []).map(weight));
}

function notify(run: sarif.Run, text: string): void {
  const invocation = run.invocations?.[0] ?? { executionSuccessful: true };
  invocation.toolExecutionNotifications = [...(invocation.toolExecutionNotifications ?? []), { level: 'warning', message: { text } }];
  run.invocations = [invocation, ...(run.invocations ?? []).slice(1)];
}

/** Keeps the `keep` worst results of a run (stable otherwise) and fixes the rule indexes. */
function keepWorst(run: sarif.Run, keep: number): number {
  const results = run.results ?? [];
  if (results.length <= keep) return 0;
  const kept = new Set(
    results
      .map((r, i) => ({ r, i }))
      .sort((a, b) => weight(b.r) - weight(a.r) || a.i - b.i)
      .slice(0, keep)
      .map((x) => x.i),
  );
  run.results = results.filter((_, i) => kept.has(i));
  return results.length - run.results.length;
}

export function gzippedBytes(log: sarif.Log): number {
  return gzipSync(JSON.stringify(log)).length;
}

/** The log cut to GitHub's limits (the input is not changed) and a sentence per cut. */
export function fitSarifToLimits(
  input: sarif.Log,
  limits: SarifLimits = SARIF_LIMITS,
): { log: sarif.Log; notes: string[]; initialGzipBytes: number; gzipBytes: number } {
  const log = structuredClone(input);
  const notes: string[] = [];

  // 1. One category per run: a repeated automationDetails.id gets a numbered suffix.
  const seen = new Map<string, number>();
  for (const run of log.runs) {
    const id = run.automationDetails?.id ?? `gatehouse/${run.tool.driver.name}/`;
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    run.automationDetails = { ...run.automationDetails, id: n === 1 ? id : `${id.replace(/\/+$/, '')}/${n}/` };
  }

  // 2. At most maxRuns runs: the runs with the most severe results stay.
  if (log.runs.length > limits.maxRuns) {
    const order = log.runs.map((run, i) => ({ run, i })).sort((a, b) => worst(b.run) - worst(a.run) || (b.run.results?.length ?? 0) - (a.run.results?.length ?? 0) || a.i - b.i);
    const keep = new Set(order.slice(0, limits.maxRuns).map((x) => x.i));
    const dropped = log.runs.filter((_, i) => !keep.has(i));
    log.runs = log.runs.filter((_, i) => keep.has(i));
    notes.push(
      `SARIF: ${dropped.length} of ${log.runs.length + dropped.length} runs left out (code scanning accepts ${limits.maxRuns} runs per file): ` +
        `${dropped.map((r) => r.automationDetails?.id ?? r.tool.driver.name).join(', ')}. The JSON report has their results.`,
    );
  }

  // 3. At most maxResultsPerRun results per run, worst first.
  for (const run of log.runs) {
    const cut = keepWorst(run, limits.maxResultsPerRun);
    if (cut > 0) {
      const text = `${cut} lower-severity results were left out: code scanning accepts at most ${limits.maxResultsPerRun} results per run. The JSON report has them all.`;
      notify(run, text);
      notes.push(`SARIF ${run.automationDetails?.id}: ${text}`);
    }
  }

  // 4. At most maxGzipBytes gzipped: cut the largest run's results (worst kept) in proportion to the
  // excess, with a margin, until it fits (gzip is the slow part: usually two passes).
  const initialGzipBytes = gzippedBytes(log);
  let size = initialGzipBytes;
  const cutByRun = new Map<sarif.Run, number>();
  while (size > limits.maxGzipBytes) {
    const largest = [...log.runs].sort((a, b) => (b.results?.length ?? 0) - (a.results?.length ?? 0))[0];
    const count = largest?.results?.length ?? 0;
    if (!largest || count === 0) break;
    const keep = Math.min(count - 1, Math.floor(count * (limits.maxGzipBytes / size) * 0.9));
    cutByRun.set(largest, (cutByRun.get(largest) ?? 0) + keepWorst(largest, Math.max(0, keep)));
    size = gzippedBytes(log);
  }
  for (const [run, cut] of cutByRun) {
    const text = `${cut} lower-severity results were left out to keep the upload under ${Math.round(limits.maxGzipBytes / 1024 / 1024)} MB gzipped. The JSON report has them all.`;
    notify(run, text);
    notes.push(`SARIF ${run.automationDetails?.id}: ${text}`);
  }
  return { log, notes, initialGzipBytes, gzipBytes: size };
}
