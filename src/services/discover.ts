// Services: the explicit list from the config, or the folders under `discover.roots` that hold one of
// `discover.markers` (package.json, requirements.txt, Dockerfile, ...). Every repository path maps to
// exactly one service: the one whose folder is the longest prefix of the path. A path outside every
// service folder belongs to ROOT_SERVICE, so a finding in a root file (a leaked key in `.env`, a
// workflow) is never dropped or blamed on an unrelated service.
import { existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { globSync } from 'tinyglobby';
import { SKIPPED_DIRECTORIES } from '../scanners/gatehouse-secrets/scan-directory.js';
import { ConfigError } from '../errors.js';
import { leavesFolder, normalizeRepoPath, realPathInside } from './repo-path.js';
import type { GatehouseConfig, ServiceConfig } from '../config/schema.js';

/** The service of paths outside every service folder. */
export const ROOT_SERVICE = '(root)';

export interface Service {
  name: string;
  /** Repository-relative folder with forward slashes, no trailing slash; '' for the root. */
  path: string;
  /** Absolute folder. */
  dir: string;
  image?: string;
  gate?: ServiceConfig['gate'];
}

/**
 * The services of a repository. Explicit services must exist as folders; discovered ones are
 * sorted by path. Two discovered folders with the same base name get the parent folder in the name
 * (`apps-web`, `packages-web`) so names stay unique. When discovery finds no service folder, the
 * repository itself is the one service (named after its folder).
 */
export function resolveServices(repoRoot: string, config: GatehouseConfig): Service[] {
  return resolveServicesWithCandidates(repoRoot, config).services;
}

/** A discovery candidate folder that did not become a service, and why. */
export interface NotAService {
  path: string;
  reason: string;
}

/** How many folder levels below a candidate a marker is looked for (`src/<name>/src/<Project>/x.csproj`). */
export const MARKER_DEPTH = 3;

/** The services, and the discovery candidates not taken (empty with an explicit list). */
export function resolveServicesWithCandidates(
  repoRoot: string,
  config: GatehouseConfig,
): { services: Service[]; notServices: NotAService[]; markers: Map<string, string>; topLevel?: boolean } {
  const root = resolve(repoRoot);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new ConfigError(`the folder to scan, ${root}, does not exist or is not a folder`);
  }
  if (config.services) {
    const services = config.services.map((s, index) => {
      const field = `services[${index}].path`;
      const path = normalizeRepoPath(s.path);
      const dir = path === undefined ? undefined : resolve(root, path);
      if (path === undefined || dir === undefined || isAbsolute(s.path) || leavesFolder(relative(root, dir))) {
        throw new ConfigError(`${field}: "${s.path}" is outside the repository; give a folder relative to the repository root`, { field });
      }
      if (!existsSync(dir) || !statSync(dir).isDirectory()) {
        throw new ConfigError(`${field}: folder "${s.path}" not found in ${root}`, { field });
      }
      // A folder inside the repository that is (or sits under) a symbolic link to somewhere else:
      // scanning it would read files outside the repository.
      if (!realPathInside(root, dir)) {
        throw new ConfigError(`${field}: "${s.path}" is a symbolic link to a folder outside the repository (not followed)`, { field });
      }
      return { name: s.name, path, dir, image: s.image, gate: s.gate };
    });
    return { services, notServices: [], markers: new Map() };
  }
  const discovered = discoverServices(root, config.discover.roots, config.discover.markers);
  if (discovered.services.length > 0) return discovered;
  // No folder under the roots: a repository whose services are its top-level folders (robot-shop's
  // cart/, payment/; a Maven multi-module build's modules). Two or more top-level folders with a
  // marker of their own (not deeper: a single-service repository's test fixtures must not count)
  // are the services; the candidates not taken under the roots are still listed.
  const topLevel = discoverServices(root, ['*'], config.discover.markers, 0);
  if (topLevel.services.length >= 2) return { ...topLevel, notServices: discovered.notServices, topLevel: true };
  // No service folders: a single-service repository. The root is the one service, so nothing in
  // it goes unscanned (it is never an empty scan that passes).
  return { ...discovered, services: [{ name: rootServiceName(root), path: '', dir: root }] };
}

/** The repository folder's name as a service name (letters, digits, ".", "_", "-"). */
function rootServiceName(root: string): string {
  const name = baseName(root.split(sep).join('/'))
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '');
  return name || 'repository';
}

