// The scan plan: which scanner runs on which service, and which reports are imported instead.
// Built before anything runs, so every config mistake (an unknown scanner id, a container scanner
// without an image, an import of a tool nobody knows) is a ConfigError (exit 2) up front.
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import type { GatehouseConfig, GenericSarifScannerConfig, ScannerEntry } from '../config/schema.js';
import type { Category } from '../findings/finding.js';
import type { ScannerAdapter, ScanTarget } from '../scanners/adapter.js';
import { getAdapter, listAdapters } from '../scanners/registry.js';
import { createSarifAdapter } from '../scanners/sarif.js';
import { ROOT_SERVICE, type Service } from '../services/discover.js';
import type { Logger } from '../logger.js';
import type { CoverageScannerEntry } from '../report/scan-report.js';
import { CATEGORY_NOUN, rootOnlyReason, runReads } from '../ledger/file-kinds.js';

const CONFIG_CATEGORIES = ['dependency', 'container', 'sast', 'secret', 'misconfig', 'ci'] as const satisfies readonly Category[];

interface PlannedBase {
  adapter: ScannerAdapter;
  /** The service the run is for; an import without `@service` covers every scanned service. */
  service: Service;
  target: ScanTarget;
}

/** Run the tool in the service folder. */
export interface PlannedToolRun extends PlannedBase {
  mode: 'run';
  argv: string[];
  /** A file (relative to the service folder) the tool writes its report to, instead of stdout. */
  outputFile?: string;
  /**
   * A whole-repository run (adapter.scansRepositoryOnce): the services it reports for. Its
   * findings go to the service of their path, and it records one ScannerRun per service.
   */
  covers?: readonly Service[];
}

/** Parse a report file made elsewhere (trivy-action in an earlier step, a recorded report). */
export interface PlannedImport extends PlannedBase {
  mode: 'import';
  /** Absolute path of the report. */
  file: string;
  /** True when the import was given for one service (`TOOL@SERVICE=FILE`); else it covers all. */
  forService: boolean;
  /** Name of the report file inside ToolOutput.files (generic SARIF entries with `output`). */
  outputFile?: string;
}

export type PlannedScan = PlannedToolRun | PlannedImport;

export interface PlanInput {
  repoRoot: string;
  config: GatehouseConfig;
  /** The services to scan (all, or those a change touched). */
  services: readonly Service[];
  /** Every service of the repository (an import for a service this scan skips is ignored). */
  allServices?: readonly Service[];
  /**
   * `TOOL=FILE` or `TOOL@SERVICE=FILE` imports from the CLI or action (keys `TOOL` or
   * `TOOL@SERVICE`). Relative paths are relative to the repository root. They win over config.
   */
  imports?: Readonly<Record<string, string>>;
  logger?: Logger;
  /**
   * Files outside every service folder (repository-relative), when the root service is scanned:
   * a per-service tool runs for the root service only when some of them are for it to read.
   */
  rootFiles?: readonly string[];
  /** `BASE..HEAD` or `all`: the embedded secret scanner also reads the lines these commits added. */
  secretCommits?: string;
}

export interface ScanPlan {
  runs: PlannedScan[];
  /** Service x scanner pairs that are not runs (not applicable, skipped), with why, for the ledger. */
  decisions: CoverageScannerEntry[];
}

