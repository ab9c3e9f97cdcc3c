// A trivy vulnerability DB that does not flake. The DB download (an OCI artifact) is trivy's most
// reported failure in CI (`TOOMANYREQUESTS` from ghcr.io). Before the scanners run:
//   1. restore the DB saved by an earlier run (Actions cache, or a folder);
//   2. `trivy image --download-db-only` from each registry trivy publishes the DB to, in turn;
//   3. if none answers, use the cached DB when it is at most `trivy-db-max-age` old, and say so
//      ("stale vulnerability DB, 31 h old") in the comment, summary and JSON report;
//   4. otherwise trivy cannot scan: its runs become scanner errors (fail closed).
// The scans then run with TRIVY_CACHE_DIR and TRIVY_SKIP_DB_UPDATE, so they never download again.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import type { Logger } from '../logger.js';
import { dbCacheKey, type DbCacheStore } from './trivy-db-cache.js';

/** The registries trivy-db is published to (trivy's own default order since v0.56, mirror first). */
export const TRIVY_DB_REPOSITORIES = ['mirror.gcr.io/aquasec/trivy-db:2', 'ghcr.io/aquasecurity/trivy-db:2', 'public.ecr.aws/aquasecurity/trivy-db:2'] as const;

export const DEFAULT_TRIVY_DB_MAX_AGE_HOURS = 72;

export type TrivyDbState =
  | { status: 'fresh'; repository: string; ageHours: number; env: Record<string, string> }
  | { status: 'stale'; ageHours: number; note: string; env: Record<string, string> }
  | { status: 'unavailable'; reason: string }
  /** trivy is not on PATH: nothing to prepare; the scan reports the missing tool itself. */
  | { status: 'not-installed' };

export interface PrepareTrivyDbOptions {
  /** The trivy binary (a path, or `trivy` on PATH). */
  trivy: string;
  cacheDir: string;
  store: DbCacheStore;
  maxAgeHours: number;
  logger: Logger;
  now?: Date;
  repositories?: readonly string[];
  timeoutMs?: number;
}

interface DbMetadata {
  UpdatedAt?: string;
  DownloadedAt?: string;
}

async function readMetadata(cacheDir: string): Promise<DbMetadata | undefined> {
  try {
    return JSON.parse(await readFile(path.join(cacheDir, 'db', 'metadata.json'), 'utf8')) as DbMetadata;
  } catch {
    return undefined;
  }
}

/** Hours since the DB was built upstream (UpdatedAt), else since it was downloaded. */
function ageHoursOf(meta: DbMetadata, now: Date): number | undefined {
  const at = Date.parse(meta.UpdatedAt ?? meta.DownloadedAt ?? '');
  return Number.isFinite(at) ? Math.max(0, Math.floor((now.getTime() - at) / 3_600_000)) : undefined;
}

/** The part of trivy's FATAL line a user can act on, never the whole log. */
export function downloadFailureReason(output: string): string {
  const known = /(TOOMANYREQUESTS|DENIED|UNAUTHORIZED|MANIFEST_UNKNOWN|NAME_UNKNOWN|connection reset by peer|i\/o timeout|no such host|connection refused|unexpected status code \d+|context deadline exceeded)/.exec(output);
  if (known) return known[1];
  const fatal = output.split('\n').reverse().find((l) => /FATAL|ERROR/.test(l));
  return (fatal ?? output.trim().split('\n').at(-1) ?? 'no output').replace(/\s+/g, ' ').slice(0, 200);
}

export async function prepareTrivyDb(options: PrepareTrivyDbOptions): Promise<TrivyDbState> {
  const { logger, cacheDir, store } = options;
  const now = options.now ?? new Date();
  const env = { TRIVY_CACHE_DIR: cacheDir, TRIVY_SKIP_DB_UPDATE: 'true' };

  let restored: string | undefined;
  try {
    restored = await store.restore(cacheDir);
    logger.info(restored ? `trivy DB: restored ${restored} from ${store.name}` : `trivy DB: nothing cached in ${store.name} yet`);
  } catch (error) {
    logger.warning(`trivy DB: restoring from ${store.name} failed: ${error instanceof Error ? error.message : String(error)}`);
  }

  const failures: string[] = [];
  for (const repository of options.repositories ?? TRIVY_DB_REPOSITORIES) {
    const run = await execa(options.trivy, ['image', '--download-db-only', '--no-progress', '--cache-dir', cacheDir, '--db-repository', repository], {
      reject: false,
      all: true,
      timeout: options.timeoutMs ?? 300_000,
      env: { NO_COLOR: '1' },
    });
    if ((run as { code?: string }).code === 'ENOENT') return { status: 'not-installed' };
    const meta = run.exitCode === 0 ? await readMetadata(cacheDir) : undefined;
    const ageHours = meta ? ageHoursOf(meta, now) : undefined;
    if (run.exitCode === 0 && ageHours !== undefined) {
      logger.info(`trivy DB: up to date from ${repository} (${ageHours} h old)`);
      try {
        await store.save(cacheDir, dbCacheKey(now));
      } catch (error) {
        logger.warning(`trivy DB: saving to ${store.name} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      return { status: 'fresh', repository, ageHours, env };
    }
    const reason = run.exitCode === 0 ? 'it exited 0 but left no readable db/metadata.json' : downloadFailureReason(String(run.all ?? ''));
    failures.push(`${repository}: ${reason}`);
    logger.warning(`trivy DB: download from ${repository} failed (${reason}); trying the next registry`);
  }

  const meta = await readMetadata(cacheDir);
  const ageHours = meta ? ageHoursOf(meta, now) : undefined;
  const tried = failures.join('; ');
  if (ageHours === undefined) {
    return { status: 'unavailable', reason: `no vulnerability DB could be downloaded (${tried}) and none was cached` };
  }
  if (ageHours > options.maxAgeHours) {
    return {
      status: 'unavailable',
      reason: `no vulnerability DB could be downloaded (${tried}) and the cached one is ${ageHours} h old, older than trivy-db-max-age (${options.maxAgeHours} h)`,
    };
  }
  const note = `stale vulnerability DB, ${ageHours} h old: trivy scanned with the cached DB because no registry answered (${tried}); advisories published since are not checked`;
  logger.warning(`trivy DB: ${note}`);
  return { status: 'stale', ageHours, note, env };
}
