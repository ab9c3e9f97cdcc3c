// Settings that make a scan say less than it seems to (issue 8 item 6). A pass must never come from
// a configuration that looked at nothing or hid everything:
// - no scanner ran at all (every category off, or none applies): a gate reason, the gate fails;
// - a `secrets.allow-paths` glob that matches every file: the secret scanner reads nothing;
// - a suppression whose path matches every file with nothing else to narrow it: it hides every
//   finding (of its service, when it names one);
// - suppressions without an expiry date: open-ended, listed so they are reviewed.
// The last three are warnings in every format (text, markdown/PR comment, JSON, SARIF), named as such.
// Pure functions of the config and the suppression report.
import picomatch from 'picomatch';
import type { GateReason, PolicyNote, SuppressionReport } from '../report/scan-report.js';

/**
 * Paths of every kind a repository holds: top-level and deep, dot files and dot folders, with and
 * without extensions. A glob that matches all of them matches every file for any practical purpose
 * (`**`, `**\/*`, `*\/**` with dot files, `{**,x}`).
 */
const PROBE_PATHS = [
  'a',
  '.env',
  'README.md',
  'Dockerfile',
  'services/api/.env.production',
  'src/main/resources/application.yml',
  '.github/workflows/ci.yml',
  'deep/er/and/even/deeper/id_rsa',
  'x/.hidden/y/z.key',
  'node_modules/pkg/index.js',
];

/** True when a repository-relative glob (picomatch, dot files included) matches every file. */
export function globMatchesEverything(glob: string): boolean {
  let match: (path: string) => boolean;
  try {
    match = picomatch(glob.replace(/^\.\//, ''), { dot: true });
  } catch {
    return false;
  }
  return PROBE_PATHS.every((p) => match(p));
}

/** A suppression's criteria, enough to tell whether it matches everything. */
export interface SuppressionCriteria {
  rule?: string | undefined;
  fingerprint?: string | undefined;
  path?: string | undefined;
  service?: string | undefined;
  package?: string | undefined;
}

/** True when nothing but a match-everything path narrows the suppression (a service may). */
export function suppressionMatchesEverything(s: SuppressionCriteria): boolean {
  return !s.rule && !s.fingerprint && !s.package && s.path !== undefined && s.path.includes('*') && globMatchesEverything(s.path);
}

export interface PolicyRiskInput {
  /** Scanner runs and imports planned; 0 means nothing was going to read anything. */
  plannedRuns: number;
  /** The services this scan covers. */
  services: readonly string[];
  /** Scanners the config lists over every category (0: everything is off). */
  configuredScanners: number;
  /** Categories the config turned off (an empty list), e.g. ['dependency', 'secret']. */
  offCategories: readonly string[];
  secretAllowPaths: readonly string[];
  /** The embedded secret scanner's own `with: {allow-paths}` (they replace `secrets.allow-paths`). */
  scannerAllowPaths?: readonly string[];
  suppressions: readonly SuppressionReport[];
  /**
   * The scanners that ran read no file at all (the coverage ledger counts none read, and no image
   * or imported report stands in): e.g. only the workflow and deployment checks ran, on a
   * repository without workflows or deployment files. Lists the scanners that ran.
   */
  readNothing?: { scanners: readonly string[] };
}

/** How many suppressions an open-ended note names before "and N more". */
const LISTED = 5;

export function policyRisks(input: PolicyRiskInput): { reasons: GateReason[]; notes: PolicyNote[] } {
  const reasons: GateReason[] = [];
  const notes: PolicyNote[] = [];

  if (input.configuredScanners === 0 && input.plannedRuns === 0) {
    reasons.push({
      kind: 'no-scanner',
      message:
        'no scanner is configured: every scanner category in "scanners" is empty, so nothing was scanned and nothing can pass. ' +
        'List at least one scanner (docs/config.md, "scanners").',
      fingerprints: [],
    });
  } else if (input.plannedRuns === 0 && input.services.length > 0) {
    const off = input.offCategories.length > 0 ? ` (turned off: ${input.offCategories.map((c) => `scanners.${c}: []`).join(', ')})` : '';
    reasons.push({
      kind: 'no-scanner',
      message:
        `no scanner ran: none of the configured scanners applies to ${input.services.join(', ')}${off}, so nothing was scanned and nothing can pass. ` +
        'Turn on a scanner that reads these services (docs/config.md, "scanners").',
      fingerprints: [],
    });
  } else if (input.readNothing && input.services.length > 0) {
    const off = input.offCategories.length > 0 ? ` (turned off: ${input.offCategories.map((c) => `scanners.${c}: []`).join(', ')})` : '';
    reasons.push({
      kind: 'no-scanner',
      message:
        `no scanner read anything: the scanners that ran (${input.readNothing.scanners.join(', ')}) found no file of theirs in ${input.services.join(', ')}${off}, so nothing was scanned and nothing can pass. ` +
        'Turn on a scanner that reads these services (docs/config.md, "scanners").',
      fingerprints: [],
    });
  } else if (input.offCategories.includes('dependency') && input.offCategories.includes('secret')) {
    notes.push({
      kind: 'categories-off',
      message: 'no dependency and no secret scanner is configured (scanners.dependency: [], scanners.secret: []): vulnerable packages and leaked secrets are not looked for.',
    });
  }

  for (const glob of input.secretAllowPaths) {
    if (globMatchesEverything(glob)) {
      notes.push({
        kind: 'allow-everything',
        subject: glob,
        message: `secrets.allow-paths "${glob}" matches every file: the secret scanner skips the whole repository, so no secret can be found. Narrow it to the folders that hold test fixtures or examples.`,
      });
    }
  }

  for (const glob of input.scannerAllowPaths ?? []) {
    if (globMatchesEverything(glob) && !input.secretAllowPaths.includes(glob)) {
      notes.push({
        kind: 'allow-everything',
        subject: glob,
        message: `gatehouse-secrets with.allow-paths "${glob}" matches every file: the secret scanner skips the whole repository, so no secret can be found. Narrow it to the folders that hold test fixtures or examples.`,
      });
    }
  }

  for (const s of input.suppressions) {
    if (!s.matchesEverything) continue;
    notes.push({
      kind: 'suppress-everything',
      subject: s.id,
      message: `suppression "${s.id}" matches every finding${s.service ? ` of service ${s.service}` : ''} (a path that matches every file, with no rule, fingerprint or package): it hides everything the scanners report${s.matched > 0 ? ` (${s.matched} findings this scan)` : ''}. Narrow it or remove it.`,
    });
  }

  const openEnded = input.suppressions.filter((s) => s.openEnded);
  if (openEnded.length > 0) {
    const named = openEnded.slice(0, LISTED).map((s) => `"${s.id}"`).join(', ');
    const more = openEnded.length > LISTED ? `, and ${openEnded.length - LISTED} more` : '';
    const n = openEnded.length;
    notes.push({
      kind: 'open-ended-suppressions',
      message: `${n} suppression${n === 1 ? ' has' : 's have'} no expiry date (open-ended): ${named}${more}. Give ${n === 1 ? 'it' : 'each'} an "expires" date; gate.suppressions-require-expiry: true makes one required.`,
    });
  }
  return { reasons, notes };
}
