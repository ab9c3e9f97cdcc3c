// SARIF 2.1.0 for GitHub code scanning: one run per tool, rule metadata with
// `security-severity` (GitHub's severity scale) and tags, results with repository-relative URIs
// under %SRCROOT%, and `partialFingerprints` carrying our fingerprint so alerts follow moved code.
// Every string is scrubbed of token-shaped secrets before it is returned.
import type * as sarif from 'sarif';
import type { Finding, Severity } from '../findings/finding.js';
import { SEVERITY_RANK } from '../findings/severity.js';
import { describeFix } from '../gate/describe.js';
import type { ScanReport, ScannerRun } from '../report/scan-report.js';
import { toolHomepage } from '../scanners/registry.js';
import { repositoryPath } from '../services/repo-path.js';
import { scrubDeep } from './json.js';
import { scannersRunNowhere } from './coverage.js';
import { partScopeNote } from './summary.js';

/**
 * GitHub rejects a run with more than 25,000 results (and shows the top 5,000 by severity); rules
 * may carry at most 20 tags (10 shown). See "SARIF results exceed limits" in GitHub's docs.
 */
export const MAX_RESULTS_PER_RUN = 25_000;
const MAX_TAGS_PER_RULE = 10;

export interface SarifOptions {
  /** Results kept per run, worst severity first (default MAX_RESULTS_PER_RUN). */
  maxResultsPerRun?: number;
}

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const PARTIAL_FINGERPRINT_KEY = 'gatehouse/v1';

const LEVEL: Record<Severity, sarif.Result.level> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  unknown: 'warning',
  low: 'note',
  info: 'note',
};

/** GitHub maps security-severity > 9 critical, 7-8.9 high, 4-6.9 medium, 0.1-3.9 low. */
const SECURITY_SEVERITY: Record<Severity, number> = {
  critical: 9.5,
  high: 8.0,
  medium: 5.5,
  unknown: 5.5,
  low: 2.0,
  info: 0.0,
};


/** The tool's home page from its adapter (an embedded scanner's docs page is not an absolute URI: left out). */
function informationUri(tool: string): { informationUri?: string } {
  const homepage = toolHomepage(tool);
  return homepage && /^https:\/\//.test(homepage) ? { informationUri: homepage } : {};
}

