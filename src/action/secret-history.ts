// On a pull request the embedded secret scanner reads every commit of the PR (`base..head`), so a
// secret committed and deleted two commits later is still reported. actions/checkout fetches one
// commit by default: when the clone is shallow and the range is not readable, fetch the two ends and
// deepen step by step until their merge base is there (then unshallow as a last resort). If that
// fails (no network, no credentials), the scan's range check fails the step with exit 2 and says to
// check out with `fetch-depth: 0`: never an empty pass.
import { execa } from 'execa';
import type { PullRequestInfo } from '../github/context.js';
import type { Logger } from '../logger.js';

async function git(repoRoot: string, args: string[]): Promise<{ ok: boolean; out: string }> {
  const r = await execa('git', args, { cwd: repoRoot, reject: false });
  return { ok: r.exitCode === 0, out: String(r.stdout).trim() };
}

const DEEPEN_STEPS = [50, 500, 5_000];

/** The range to read on this PR (`base..head`), after fetching what a shallow clone lacks; undefined outside git. */
export async function preparePrHistory(repoRoot: string, pr: PullRequestInfo, logger: Logger): Promise<string | undefined> {
  if (!(await git(repoRoot, ['rev-parse', '--is-inside-work-tree'])).ok) {
    logger.info('secret history: the checkout is not a git repository; only the working tree is read');
    return undefined;
  }
  const range = `${pr.baseSha}..${pr.headSha}`;
  const readable = async () =>
    (await git(repoRoot, ['cat-file', '-e', `${pr.baseSha}^{commit}`])).ok &&
    (await git(repoRoot, ['cat-file', '-e', `${pr.headSha}^{commit}`])).ok &&
    (await git(repoRoot, ['merge-base', pr.baseSha, pr.headSha])).ok;
  if (await readable()) return range;
  if ((await git(repoRoot, ['rev-parse', '--is-shallow-repository'])).out !== 'true') return range; // the scan says what is missing
  const fetch = (extra: string[]) => git(repoRoot, ['fetch', '--quiet', '--no-tags', '--no-recurse-submodules', ...extra, 'origin', pr.baseSha, pr.headSha]);
  for (const depth of DEEPEN_STEPS) {
    logger.info(`secret history: shallow clone; fetching the PR's commits (depth ${depth}) to read ${range}`);
    if (!(await fetch([`--depth=${depth}`])).ok) break;
    if (await readable()) return range;
  }
  logger.info('secret history: still no merge base; fetching the whole history (check out with `fetch-depth: 0` to skip this)');
  await git(repoRoot, ['fetch', '--quiet', '--no-tags', '--no-recurse-submodules', '--unshallow', 'origin']);
  return range;
}
