// The job summary (GITHUB_STEP_SUMMARY). GitHub refuses a step summary over 1 MiB, so the markdown is
// rendered to a character budget and, should multi-byte text push it over in bytes, rendered again
// smaller.
import { appendFile } from 'node:fs/promises';

export const JOB_SUMMARY_LIMIT_BYTES = 1024 * 1024;
/** Room left for what other steps of the same job append. */
const SUMMARY_BUDGET_BYTES = JOB_SUMMARY_LIMIT_BYTES - 64 * 1024;

/** Renders with `render(maxChars)` until the result fits in bytes; returns what was written. */
export async function writeJobSummary(file: string, render: (maxChars: number) => string): Promise<{ bytes: number }> {
  let maxChars = SUMMARY_BUDGET_BYTES;
  let text = render(maxChars);
  while (Buffer.byteLength(text, 'utf8') > SUMMARY_BUDGET_BYTES && maxChars > 10_000) {
    maxChars = Math.floor(maxChars / 2);
    text = render(maxChars);
  }
  const out = `${text}\n`;
  await appendFile(file, out, 'utf8');
  return { bytes: Buffer.byteLength(out, 'utf8') };
}