/** Resolves adapters for every configured scanner (built-ins by id, `scanners.sarif[]` by name). */
export function configuredAdapters(config: GatehouseConfig): {
  entries: { adapter: ScannerAdapter; options: Record<string, unknown>; import?: string; sarif?: GenericSarifScannerConfig }[];
  byId: Map<string, { adapter: ScannerAdapter; sarif?: GenericSarifScannerConfig }>;
} {
  const byId = new Map<string, { adapter: ScannerAdapter; sarif?: GenericSarifScannerConfig }>();
  for (const a of listAdapters()) byId.set(a.id, { adapter: a });
  const entries: { adapter: ScannerAdapter; options: Record<string, unknown>; import?: string; sarif?: GenericSarifScannerConfig }[] =
    [];
  const seen = new Set<string>();

  for (const category of CONFIG_CATEGORIES) {
    config.scanners[category].forEach((entry: ScannerEntry, index) => {
      const id = typeof entry === 'string' ? entry : entry.use;
      let adapter: ScannerAdapter;
      try {
        adapter = getAdapter(id);
      } catch (err) {
        if (err instanceof ConfigError) {
          throw new ConfigError(`scanners.${category}[${index}]: ${err.message}`, { field: `scanners.${category}[${index}]` });
        }
        throw err;
      }
      if (seen.has(id)) return; // listed twice (e.g. trivy-fs under dependency and misconfig): run once
      seen.add(id);
      const options = typeof entry === 'string' ? {} : entry.with;
      entries.push({
        adapter,
        // The embedded secret scanner takes the config's `secrets.allow-paths` (unless `with` sets it).
        options: id === 'gatehouse-secrets' ? { 'allow-paths': config.secrets['allow-paths'], context: config.secrets.context, ...options } : options,
        import: typeof entry === 'string' ? undefined : entry.import,
      });
    });
  }
  config.scanners.sarif.forEach((def, index) => {
    if (byId.has(def.name)) {
      throw new ConfigError(
        `scanners.sarif[${index}].name: "${def.name}" is already a built-in scanner id; choose another name`,
        { field: `scanners.sarif[${index}].name` },
      );
    }
    const adapter = createSarifAdapter(def);
    byId.set(def.name, { adapter, sarif: def });
    entries.push({ adapter, options: {}, import: def.import, sarif: def });
  });
  return { entries, byId };
}

export function planScan(input: PlanInput): PlannedScan[] {
  return planScanWithCoverage(input).runs;
}

