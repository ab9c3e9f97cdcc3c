// The bundled example (examples/): its config, its recorded imports, the embedded secret scanner
// really running, and npm audit really running (it may fail with the registry's 405 here: then it
// must be a scanner error, never a pass).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createMemoryLogger } from '../../src/logger.js';
import { renderJson } from '../../src/reporters/json.js';
import { toSarif } from '../../src/reporters/sarif.js';
import { sarifSchemaErrors } from '../reporters/sarif-validate.js';
import { runScan } from '../../src/scan.js';

const EXAMPLES = new URL('../../examples/', import.meta.url).pathname;

async function scanExample(extra: { changedFiles?: string[] } = {}) {
  const { config } = await loadConfig(join(EXAMPLES, '.gatehouse.yml'));
  return runScan(
    { repoRoot: EXAMPLES, config, kind: extra.changedFiles ? 'pr' : 'snapshot', now: new Date('2026-11-24T12:00:00Z'), ...extra },
    { logger: createMemoryLogger() },
  );
}

describe('the example repository', () => {
  it('fails the gate with findings from every service, imports attributed by path and image', async () => {
    const report = await scanExample();
    // the files outside the three folders (README, .gatehouse.yml, recorded/) are the root service's
    expect(report.services.map((s) => s.name)).toEqual(['orders-api', 'billing-worker', 'edge-proxy', '(root)']);
    const services = (tool: string) => [...new Set(report.findings.filter((f) => f.tool === tool).map((f) => f.service))].sort();
    expect(services('trivy').sort()).toEqual(['billing-worker', 'edge-proxy', 'orders-api']);
    expect(services('semgrep')).toEqual(['orders-api']);
    expect(services('gatehouse-secrets')).toEqual(['billing-worker', 'edge-proxy']);
    // the image report belongs to edge-proxy (services[].image), and only edge-proxy has an image run
    expect(report.findings.filter((f) => f.category === 'container').every((f) => f.service === 'edge-proxy')).toBe(true);
    expect(report.scanners.filter((r) => r.scanner === 'trivy-image').map((r) => r.service)).toEqual(['edge-proxy']);
    // npm audit ran only where there is a lockfile; here it either worked or is a named scanner error
    const audit = report.scanners.filter((r) => r.scanner === 'npm-audit');
    expect(audit.map((r) => r.service)).toEqual(['orders-api']);
    if (audit[0].status === 'error') expect(report.gate.reasons.some((r) => r.kind === 'scanner-error')).toBe(true);
    expect(report.gate.outcome).toBe('failed');
    expect(report.gate.reasons.some((r) => r.kind === 'expired-suppression' && /CVE-2018-18074/.test(r.message))).toBe(true);
  });

  it('never puts a planted secret into the JSON report', async () => {
    const json = renderJson(await scanExample());
    const settings = readFileSync(join(EXAMPLES, 'services/billing-worker/billing/settings.py'), 'utf8');
    const proxy = readFileSync(join(EXAMPLES, 'services/edge-proxy/config/proxy.yaml'), 'utf8');
    const planted = [
      /AWS_SECRET_ACCESS_KEY = "([^"]+)"/.exec(settings)![1],
      /"PASSWORD": "([^"]+)"/.exec(settings)![1],
      /github_token: (\S+)/.exec(proxy)![1],
      proxy.split('\n').find((l) => /^\s{4}[A-Za-z0-9+/]{64}$/.test(l))!.trim(),
      'Wn4vB8qZ2xTr6LpK',
    ];
    for (const secret of planted) expect(json).not.toContain(secret);
  });

  it('gives SARIF that is valid against the SARIF 2.1.0 schema, one run per tool', async () => {
    const report = await scanExample();
    const sarif = toSarif(report);
    expect(sarifSchemaErrors(sarif)).toEqual([]);
    // every tool that found something or was run (a failed one too) has its run
    const tools = new Set([...report.findings.map((f) => f.tool), ...report.scanners.map((r) => r.tool)]);
    expect(sarif.runs.map((r) => r.tool.driver.name).sort()).toEqual([...tools].sort());
  });

  it('narrows a PR scan to the touched service, imports included', async () => {
    const report = await scanExample({ changedFiles: ['services/billing-worker/requirements.txt'] });
    expect(report.services.map((s) => s.name)).toEqual(['billing-worker']);
    expect(new Set(report.findings.map((f) => f.service))).toEqual(new Set(['billing-worker']));
    expect(report.findings.filter((f) => f.status === 'introduced').every((f) => f.location.path === 'services/billing-worker/requirements.txt')).toBe(true);
  });
});
