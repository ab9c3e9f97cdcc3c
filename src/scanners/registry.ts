// Every built-in scanner adapter by id. Config entries (`scanners.<category>[]`) and `--import TOOL=FILE`
// name these ids; `scanners.sarif[]` entries become adapters through createSarifAdapter (sarif.ts).
// Adding a scanner: its file, its test, and one line here. The README tables, SARIF tool URIs and the
// import-every-adapter test are built from each adapter's `about`.
import { ConfigError } from '../errors.js';
import type { SeverityWords } from '../findings/severity.js';
import type { ScannerAdapter } from './adapter.js';
import { gatehouseCiAdapter } from './gatehouse-ci/adapter.js';
import { gatehouseDeployAdapter } from './gatehouse-deploy/adapter.js';
import { gatehouseSecretsAdapter } from './gatehouse-secrets/adapter.js';
import { gitleaksAdapter } from './gitleaks.js';
import { grypeAdapter } from './grype.js';
import { npmAuditAdapter } from './npm-audit.js';
import { osvScannerAdapter } from './osv-scanner.js';
import { pnpmAuditAdapter } from './pnpm-audit.js';
import { semgrepAdapter } from './semgrep.js';
import { yarnAuditAdapter } from './yarn-audit.js';
import { trivyFsAdapter, trivyImageAdapter, trivySecretAdapter } from './trivy.js';

export const ADAPTERS: Readonly<Record<string, ScannerAdapter>> = {
  'trivy-fs': trivyFsAdapter,
  'trivy-image': trivyImageAdapter,
  'trivy-secret': trivySecretAdapter,
  'npm-audit': npmAuditAdapter,
  semgrep: semgrepAdapter,
  gitleaks: gitleaksAdapter,
  'osv-scanner': osvScannerAdapter,
  grype: grypeAdapter,
  'yarn-audit': yarnAuditAdapter,
  'pnpm-audit': pnpmAuditAdapter,
  'gatehouse-secrets': gatehouseSecretsAdapter,
  'gatehouse-ci': gatehouseCiAdapter,
  'gatehouse-deploy': gatehouseDeployAdapter,
};

export function listAdapters(): ScannerAdapter[] {
  return Object.values(ADAPTERS);
}

/** The home page of a tool (by its tool name, as findings carry it), when an adapter knows one. */
export function toolHomepage(tool: string): string | undefined {
  return listAdapters().find((a) => a.tool === tool && a.about)?.about?.homepage;
}

/** tool name -> its severity words, one row per tool (trivy's three adapters share one row). */
export function severityWordsByTool(): Map<string, SeverityWords> {
  const rows = new Map<string, SeverityWords>();
  for (const adapter of listAdapters()) {
    if (adapter.about && !rows.has(adapter.tool)) rows.set(adapter.tool, adapter.about.severityWords);
  }
  return rows;
}

/** The adapter for an id; an unknown id is a config mistake, answered with the known ids. */
export function getAdapter(id: string): ScannerAdapter {
  const adapter = ADAPTERS[id];
  if (!adapter) {
    throw new ConfigError(`unknown scanner "${id}"; known scanners: ${Object.keys(ADAPTERS).sort().join(', ')}`, {
      field: 'scanners',
    });
  }
  return adapter;
}
