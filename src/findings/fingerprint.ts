// Fingerprints: a stable id per finding that survives unrelated edits, so a baseline comparison,
// suppressions and the dashboard's lifecycle can recognise "the same problem" across scans.
//
// - dependency / container: ecosystem + package name + vulnerability id + service + the lockfile
//   (or path in the image) + the package's own path when the tool gives one, so copies in two
//   lockfiles or nested node_modules stay distinct. Never the installed version: upgrading to another
//   vulnerable version is the same problem (and two copies that differ only by version in one
//   lockfile, without a package path, are one finding).
// - sast / misconfig: tool + rule + path + hash of the normalized matched code. Never the line
//   number: moving a block down a file keeps its identity. Without a match hash: rule + path + title.
// - secret: rule + path + the scanner's anchor (a hash of the rule and of the line's shape with the
//   value blanked out, and its rank among same-shaped lines): nothing of the value, so no one can
//   test guesses against a fingerprint, and it does not change when the match-hash key does.
//   Tools without an anchor: rule + path + hash of the secret (the secret itself is never kept).
//
// The parts are JSON-encoded before hashing so that no separator character can make two different
// tuples collide ("a|b" + "c" vs "a" + "b|c").
import type { ParsedFinding } from './finding.js';
import { sha256Hex } from './redact.js';
import { repositoryPath } from '../services/repo-path.js';

/** Bump when the rules above change; old fingerprints then no longer match (a deliberate reset). */
export const FINGERPRINT_VERSION = 'v1';

/** Length of the hex fingerprint: 128 bits, plenty for one organisation's findings. */
const FINGERPRINT_HEX_LENGTH = 32;

/** The tuple a finding is identified by (exported for the docs and for tests that explain a change). */
export function fingerprintParts(f: ParsedFinding, service: string): string[] {
  const loc = f.location;
  switch (f.category) {
    case 'dependency':
    case 'container': {
      const pkg = loc.package;
      if (pkg) {
        // The lockfile (or the path in the image) and the package's own path keep copies apart:
        // one package in two lockfiles of a service is two places to fix.
        return [FINGERPRINT_VERSION, 'package', pkg.ecosystem.toLowerCase(), pkg.name, f.ruleId, service, loc.path ?? '', pkg.path ?? ''];
      }
      // A dependency/container finding without a package (rare; a generic SARIF tool): treat it as code.
      return codeParts(f, service);
    }
    case 'sast':
    case 'misconfig':
    case 'ci':
      return codeParts(f, service);
    case 'secret': {
      const where = loc.path ?? loc.image ?? '';
      if (f.secret?.anchor) return [FINGERPRINT_VERSION, 'secret', f.ruleId, where, 'anchor', f.secret.anchor];
      if (f.matchHash) return [FINGERPRINT_VERSION, 'secret', f.ruleId, where, f.matchHash];
      return [FINGERPRINT_VERSION, 'secret', f.ruleId, where, 'title', f.title];
    }
  }
}

function codeParts(f: ParsedFinding, _service: string): string[] {
  const where = f.location.path ?? f.location.image ?? '';
  if (f.matchHash) return [FINGERPRINT_VERSION, 'code', f.tool, f.ruleId, where, f.matchHash];
  return [FINGERPRINT_VERSION, 'code', f.tool, f.ruleId, where, 'title', f.title];
}

/**
 * The stable fingerprint of a parsed finding in a service (32 hex characters). `root`: the folder of
 * the repository the scan ran from (source.root); the file is named from the repository's top, so a
 * finding has one fingerprint whether its folder was scanned alone or with the whole repository. A
 * path in an image, or one outside the repository, is left as it is.
 */
export function fingerprintFinding(f: ParsedFinding, service: string, root?: string): string {
  const path = f.location.path;
  // repositoryPath leaves a path outside the repository as it is.
  const named = root && path !== undefined && f.category !== 'container' ? { ...f, location: { ...f.location, path: repositoryPath(root, path) } } : f;
  return sha256Hex(JSON.stringify(fingerprintParts(named, service))).slice(0, FINGERPRINT_HEX_LENGTH);
}