export function planScanWithCoverage(input: PlanInput): ScanPlan {
  const { repoRoot, config, services } = input;
  const decisions: CoverageScannerEntry[] = [];
  const decide = (service: Service, adapter: ScannerAdapter, state: 'not-applicable' | 'skipped', reason: string) =>
    decisions.push({ service: service.name, scanner: adapter.id, category: adapter.category, state, reason });
  const { entries, byId } = configuredAdapters(config);
  if (input.secretCommits) {
    for (const e of entries) if (e.adapter.id === 'gatehouse-secrets') e.options = { ...e.options, commits: input.secretCommits };
  }
  const root: Service = { name: ROOT_SERVICE, path: '', dir: resolve(repoRoot) };
  const byName = new Map(services.map((s) => [s.name, s]));

  // Imports, from config entries first, then the CLI/action (which win for the same key).
  const imports = new Map<string, { tool: string; serviceName?: string; file: string; origin: string }>();
  for (const e of entries) {
    if (e.import) imports.set(e.adapter.id, { tool: e.adapter.id, file: e.import, origin: `scanners entry "${e.adapter.id}"` });
  }
  for (const [key, file] of Object.entries(input.imports ?? {})) {
    const [tool, serviceName] = key.split('@', 2);
    if (!byId.has(tool)) {
      throw new ConfigError(
        `--import ${key}=${file}: unknown scanner "${tool}"; known scanners: ${[...byId.keys()].sort().join(', ')}`,
        { field: 'import' },
      );
    }
    if (serviceName !== undefined && !byName.has(serviceName)) {
      if (input.allServices?.some((s) => s.name === serviceName)) {
        input.logger?.debug(`--import ${key}: service "${serviceName}" is not part of this scan; import skipped`);
        continue;
      }
      throw new ConfigError(
        `--import ${key}=${file}: service "${serviceName}" is not among the scanned services (${[...byName.keys()].filter((n) => n !== ROOT_SERVICE).join(', ') || 'none'})`,
        { field: 'import' },
      );
    }
    imports.set(key, { tool, serviceName, file, origin: `--import ${key}` });
  }

  const plan: PlannedScan[] = [];
  const importedEverywhere = new Set<string>();
  const importedFor = new Set<string>();
  for (const imp of imports.values()) {
    const known = byId.get(imp.tool)!;
    const service = imp.serviceName ? byName.get(imp.serviceName)! : root;
    if (imp.serviceName) importedFor.add(`${imp.tool}@${imp.serviceName}`);
    else importedEverywhere.add(imp.tool);
    const options = entries.find((e) => e.adapter.id === imp.tool)?.options ?? {};
    plan.push({
      mode: 'import',
      adapter: known.adapter,
      service,
      target: targetFor(repoRoot, service, options),
      file: isAbsolute(imp.file) ? imp.file : resolve(repoRoot, imp.file),
      forService: imp.serviceName !== undefined,
      outputFile: known.sarif?.output,
    });
  }

  for (const e of entries) {
    if (importedEverywhere.has(e.adapter.id)) continue;
    // A sarif entry with only `import` (no command) has nothing to run.
    if (e.sarif && !e.sarif.command) continue;
    const isContainer = e.adapter.category === 'container';
    if (e.adapter.scansRepositoryOnce && !isContainer) {
      planWholeRepository(e);
      continue;
    }
    const runnable = services.filter((s) => !importedFor.has(`${e.adapter.id}@${s.name}`) && (!isContainer || s.image));
    if (isContainer) {
      const withoutImage = services.filter((s) => !s.image);
      for (const s of withoutImage) decide(s, e.adapter, 'not-applicable', 'no image configured (services[].image)');
      if (withoutImage.length > 0) {
        input.logger?.info(
          `${e.adapter.id}: no image configured for ${withoutImage.map((s) => s.name).join(', ')} (services[].image); container scan skipped there`,
        );
      }
    }
    const nothingToScan: string[] = [];
    const others = (input.allServices ?? services).filter((s) => s.path !== '').map((s) => s.path);
    for (const service of runnable) {
      const isRoot = service.name === ROOT_SERVICE && service.path === '';
      // The root service's tool run is only for the files outside every service folder.
      if (isRoot && !isContainer && input.rootFiles && !input.rootFiles.some((f) => runReads(e.adapter.id, e.adapter.category, '', f))) {
        decide(service, e.adapter, 'not-applicable', `no ${CATEGORY_NOUN[e.adapter.category] ?? 'files'} for it outside the service folders`);
        continue;
      }
      const target = { ...targetFor(repoRoot, service, e.options), ...(isRoot ? { excludePaths: others } : {}) };
      if (e.adapter.appliesTo && !e.adapter.appliesTo(target)) {
        nothingToScan.push(`${service.name} (${service.path || '.'})`);
        const why = rootOnlyReason(e.adapter.id);
        decide(service, e.adapter, 'not-applicable', why ? `nothing to audit: ${why.replace(/^not at a service root \((.*)\)$/, '$1')}` : 'nothing for it to scan here');
        continue;
      }
      plan.push({ mode: 'run', adapter: e.adapter, service, target, argv: e.adapter.command(target), outputFile: e.sarif?.output });
    }
    // Said at info level, like a container scan without an image: a configured scanner that runs
    // nowhere must not look like a clean scan.
    if (nothingToScan.length > 0) {
      input.logger?.info(`${e.adapter.id}: nothing to scan in ${nothingToScan.join(', ')} (e.g. no lockfile there); skipped there`);
    }
  }
  return { runs: plan, decisions };

  /** One run at the repository root for every scanned service; the rest of the repository is left out. */
  function planWholeRepository(e: (typeof entries)[number]): void {
    const covers = services.filter((s) => !importedFor.has(`${e.adapter.id}@${s.name}`));
    if (covers.length === 0) return;
    const coveredNames = new Set(covers.map((s) => s.name));
    // Folders of services outside this scan (a PR scan) are not read.
    const excludePaths = (input.allServices ?? services).filter((s) => !coveredNames.has(s.name) && s.path !== '').map((s) => s.path);
    // allow-paths were written relative to a service folder or to the repository: keep both meanings.
    const allow = Array.isArray(e.options['allow-paths']) ? (e.options['allow-paths'] as unknown[]).filter((g): g is string => typeof g === 'string') : [];
    const allowPaths = [...new Set([...allow, ...covers.filter((s) => s.path !== '').flatMap((s) => allow.map((g) => `${s.path}/${g}`))])];
    const rootService: Service = { name: ROOT_SERVICE, path: '', dir: resolve(repoRoot) };
    const servicePaths = covers.filter((s) => s.path !== '').map((s) => s.path);
    const target: ScanTarget = { ...targetFor(repoRoot, rootService, { ...e.options, 'allow-paths': allowPaths }), excludePaths, servicePaths };
    plan.push({ mode: 'run', adapter: e.adapter, service: rootService, target, argv: e.adapter.command(target), outputFile: e.sarif?.output, covers });
  }
}

function targetFor(repoRoot: string, service: Service, options: Record<string, unknown>): ScanTarget {
  return {
    service: service.name,
    dir: service.dir,
    repoRoot: resolve(repoRoot),
    ...(service.image ? { image: service.image } : {}),
    options,
  };
}
