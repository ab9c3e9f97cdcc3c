// The coverage ledger of one scan (ScanReport.coverage): for each service x scanner whether it ran,
// was imported, did not apply, was skipped or failed, and why; for the repository, how many of the
// files each category is meant to read were read, which files lie outside every service and what
// read them, what was left out by pattern, and the coverage gaps (a file a configured category
// should have read that nothing read). Pure: built from the file list, the plan and the runs.
import picomatch from 'picomatch';
import type { Category } from '../findings/finding.js';
import {
  LEDGER_LIST_CAP,
  type CoverageCategory,
  type CoverageGap,
  type CoverageLedger,
  type CoverageScannerEntry,
  type ScannerRun,
} from '../report/scan-report.js';
import { ROOT_SERVICE, serviceForPath, type Service } from '../services/discover.js';
import { CATEGORY_NOUN, EVERY_DEPENDENCY_FILE_READERS, isRelevantTo, rootOnlyReason, runReads } from './file-kinds.js';
import type { RepositoryInventory } from './inventory.js';

export interface LedgerInput {
  inventory: RepositoryInventory;
  /** Every service of the repository (with the root service when files lie outside them all). */
  allServices: readonly Service[];
  /** The services this scan covered. */
  scannedServices: readonly Service[];
  /** Configured scanners (adapter id and category), whether or not they ran anywhere. */
  configured: readonly { scanner: string; category: Category }[];
  /** Plan decisions that are not runs: not-applicable and skipped service x scanner pairs. */
  planned: readonly CoverageScannerEntry[];
  runs: readonly ScannerRun[];
  /** `secrets.allow-paths` globs: files the secret scanners are told not to read. */
  secretAllowPaths: readonly string[];
  /** Discovery candidates that did not become services. */
  notServices?: readonly { path: string; reason: string }[];
}

const LEDGER_CATEGORIES: readonly string[] = ['dependency', 'secret', 'sast', 'misconfig', 'ci'];

