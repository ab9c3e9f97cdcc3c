// `baseline: rescan`: scan the PR's merge base in a temporary `git worktree` with the same config and
// the same services, so "introduced" means "absent at the merge base". Needs the history of both
// commits (actions/checkout with `fetch-depth: 0`); when that is missing the run goes on without a
// base and the report says so.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import type { GatehouseConfig } from '../config/schema.js';
import type { Logger } from '../logger.js';
import { runScan, type ScanOptions } from '../scan.js';
import type { PullRequestInfo } from '../github/context.js';

export interface MergeBaseScanInput {
  repoRoot: string;
  /**
   * The folder of the repository scanned (the report's source.root; absent: the top): the base is
   * that folder at the merge base, so its findings are named as the head's are.
   */
  root?: string;
  config: GatehouseConfig;
  pr: PullRequestInfo;
  changedFiles: string[] | undefined;
  scanAll: boolean;
  logger: Logger;
}

async function git(repoRoot: string, args: string[]): Promise<string> {
  const r = await execa('git', args, { cwd: repoRoot, reject: false });
  if (r.exitCode !== 0) throw new Error(`git ${args.join(' ')} failed (exit ${r.exitCode}): ${String(r.stderr).trim().split('\n')[0]}`);
  return String(r.stdout).trim();
}

export async function findMergeBase(repoRoot: string, baseSha: string, headSha: string): Promise<string> {
  return git(repoRoot, ['merge-base', baseSha, headSha]);
}

export async function scanMergeBase(input: MergeBaseScanInput): Promise<ScanOptions['baseline']> {
  const { logger, pr } = input;
  let mergeBase: string;
  try {
    mergeBase = await findMergeBase(input.repoRoot, pr.baseSha, pr.headSha);
  } catch (error) {
    logger.warning(
      `cannot find the merge base of ${pr.baseRef} (${pr.baseSha.slice(0, 7)}) and the PR head: ${error instanceof Error ? error.message : String(error)}. ` +
        'Check out with `fetch-depth: 0`. Going on without a base: the gate counts findings in changed files.',
    );
    return undefined;
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'gatehouse-base-'));
  const worktree = path.join(dir, 'base');
  try {
    await git(input.repoRoot, ['worktree', 'add', '--detach', '--quiet', worktree, mergeBase]);
    logger.info(`baseline: re-scanning the merge base ${mergeBase.slice(0, 7)} in a git worktree`);
    const folder = input.root ? path.join(worktree, input.root) : worktree;
    if (!existsSync(folder)) {
      logger.info(`baseline: the folder ${input.root} does not exist at the merge base ${mergeBase.slice(0, 7)} (this change adds it): everything in it is new`);
      return undefined;
    }
    // A service folder the PR adds does not exist at the merge base: its base is simply empty.
    const config: GatehouseConfig = input.config.services
      ? { ...input.config, services: input.config.services.filter((s) => existsSync(path.join(folder, s.path))) }
      : input.config;
    const report = await runScan(
      {
        repoRoot: folder,
        config,
        kind: 'snapshot',
        changedFiles: input.changedFiles,
        changedFilesFrom: 'repository',
        scanAll: input.scanAll,
        newOnly: false,
        scanId: `base-${mergeBase}`,
        source: { commit: mergeBase, ...(input.root ? { root: input.root } : {}) },
      },
      {
        logger: {
          debug: (m) => logger.debug(`[base] ${m}`),
          info: (m) => logger.info(`[base] ${m}`),
          warning: (m) => logger.warning(`[base] ${m}`),
          error: (m) => logger.error(`[base] ${m}`),
        },
      },
    );
    return { source: 'rescan', report };
  } catch (error) {
    logger.warning(`the scan of the merge base failed (${error instanceof Error ? error.message : String(error)}); going on without a base`);
    return undefined;
  } finally {
    await git(input.repoRoot, ['worktree', 'remove', '--force', worktree]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}
