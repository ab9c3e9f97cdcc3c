// The match hash: an HMAC-SHA256 of a secret value under a key that the reader of a report does not
// have, so no output (JSON, SARIF, the dashboard database) lets anyone recover a value by hashing
// guesses. The key, in order:
//   1. GATEHOUSE_SECRETS_KEY (an environment variable; in CI a repository or organisation secret);
//   2. the repository's root commit id (a per-repository value, stable across clones; only when the
//      clone is complete: a shallow clone's oldest commit moves with every fetch);
//   3. a machine-local random key, created once in the user's config folder (0600);
//   4. a random key for this process when that folder cannot be written.
// The key never appears in any output; the report says only which kind was used (`keySource`).
// Fingerprints do not depend on it (see anchor in scan-directory.ts), so changing the key never
// reopens findings on the dashboard.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const HASH_KEY_SOURCES = ['env', 'repository', 'machine', 'process'] as const;
export type HashKeySource = (typeof HASH_KEY_SOURCES)[number];

export interface MatchHasher {
  source: HashKeySource;
  /** HMAC-SHA256 (hex) of a secret value, or of raw bytes (a key store file). */
  hash(value: string | Uint8Array): string;
}

/** A hasher with an explicit key (tests, and the key resolved below). */
export function createMatchHasher(key: string | Uint8Array, source: HashKeySource): MatchHasher {
  // Domain separation: the same key used elsewhere never yields the same digests.
  const derived = createHash('sha256').update('gatehouse-secrets match hash v2\0').update(key).digest();
  return {
    source,
    hash: (value) => createHmac('sha256', derived).update(value).digest('hex'),
  };
}

export interface ResolveKeyOptions {
  env?: NodeJS.ProcessEnv;
  /** The repository to take the root commit of. */
  repoRoot?: string;
  /** Folder of the machine-local key file (default: $XDG_CONFIG_HOME/gatehouse or ~/.config/gatehouse). */
  configDir?: string;
}

export function resolveMatchHasher(options: ResolveKeyOptions = {}): MatchHasher {
  const env = options.env ?? process.env;
  const fromEnv = env.GATEHOUSE_SECRETS_KEY;
  if (fromEnv && fromEnv.length > 0) return createMatchHasher(fromEnv, 'env');
  const root = options.repoRoot ? rootCommitOf(options.repoRoot) : undefined;
  if (root) return createMatchHasher(`repository:${root}`, 'repository');
  const configDir = options.configDir ?? join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'gatehouse');
  const machine = machineKey(configDir);
  if (machine) return createMatchHasher(machine, 'machine');
  return createMatchHasher(randomBytes(32), 'process');
}

/** The root commit id of a complete clone (the smallest, when histories were joined), else undefined. */
export function rootCommitOf(repoRoot: string): string | undefined {
  try {
    const git = (args: string[]) =>
      execFileSync('git', ['-C', repoRoot, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 20 }).trim();
    if (git(['rev-parse', '--is-shallow-repository']) !== 'false') return undefined;
    const roots = git(['rev-list', '--max-parents=0', 'HEAD']).split('\n').filter((l) => /^[0-9a-f]{40,64}$/.test(l));
    return roots.sort()[0];
  } catch {
    return undefined;
  }
}

const KEY_FILE = 'secrets-hash.key';

function machineKey(dir: string): Buffer | undefined {
  const file = join(dir, KEY_FILE);
  const read = (): Buffer | undefined => {
    try {
      const bytes = readFileSync(file);
      // Any 16+ bytes are key material (a hex line written here, or raw bytes someone put there).
      return bytes.length >= 16 ? bytes : undefined;
    } catch {
      return undefined;
    }
  };
  const existing = read();
  if (existing) return existing;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  } catch {
    // Another process won the race, or the folder is read-only: read what is there, if anything.
  }
  return read();
}