/** A repository-relative path or an image reference as a relative URI (each segment percent-encoded). */
export function toRelativeUri(path: string): string {
  return path
    .replace(/\\/g, '/')
    .replace(/^(\.\/|\/)+/, '')
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

function securitySeverity(f: Finding): number {
  return f.cvss?.score ?? SECURITY_SEVERITY[f.severity];
}

interface RuleEntry {
  rule: sarif.ReportingDescriptor;
  worst: Finding;
}

function ruleFor(f: Finding): sarif.ReportingDescriptor {
  const reference = f.references.find((r) => /^https?:\/\//.test(r));
  const fix = describeFix(f);
  const helpText = [f.message, fix ? `Fix: ${fix}` : '', ...f.references.slice(0, 5)].filter(Boolean).join('\n');
  const tags = ['security', f.category, ...f.cwe.map((c) => (c.toUpperCase().startsWith('CWE-') ? c.toUpperCase() : `CWE-${c}`))];
  return {
    id: f.ruleId,
    name: f.ruleId,
    shortDescription: { text: f.title || f.ruleId },
    fullDescription: { text: f.message || f.title || f.ruleId },
    ...(reference ? { helpUri: reference } : {}),
    help: { text: helpText || f.ruleId },
    defaultConfiguration: { level: LEVEL[f.severity] },
    properties: {
      'security-severity': securitySeverity(f).toFixed(1),
      tags: [...new Set(tags)].slice(0, MAX_TAGS_PER_RULE),
      ...(f.category === 'dependency' || f.category === 'container' ? { precision: 'very-high' } : {}),
    },
  };
}

/** `root`: the folder scanned (the report's source.root); code scanning resolves URIs from the repository's top. */
function locationOf(f: Finding, root: string | undefined): sarif.Location[] {
  const { path, image, startLine, endLine, startColumn, endColumn } = f.location;
  // Container findings: the image (or tarball) is the artifact; a path inside the image is not a
  // repository file, so it goes into the message, not the URI.
  const uri = f.category === 'container' ? (image ?? path) : path ? repositoryPath(root, path) : (path ?? image);
  if (!uri) return [];
  const region: sarif.Region = { startLine: startLine && startLine > 0 ? startLine : 1 };
  if (endLine && endLine >= region.startLine!) region.endLine = endLine;
  if (startColumn && startColumn > 0) region.startColumn = startColumn;
  const multiLine = region.endLine !== undefined && region.endLine > region.startLine!;
  if (endColumn && endColumn > 0 && (multiLine || endColumn >= (region.startColumn ?? 1))) region.endColumn = endColumn;
  return [{ physicalLocation: { artifactLocation: { uri: toRelativeUri(uri), uriBaseId: '%SRCROOT%' }, region } }];
}

function messageOf(f: Finding): string {
  const pkg = f.location.package;
  const parts = [f.title && f.title !== f.ruleId ? `${f.ruleId}: ${f.title}` : f.ruleId];
  if (pkg) parts.push(`Package: ${pkg.name} ${pkg.version}${pkg.path ? ` (${pkg.path})` : ''}`);
  if (f.category === 'container' && f.location.path) parts.push(`In image at ${f.location.path}`);
  const fix = describeFix(f);
  if (fix) parts.push(`Fix: ${fix}`);
  if (f.message && f.message !== f.title) parts.push(f.message);
  if (f.secretPreview) parts.push(`Secret: ${f.secretPreview}`);
  return parts.join('\n');
}

function resultOf(f: Finding, ruleIndex: number, root: string | undefined): sarif.Result {
  const locations = locationOf(f, root);
  const result: sarif.Result = {
    ruleId: f.ruleId,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: messageOf(f) },
    ...(locations.length > 0 ? { locations } : {}),
    partialFingerprints: { [PARTIAL_FINGERPRINT_KEY]: f.fingerprint },
    properties: {
      service: f.service,
      category: f.category,
      status: f.status,
      severity: f.severity,
      ...(f.toolSeverity ? { toolSeverity: f.toolSeverity } : {}),
      ...(f.aliases && f.aliases.length > 0 ? { aliases: f.aliases } : {}),
      ...(f.tools ? { tools: f.tools } : {}),
      ...(f.kev ? { kev: true, kevRansomware: f.kev.ransomware === 'known', kevDateAdded: f.kev.dateAdded, ...(f.kev.dueDate ? { kevDueDate: f.kev.dueDate } : {}) } : {}),
      ...(f.secret
        ? {
            secretContext: f.secret.context,
            occurrences: f.secret.occurrences,
            occurrenceLines: f.secret.lines,
            ...(f.secret.commit ? { commit: f.secret.commit } : {}),
            ...(f.secret.ruleSeverity ? { ruleSeverity: f.secret.ruleSeverity } : {}),
          }
        : {}),
      ...(f.epss ? { epssProbability: f.epss.probability, epssPercentile: f.epss.percentile } : {}),
    },
  };
  if (f.status === 'suppressed' && f.suppression) {
    const inSource = !['config', 'ignore-file', 'dashboard'].includes(f.suppression.source);
    result.suppressions = [
      {
        kind: inSource ? 'inSource' : 'external',
        status: 'accepted',
        justification: [f.suppression.reason, f.suppression.owner ? `owner ${f.suppression.owner}` : '', f.suppression.expires ? `expires ${f.suppression.expires}` : '', f.suppression.decidedBy ? `decided by ${f.suppression.decidedBy}` : '']
          .filter(Boolean)
          .join('; '),
      },
    ];
  }
  return result;
}

/** SARIF run for one tool; `runs` are the scanner runs of that tool (timings, errors, version). */
function runFor(tool: string, all: Finding[], runs: ScannerRun[], maxResults: number, coverage: ScanReport['coverage'], root: string | undefined): sarif.Run {
  // Over GitHub's limit, keep the worst findings; the note below says how many were left out.
  const findings = all.length > maxResults ? [...all].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]).slice(0, maxResults) : all;
  const leftOut = all.length - findings.length;
  const rules = new Map<string, RuleEntry>();
  for (const f of findings) {
    const entry = rules.get(f.ruleId);
    if (!entry || SEVERITY_RANK[f.severity] > SEVERITY_RANK[entry.worst.severity]) rules.set(f.ruleId, { rule: ruleFor(f), worst: f });
  }
  const ruleIds = [...rules.keys()];
  const index = new Map(ruleIds.map((id, i) => [id, i]));
  const version = runs.find((r) => r.toolVersion)?.toolVersion;
  const errors = runs.filter((r) => r.status === 'error');
  const notifications: sarif.Notification[] = errors.map((r) => ({
    level: 'error' as const,
    message: { text: `${r.scanner} could not scan ${r.service}: ${r.error ?? 'unknown error'}` },
  }));
  // The ledger's other states for this tool's scanners, and the files its categories did not read.
  const scannerIds = new Set(runs.map((r) => r.scanner));
  for (const e of coverage.scanners.filter((x) => scannerIds.has(x.scanner) && (x.state === 'skipped' || x.state === 'not-applicable'))) {
    notifications.push({
      level: e.state === 'skipped' ? 'warning' : 'note',
      message: { text: `${e.scanner} ${e.state === 'skipped' ? 'skipped' : 'not applicable to'} ${e.service}: ${e.reason ?? 'no reason given'}` },
    });
  }
  const categories = new Set(runs.map((r) => r.category));
  const gaps = coverage.gaps.filter((g) => categories.has(g.category));
  for (const g of gaps.slice(0, 50)) {
    notifications.push({ level: 'warning', message: { text: `coverage gap: ${g.path} (${g.category}) was not read: ${g.reason}` } });
  }
  if (gaps.length > 50) notifications.push({ level: 'warning', message: { text: `and ${gaps.length - 50} more coverage gaps (see the JSON report's coverage ledger)` } });
  if (leftOut > 0) {
    notifications.push({
      level: 'warning',
      message: { text: `${leftOut} lower-severity results were left out: code scanning accepts at most ${maxResults} per run. The JSON report has them all.` },
    });
  }
  return {
    tool: {
      driver: {
        name: tool,
        ...(version ? { version } : {}),
        ...informationUri(tool),
        rules: ruleIds.map((id) => rules.get(id)!.rule),
      },
    },
    automationDetails: { id: `gatehouse/${tool}/` },
    originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The repository root.' } } },
    invocations: [
      {
        // A run whose scanner failed for some service is not a complete picture: GitHub must not
        // read the missing results as "fixed".
        executionSuccessful: errors.length === 0,
        ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
      },
    ],
    results: findings.map((f) => resultOf(f, index.get(f.ruleId)!, root)),
  };
}

