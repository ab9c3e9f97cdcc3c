// Which repository files each category is meant to read, and which of them one scanner run reads.
// Pure: decided from paths only, so the coverage ledger can say "audited 3 of 4 lockfiles" without
// opening a file. A tool the table does not name reads every relevant file under its folder.
import type { Category } from '../findings/finding.js';

/** Lockfiles and manifests the dependency scanners read (trivy, osv-scanner, npm/yarn/pnpm audit). */
const DEPENDENCY_FILES = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'requirements.txt',
  'Pipfile.lock',
  'poetry.lock',
  'uv.lock',
  'go.mod',
  'Cargo.lock',
  'Gemfile.lock',
  'composer.lock',
  'pom.xml',
  'gradle.lockfile',
  'packages.lock.json',
  'packages.config',
  'mix.lock',
  'pubspec.lock',
]);

const SOURCE_EXTENSIONS =
  /\.(?:[cm]?[jt]sx?|py|go|java|kt|kts|scala|cs|vb|fs|rb|php|rs|c|cc|cpp|h|hpp|swift|m|mm|ex|exs|erl|clj|groovy|dart|lua|pl|sh|bash|vue|svelte|tf|sol)$/i;

function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

function isDependencyFile(path: string): boolean {
  const name = baseName(path);
  return DEPENDENCY_FILES.has(name) || /^requirements[-._\w]*\.txt$/.test(name);
}

function isDeploymentFile(path: string): boolean {
  const name = baseName(path);
  return (
    /^(?:Dockerfile|Containerfile)(?:[._-].*)?$/.test(name) ||
    /\.(?:Dockerfile|dockerfile)$/.test(name) ||
    /^(?:docker-)?compose(?:[._-][\w.-]+)?\.ya?ml$/.test(name) ||
    name === 'Chart.yaml' ||
    /^kustomization\.ya?ml$/.test(name) ||
    /\.tf$/.test(name) ||
    /(?:^|\/)(?:k8s|kubernetes|manifests|deploy|deployment|helm|charts)\/.*\.ya?ml$/.test(path)
  );
}

function isWorkflowFile(path: string): boolean {
  return /^\.github\/workflows\/[^/]+\.ya?ml$/.test(path) || /(?:^|\/)\.gitlab-ci\.ya?ml$/.test(path);
}

/** What a category reads, in the ledger's words ("audited 3 of 4 lockfiles"). */
export const CATEGORY_NOUN: Record<string, string> = {
  dependency: 'lockfiles',
  container: 'images',
  sast: 'source files',
  secret: 'files',
  misconfig: 'deployment files',
  ci: 'workflow files',
};

/**
 * Whether a repository-relative path is a file this category is meant to read. Container scanners
 * read images, not files: no file is relevant to them.
 */
export function isRelevantTo(category: Category | string, path: string): boolean {
  switch (category) {
    case 'dependency':
      return isDependencyFile(path);
    case 'secret':
      return true;
    case 'sast':
      return SOURCE_EXTENSIONS.test(path);
    case 'misconfig':
      return isDeploymentFile(path);
    case 'ci':
      return isWorkflowFile(path);
    default:
      return false;
  }
}

/**
 * Tools that read only files at the root of the folder they run in (the package manager audits):
 * file name -> the only files they read there.
 */
const ROOT_ONLY_READERS: Record<string, readonly string[]> = {
  'npm-audit': ['package-lock.json', 'npm-shrinkwrap.json'],
  'yarn-audit': ['yarn.lock'],
  'pnpm-audit': ['pnpm-lock.yaml'],
};

/**
 * Dependency scanners that read every lockfile and manifest kind above, named where a file no
 * configured scanner reads is reported (a `pom.xml` under npm-audit alone), so the reader knows
 * what to add.
 */
export const EVERY_DEPENDENCY_FILE_READERS: readonly string[] = ['osv-scanner', 'trivy-fs'];

/**
 * Whether a run of this scanner in folder `dir` (repository-relative, '' for the root) reads the
 * file at `path` (repository-relative). Most tools read every relevant file below their folder;
 * the package-manager audits read one lockfile at the folder's root.
 */
export function runReads(scanner: string, category: Category | string, dir: string, path: string): boolean {
  const inside = dir === '' || path.startsWith(`${dir}/`);
  if (!inside) return false;
  const rel = dir === '' ? path : path.slice(dir.length + 1);
  const rootOnly = ROOT_ONLY_READERS[scanner];
  if (rootOnly) return rootOnly.includes(rel);
  return isRelevantTo(category, path);
}

/** Why a scanner that runs in `dir` does not read `path`, when it is one of the root-only readers. */
export function rootOnlyReason(scanner: string): string | undefined {
  const files = ROOT_ONLY_READERS[scanner];
  return files ? `not at a service root (${scanner} reads only ${files.join(' or ')} at a service root)` : undefined;
}