/**
 * The first marker found in `dir` or up to `depth` levels below it (breadth first, so the
 * shallowest wins), as a path relative to `dir`; skips installed/generated folders and symlinks.
 */
function findMarker(dir: string, isMarker: (name: string) => boolean, depth: number): string | undefined {
  let level: string[] = [''];
  for (let d = 0; d <= depth && level.length > 0; d++) {
    const next: string[] = [];
    for (const rel of level) {
      let entries;
      try {
        entries = readdirSync(join(dir, rel), { withFileTypes: true });
      } catch {
        continue; // an unreadable folder holds no marker we can use; the ledger lists it
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) {
        if (e.isFile() && isMarker(e.name)) return rel ? `${rel}/${e.name}` : e.name;
      }
      for (const e of entries) {
        if (e.isDirectory() && !SKIPPED_DIRECTORIES.has(e.name) && !e.name.startsWith('.')) next.push(rel ? `${rel}/${e.name}` : e.name);
      }
    }
    level = next;
  }
  return undefined;
}

function discoverServices(
  root: string,
  roots: string[],
  markers: string[],
  markerDepth = MARKER_DEPTH,
): { services: Service[]; notServices: NotAService[]; markers: Map<string, string> } {
  roots.forEach((r, index) => {
    // No `..` segment at all: a glob such as `services/*/../../..` climbs out whatever `*` matches.
    const climbs = r.replace(/\\/g, '/').split('/').includes('..');
    if (isAbsolute(r) || normalizeRepoPath(r) === undefined || climbs) {
      throw new ConfigError(`discover.roots[${index}]: "${r}" is outside the repository (roots are globs inside it, without "..")`, {
        field: `discover.roots[${index}]`,
      });
    }
  });
  const isMarker = picomatch(markers, { dot: true });
  const candidates = globSync(roots, {
    cwd: root,
    onlyDirectories: true,
    // A symlink loop must not trap discovery; a linked folder is not a service of this repository.
    followSymbolicLinks: false,
    ignore: ['**/node_modules/**', '**/.git/**'],
    expandDirectories: false,
  })
    .map((p) => normalizeRelPath(p))
    .filter((p) => p !== '' && !p.split('/').some((part) => SKIPPED_DIRECTORIES.has(part)))
    .sort();
  const folders: string[] = [];
  const notServices: NotAService[] = [];
  const found = new Map<string, string>();
  for (const p of [...new Set(candidates)]) {
    // A candidate that is a symbolic link (or under one) is not followed: it may point anywhere.
    if (!realPathInside(root, join(root, p)) || isSymlink(join(root, p))) {
      notServices.push({ path: p, reason: 'a symbolic link (not followed)' });
      continue;
    }
    const marker = findMarker(join(root, p), isMarker, markerDepth);
    if (marker) {
      folders.push(p);
      found.set(p, marker);
    } else {
      notServices.push({ path: p, reason: `no service marker within ${markerDepth} levels (${markers.slice(0, 6).join(', ')}, ...)` });
    }
  }
  const byBaseName = new Map<string, number>();
  for (const p of folders) byBaseName.set(baseName(p), (byBaseName.get(baseName(p)) ?? 0) + 1);
  const services = folders.map((path) => {
    const base = baseName(path);
    const name = ((byBaseName.get(base) ?? 0) > 1 ? path.split('/').slice(-2).join('-') : base)
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '');
    return { name: name || 'service', path, dir: join(root, path) };
  });
  return { services, notServices, markers: found };
}

/**
 * The service a repository-relative path belongs to (longest folder prefix), else ROOT_SERVICE.
 * The path is normalised first: `services/api/../../../etc/passwd` is outside the repository, so it
 * belongs to no service (ROOT_SERVICE), whatever its text starts with.
 */
export function serviceForPath(services: readonly Service[], path: string): string {
  const p = normalizeRepoPath(path);
  if (p === undefined) return ROOT_SERVICE;
  let best: Service | undefined;
  for (const s of services) {
    if (s.path === '' || p === s.path || p.startsWith(`${s.path}/`)) {
      if (!best || s.path.length > best.path.length) best = s;
    }
  }
  return best ? best.name : ROOT_SERVICE;
}

/** Files that change what every service's scan means: a change to them rescans everything. */
export function isScanWideFile(path: string, config: Pick<GatehouseConfig, 'ignore-file'>): boolean {
  const p = normalizeRelPath(path);
  return p === '.gatehouse.yml' || p === '.gatehouse.yaml' || p === normalizeRelPath(config['ignore-file']);
}