/**
 * The gate's own findings about the scan's settings (gate/policy-risks.ts) as a run of Gatehouse
 * itself with no results: "no scanner ran" as an error (executionSuccessful: false), an allow-path
 * or suppression that matches everything, open-ended suppressions and configured scanners that applied
 * to no service (no run of their own to say it) as warnings. Its own category
 * (`gatehouse/policy/`), so it never touches the tools' alerts. Absent when there is nothing to say.
 */
function policyRun(report: ScanReport): sarif.Run | undefined {
  const noScanner = report.gate.reasons.filter((r) => r.kind === 'no-scanner');
  // Turning dependency and secret scanning off is a choice the config states: said in the other
  // formats, not worth a run of its own here.
  const notes = (report.gate.policy ?? []).filter((n) => n.kind !== 'categories-off');
  // A configured scanner that applied nowhere has no run of its own to carry the note.
  const nowhere = scannersRunNowhere(report.coverage.scanners);
  // A scan of one folder says so here too, with the changed files it left to other folders' scans.
  const scope = partScopeNote(report);
  if (noScanner.length === 0 && notes.length === 0 && nowhere.length === 0 && scope === undefined) return undefined;
  const notifications: sarif.Notification[] = [
    ...(scope ? [{ level: (report.comparison.changedFilesOutsideRoot ?? 0) > 0 ? ('warning' as const) : ('note' as const), message: { text: scope } }] : []),
    ...noScanner.map((r) => ({ level: 'error' as const, message: { text: r.message } })),
    ...notes.map((n) => ({ level: 'warning' as const, message: { text: n.message }, descriptor: { id: n.kind } })),
    ...nowhere.map((n) => ({ level: 'warning' as const, message: { text: `${n.scanner} ran on no service: ${n.reasons.join('; ')}` } })),
  ];
  return {
    tool: { driver: { name: 'gatehouse', rules: [] } },
    automationDetails: { id: 'gatehouse/policy/' },
    invocations: [{ executionSuccessful: noScanner.length === 0, toolExecutionNotifications: notifications }],
    results: [],
  };
}

/**
 * The report as a SARIF log, one run per tool. A tool whose every run failed still gets its run,
 * marked `executionSuccessful: false` with the reasons as notifications, so a failed analysis never
 * looks clean. That run has its own category (`gatehouse/<tool>-failed/`): an upload of an empty
 * run under the tool's usual category would close its open alerts in code scanning as fixed.
 */
export function toSarif(report: ScanReport, opts: SarifOptions = {}): sarif.Log {
  const maxResults = opts.maxResultsPerRun ?? MAX_RESULTS_PER_RUN;
  const tools = [...new Set([...report.scanners.map((r) => r.tool), ...report.findings.map((f) => f.tool)])];
  const runs: sarif.Run[] = [];
  for (const tool of tools) {
    const findings = report.findings.filter((f) => f.tool === tool);
    const scannerRuns = report.scanners.filter((r) => r.tool === tool);
    const run = runFor(tool, findings, scannerRuns, maxResults, report.coverage, report.source.root);
    if (findings.length === 0 && scannerRuns.length > 0 && scannerRuns.every((r) => r.status === 'error')) {
      run.automationDetails = { id: `gatehouse/${tool}-failed/` };
    }
    runs.push(run);
  }
  const policy = policyRun(report);
  if (policy) runs.push(policy);
  return scrubDeep({ $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs });
}
