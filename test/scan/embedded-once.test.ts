// The embedded scanners (secrets, CI workflow audit, deployment checks) read every service in one
// child process each, not one per service: the plan holds one run per embedded scanner, the report
// still has one ScannerRun per service, findings land on the service of their path, and whole-set
// rules (a namespace without a NetworkPolicy) stay within one service as a per-service run had it.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { createMemoryLogger } from '../../src/logger.js';
import { runScan, type ScanProgress } from '../../src/scan.js';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: api
          image: registry.example.com/api:latest
`;
const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress]}
`;

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

describe('embedded scanners run once for all services', () => {
  it('starts one process per embedded scanner for three services and splits the findings by service', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gh-once-'));
    write(root, {
      'services/a/package.json': '{}',
      'services/a/Dockerfile': 'FROM node:latest\n',
      'services/b/package.json': '{}',
      'services/b/k8s/api.yaml': DEPLOYMENT,
      'services/c/package.json': '{}',
      // c's NetworkPolicy covers c's namespace only: b's namespace "shop" still has none
      'services/c/k8s/api.yaml': DEPLOYMENT,
      'services/c/k8s/policy.yaml': POLICY,
      '.github/workflows/ci.yml': 'on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n',
    });
    const config = ConfigSchema.parse({ scanners: { dependency: [] } });
    const starts: string[] = [];
    const onProgress = (e: ScanProgress) => {
      if (e.type === 'scanner-start') starts.push(e.scanner);
    };
    const report = await runScan({ repoRoot: root, config, kind: 'snapshot' }, { logger: createMemoryLogger(), onProgress });
    expect(starts.sort()).toEqual(['gatehouse-ci', 'gatehouse-deploy', 'gatehouse-secrets']);
    const deployRuns = report.scanners.filter((r) => r.scanner === 'gatehouse-deploy');
    expect(deployRuns.map((r) => r.service).sort()).toEqual(['(root)', 'a', 'b', 'c']);
    expect(deployRuns.every((r) => r.status === 'ok')).toBe(true);
    const deploy = report.findings.filter((f) => f.tool === 'gatehouse-deploy');
    expect(deploy.find((f) => f.location.path === 'services/a/Dockerfile')?.service).toBe('a');
    expect(deploy.find((f) => f.location.path === 'services/b/k8s/api.yaml')?.service).toBe('b');
    const noPolicy = deploy.filter((f) => f.ruleId === 'k8s-namespace-no-networkpolicy').map((f) => f.service);
    expect(noPolicy).toEqual(['b']);
    const ci = report.findings.filter((f) => f.tool === 'gatehouse-ci');
    expect(ci.length).toBeGreaterThan(0);
    expect(ci.every((f) => f.service === '(root)')).toBe(true);
  });

  it('leaves services outside a PR scan unread', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gh-once-pr-'));
    write(root, {
      'services/a/package.json': '{}',
      'services/a/Dockerfile': 'FROM node:latest\n',
      'services/b/package.json': '{}',
      'services/b/Dockerfile': 'FROM node:latest\n',
    });
    const config = ConfigSchema.parse({ scanners: { dependency: [], secret: [], ci: [] } });
    const report = await runScan(
      { repoRoot: root, config, kind: 'pr', changedFiles: ['services/a/Dockerfile'] },
      { logger: createMemoryLogger() },
    );
    expect(report.findings.map((f) => f.location.path).filter((p) => p?.startsWith('services/b'))).toEqual([]);
    expect(report.findings.some((f) => f.location.path === 'services/a/Dockerfile')).toBe(true);
  });
});
