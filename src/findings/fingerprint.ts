// Fingerprints: a stable id per finding that survives unrelated edits, so a baseline comparison,
// suppressions and the dashboard's lifecycle can recognise "the same problem" across scans.
//
// - dependency / container: ecosystem + package name + vulnerability id + service (+ the package's
//   path inside the project or image when the tool gives one, so nested copies stay distinct).
//   Never the installed version: upgrading to another vulnerable version is the same problem.
// - sast / misconfig: tool + rule + path + hash of the normalized matched code. Never the line
//   number: moving a block down a file keeps its identity. Without a match hash: rule + path + title.
// - secret: rule + path + hash of the secret (the secret itself is never kept).
//
// The parts are JSON-encoded before hashing so that no separator character can make two different
// tuples collide ("a|b" + "c" vs "a" + "b|c").
import type { ParsedFinding } from './finding.js';
import { sha256Hex } from './redact.js';

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
        const parts = [FINGERPRINT_VERSION, 'package', pkg.ecosystem.toLowerCase(), pkg.name, f.ruleId, service];
        if (pkg.path) parts.push(pkg.path);
        return parts;
      }
      // A dependency/container finding without a package (rare; a generic SARIF tool): treat it as code.
      return codeParts(f, service);
    }
    case 'sast':
    case 'misconfig':
      return codeParts(f, service);
    case 'secret': {
      const where = loc.path ?? loc.image ?? '';
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

/** The stable fingerprint of a parsed finding in a service (32 hex characters). */
export function fingerprintFinding(f: ParsedFinding, service: string): string {
  return sha256Hex(JSON.stringify(fingerprintParts(f, service))).slice(0, FINGERPRINT_HEX_LENGTH);
}

/**
 * The match hash of a code finding: sha256 of the matched code with whitespace normalized (each
 * line trimmed, runs of blanks collapsed, blank lines dropped), so re-indenting a block or moving it
 * keeps its identity. Parsers use it for semgrep `extra.lines` and SARIF `region.snippet.text`.
 */
export function hashMatchedCode(code: string): string {
  const normalized = code
    .split(/\r?\n/)
    .map((line) => line.trim().replace(/\s+/g, ' '))
    .filter((line) => line.length > 0)
    .join('\n');
  return sha256Hex(normalized);
}
