// Baseline comparison (DESIGN section 5): what did this change introduce?
//
// - introduced: absent from the base and located in what the change touched (a changed file, or a
//   lockfile/manifest/Dockerfile the change touched), or every new finding when no changed-files
//   list is given;
// - newly-disclosed: absent from the base but in something the change did not touch (a new advisory
//   against an unchanged lockfile);
// - existing: in both; fixed: in the base only; suppressed stays suppressed.
// Without a base: findings in changed files are introduced, the others existing; with no changed
// files either, everything is introduced (fail closed rather than wave findings through as "old").
import { posix } from 'node:path';
import type { Finding } from '../findings/finding.js';

export interface CompareOptions {
  /**
   * The services this scan covered. Base findings of other services are not "fixed": they simply
   * were not looked at (a PR scan covers only the services it touches).
   */
  services?: readonly string[];
  /** Service name -> repository-relative folder ('' or '.' for the root), to tie a changed Dockerfile to its image. */
  servicePaths?: Readonly<Record<string, string>>;
}

const LOCKFILES = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lockb',
  'requirements.txt',
  'poetry.lock',
  'Pipfile.lock',
  'uv.lock',
  'go.sum',
  'Cargo.lock',
  'Gemfile.lock',
  'composer.lock',
  'gradle.lockfile',
  'packages.lock.json',
  'mix.lock',
  'pubspec.lock',
]);
const MANIFESTS = new Set([
  'package.json',
  'pyproject.toml',
  'Pipfile',
  'setup.py',
  'setup.cfg',
  'go.mod',
  'Cargo.toml',
  'Gemfile',
  'composer.json',
  'pom.xml',
  'build.gradle',
  'build.gradle.kts',
]);

/** Dockerfile, Containerfile, Dockerfile.prod, api.dockerfile */
export function isDockerfile(path: string): boolean {
  const base = posix.basename(path);
  return /^(Dockerfile|Containerfile)(\..+)?$/i.test(base) || /\.(dockerfile|containerfile)$/i.test(base);
}

export function isDependencyFile(path: string): boolean {
  const base = posix.basename(path);
  return LOCKFILES.has(base) || MANIFESTS.has(base) || /^requirements.*\.txt$/.test(base);
}

function normalizePath(p: string): string {
  const slashed = p.replace(/\\/g, '/').replace(/^\.\//, '');
  return slashed === '.' ? '' : slashed.replace(/\/+$/, '');
}

function isUnder(path: string, dir: string | undefined): boolean {
  if (dir === undefined) return true; // no folder known: anywhere counts
  const d = normalizePath(dir);
  return d === '' || path === d || path.startsWith(`${d}/`);
}

function dirOf(path: string): string {
  const d = posix.dirname(path);
  return d === '.' ? '' : d;
}

/** Did the change touch what this finding is located in? */
function touchedBy(f: Finding, changed: ReadonlySet<string>, changedList: readonly string[], opts: CompareOptions): boolean {
  const path = f.location.path === undefined ? undefined : normalizePath(f.location.path);
  const serviceDir = opts.servicePaths?.[f.service];
  switch (f.category) {
    case 'container':
      // An image changes with its Dockerfile or with the dependency files copied into it.
      return changedList.some((c) => isUnder(c, serviceDir) && (isDockerfile(c) || isDependencyFile(c)));
    case 'dependency': {
      if (path !== undefined && changed.has(path)) return true;
      // A manifest edit next to the lockfile (package.json beside package-lock.json) counts too;
      // without a path, any dependency file of the service.
      if (path !== undefined) return changedList.some((c) => isDependencyFile(c) && dirOf(c) === dirOf(path));
      return changedList.some((c) => isDependencyFile(c) && isUnder(c, serviceDir));
    }
    default:
      return path !== undefined && changed.has(path);
  }
}

/**
 * Sets each current finding's status against the base and lists the base findings that are gone.
 * Suppressed findings stay suppressed.
 */
export function compareWithBaseline(
  findings: readonly Finding[],
  base: { findings: readonly Finding[] } | undefined,
  changedFiles: readonly string[] | undefined,
  opts: CompareOptions = {},
): { findings: Finding[]; fixed: Finding[] } {
  const changedList = changedFiles?.map(normalizePath);
  const changed = new Set(changedList);
  const inChange = (f: Finding) => (changedList ? touchedBy(f, changed, changedList, opts) : true);

  if (!base) {
    return {
      findings: findings.map((f) =>
        f.status === 'suppressed' ? f : { ...f, status: changedList === undefined || inChange(f) ? 'introduced' : 'existing' },
      ),
      fixed: [],
    };
  }

  const baseFingerprints = new Set(base.findings.map((f) => f.fingerprint));
  const current = findings.map((f): Finding => {
    if (f.status === 'suppressed') return f;
    if (baseFingerprints.has(f.fingerprint)) return { ...f, status: 'existing' };
    return { ...f, status: inChange(f) ? 'introduced' : 'newly-disclosed' };
  });
  const currentFingerprints = new Set(findings.map((f) => f.fingerprint));
  const scanned = opts.services ? new Set(opts.services) : undefined;
  const fixed = base.findings.filter(
    (b) => !currentFingerprints.has(b.fingerprint) && (!scanned || scanned.has(b.service)),
  );
  return { findings: current, fixed };
}