/**
 * The services a change touches. A change to the config or the ignore file means all of them.
 * Changed files outside every service folder touch no service (only a service declared with
 * `path: .` covers them). Returns services in their original order.
 */
export function affectedServices(
  services: readonly Service[],
  changedFiles: readonly string[],
  config: Pick<GatehouseConfig, 'ignore-file'> = { 'ignore-file': '.gatehouse-ignore.yml' },
): Service[] {
  if (changedFiles.some((f) => isScanWideFile(f, config))) return [...services];
  const touched = new Set(changedFiles.map((f) => serviceForPath(services, f)));
  return services.filter((s) => touched.has(s.name));
}

/** Repository-relative, forward slashes, no leading "./" or trailing "/"; '' for the root. */
export function normalizeRelPath(path: string): string {
  let p = path.split(sep).join('/').replace(/\\/g, '/');
  while (p.startsWith('./')) p = p.slice(2);
  p = p.replace(/\/+$/, '');
  return p === '.' ? '' : p;
}

/** A path relative to the repository root, for paths a tool reported as absolute. */
export function toRepoPath(repoRoot: string, absolutePath: string): string {
  return normalizeRelPath(relative(repoRoot, absolutePath));
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function baseName(path: string): string {
  const parts = path.split('/');
  return parts[parts.length - 1];
}

/**
 * Folders below the repository root that hold a service marker of their own (a file matching
 * `discover.markers`), shallowest first: when discovery made the whole repository one service, these
 * are what a `services:` list in the config could name (dapr/quickstarts: 100+ apps, each with its
 * go.mod, pom.xml or package.json, three levels down). A folder inside another such folder is left out.
 */
export function markedFoldersBelowRoot(files: readonly string[], markers: readonly string[]): { folder: string; marker: string }[] {
  const isMarker = picomatch([...markers], { dot: true });
  const first = new Map<string, string>();
  for (const file of files) {
    const slash = file.lastIndexOf('/');
    if (slash < 0) continue;
    const folder = file.slice(0, slash);
    // Dot folders (.devcontainer, .github) are tooling, as discovery treats them.
    if (folder.split('/').some((part) => part.startsWith('.'))) continue;
    if (!first.has(folder) && isMarker(file.slice(slash + 1))) first.set(folder, file.slice(slash + 1));
  }
  const folders = [...first.keys()].sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
  const kept: string[] = [];
  for (const f of folders) if (!kept.some((k) => f.startsWith(`${k}/`))) kept.push(f);
  return kept.sort().map((folder) => ({ folder, marker: first.get(folder)! }));
}

/** Markers of deployment configuration (kustomize components, Helm charts), not of a service's code. */
const DEPLOY_CONFIG_MARKERS = new Set(['kustomization.yaml', 'Chart.yaml']);

/**
 * Discovered services that group several folders with a marker of their own (bank-of-anthos's
 * `src/ledger` holds balancereader, ledgerwriter, transactionhistory and ledger-db, each a
 * microservice): the service's own marker is below it, not in it, and two or more folders below hold
 * one. Their findings count to the one service; a `discover.roots` entry of the group's folder
 * (`src/ledger/*`) or a `services:` list tracks each.
 */
export function servicesGroupingFolders(
  services: readonly Service[],
  files: readonly string[],
  markers: readonly string[],
): { service: Service; folders: string[] }[] {
  const isMarker = picomatch([...markers], { dot: true });
  const out: { service: Service; folders: string[] }[] = [];
  for (const service of services) {
    if (service.path === '') continue;
    const prefix = `${service.path}/`;
    const inside = files.filter((f) => f.startsWith(prefix)).map((f) => f.slice(prefix.length));
    if (inside.some((f) => !f.includes('/') && isMarker(f))) continue;
    // Folders that are services already (a root such as `src/ledger/*`) are not grouped by this one.
    const marked = markedFoldersBelowRoot(inside, markers).filter((m) => serviceForPath(services, `${prefix}${m.folder}/-`) === service.name);
    // Deployment configuration only (kustomize components, Helm charts) is no group of services.
    if (marked.filter((m) => !DEPLOY_CONFIG_MARKERS.has(m.marker)).length >= 2) out.push({ service, folders: marked.map((m) => m.folder) });
  }
  return out;
}