export function buildCoverageLedger(input: LedgerInput): CoverageLedger {
  const { inventory, allServices } = input;
  const pathOf = new Map(allServices.map((s) => [s.name, s.path]));
  const scannedNames = new Set(input.scannedServices.map((s) => s.name));
  const serviceOf = new Map(inventory.files.map((f) => [f, serviceForPath(allServices, f)]));

  // Service x scanner: the runs, then the plan's other decisions, then services this scan skipped.
  const scanners: CoverageScannerEntry[] = input.runs.map((r) => ({
    service: r.service,
    scanner: r.scanner,
    category: r.category,
    state: r.status === 'error' ? 'failed' : r.status === 'imported' ? 'imported' : 'ran',
    ...(r.status === 'error' ? { reason: r.error ?? 'unknown error' } : {}),
  }));
  const seen = new Set(scanners.map((e) => `${e.service}\u0000${e.scanner}`));
  const add = (e: CoverageScannerEntry) => {
    const key = `${e.service}\u0000${e.scanner}`;
    if (seen.has(key)) return;
    seen.add(key);
    scanners.push(e);
  };
  for (const e of input.planned) add(e);
  for (const s of allServices) {
    if (scannedNames.has(s.name)) continue;
    for (const c of input.configured) add({ service: s.name, scanner: c.scanner, category: c.category, state: 'skipped', reason: 'not part of this scan (the change does not touch it)' });
  }
  for (const s of input.scannedServices) {
    for (const c of input.configured) add({ service: s.name, scanner: c.scanner, category: c.category, state: 'not-applicable', reason: 'nothing for it to scan here' });
  }

  // Files per service.
  const perServiceCount = new Map<string, number>();
  for (const f of inventory.files) perServiceCount.set(serviceOf.get(f)!, (perServiceCount.get(serviceOf.get(f)!) ?? 0) + 1);

  // Config exclusions.
  const allowMatchers = input.secretAllowPaths.map((g) => ({ glob: g, match: picomatch(g, { dot: true }) }));
  const allowCounts = new Map<string, number>(input.secretAllowPaths.map((g) => [g, 0]));
  const allowed = new Set<string>();
  for (const f of inventory.files) {
    const hit = allowMatchers.find((m) => m.match(f));
    if (hit) {
      allowed.add(f);
      allowCounts.set(hit.glob, allowCounts.get(hit.glob)! + 1);
    }
  }

  const okRuns = input.runs.filter((r) => r.status !== 'error');
  const failedRuns = input.runs.filter((r) => r.status === 'error');
  const categories: CoverageCategory[] = [];
  const gaps: CoverageGap[] = [];
  let gapCount = 0;
  const configuredCategories = new Set<string>(input.configured.map((c) => c.category));
  for (const category of LEDGER_CATEGORIES) {
    const configured = configuredCategories.has(category);
    const scannersOf = input.configured.filter((c) => c.category === category).map((c) => c.scanner);
    // Files a run selected but did not check (a Helm template, a file over the size limit): unread,
    // and relevant whatever their name (the check itself chose them).
    const skipped = new Map<string, string>();
    const skippedPaths = new Set<string>();
    for (const r of okRuns) {
      if (r.category !== category) continue;
      for (const s of r.skippedFiles ?? []) {
        skipped.set(`${r.scanner}\u0000${s.path}`, `${r.scanner} did not check it: ${s.reason}`);
        skippedPaths.add(s.path);
      }
    }
    const relevant = inventory.files.filter(
      (f) => scannedNames.has(serviceOf.get(f)!) && (isRelevantTo(category, f) || skippedPaths.has(f)) && !(category === 'secret' && allowed.has(f)),
    );
    if (relevant.length === 0 && !configured) continue;
    const reads = (r: ScannerRun, f: string) =>
      r.category === category && (runReads(r.scanner, category, pathOf.get(r.service) ?? '', f) || skipped.has(`${r.scanner}\u0000${f}`));
    const unread: CoverageCategory['unread'] = [];
    let read = 0;
    let unreadCount = 0;
    for (const f of relevant) {
      const readers = okRuns.filter((r) => reads(r, f));
      if (readers.some((r) => !skipped.has(`${r.scanner}\u0000${f}`))) {
        read++;
        continue;
      }
      unreadCount++;
      const service = serviceOf.get(f)!;
      const skippedWhy = readers.map((r) => skipped.get(`${r.scanner}\u0000${f}`)).find((why) => why !== undefined);
      const failed = failedRuns.find((r) => reads(r, f));
      const base = f.slice(f.lastIndexOf('/') + 1);
      const rootOnly = scannersOf.map((s) => ({ s, why: rootOnlyReason(s) })).find((x) => x.why && runReads(x.s, category, '', base));
      const reason = skippedWhy
        ? skippedWhy
        : failed
        ? `${failed.scanner} failed`
        : !configured
          ? `no ${category} scanner is configured`
          : rootOnly
            ? rootOnly.why!
            : `no configured ${category} scanner reads ${base} (configured: ${scannersOf.join(', ')}${category === 'dependency' ? `; ${EVERY_DEPENDENCY_FILE_READERS.join(' or ')} would` : ''})`;
      if (unread.length < LEDGER_LIST_CAP) unread.push({ path: f, service, reason });
      // A failed run is already a scanner error in the verdict; an unconfigured category is a choice.
      if (configured && !failed) {
        gapCount++;
        if (gaps.length < LEDGER_LIST_CAP) gaps.push({ category: category as Category, service, path: f, reason });
      }
    }
    categories.push({ category: category as Category, noun: CATEGORY_NOUN[category] ?? 'files', configured, relevant: relevant.length, read, unread, unreadCount });
  }

  const outside = inventory.files.filter((f) => serviceOf.get(f) === ROOT_SERVICE);
  const scannedBy = [...new Set(okRuns.filter((r) => r.service === ROOT_SERVICE).map((r) => r.scanner))].sort();

  const excluded: NonNullable<CoverageLedger['files']>['excluded'] = [];
  for (const [name, count] of [...inventory.skippedDirectories].sort()) excluded.push({ pattern: `**/${name}/`, source: 'built-in (installed, generated or VCS data)', count });
  if (inventory.symlinks.length > 0) excluded.push({ pattern: 'symbolic links', source: 'built-in (not followed)', count: inventory.symlinks.length });
  for (const [glob, count] of allowCounts) excluded.push({ pattern: glob, source: 'secrets.allow-paths', count });

  return {
    scanners: scanners.sort((a, b) => (a.service === b.service ? a.scanner.localeCompare(b.scanner) : a.service.localeCompare(b.service))),
    files: {
      total: inventory.files.length,
      perService: [...perServiceCount].map(([service, files]) => ({ service, files })).sort((a, b) => a.service.localeCompare(b.service)),
      categories,
      outsideServices: { count: outside.length, paths: outside.slice(0, LEDGER_LIST_CAP), scannedBy },
      excluded,
      unreadable: inventory.unreadable,
    },
    gaps,
    gapCount,
    notServices: [...(input.notServices ?? [])],
  };
}
