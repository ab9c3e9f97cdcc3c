// Time to check 1,000 generated Kubernetes manifests and 200 generated workflows with the embedded
// policy checks (the pure checks through the directory walk, as the CLI runs them). Printed only.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ciCheck } from '../src/scanners/gatehouse-ci/check.js';
import { deployCheck } from '../src/scanners/gatehouse-deploy/check.js';
import { scanPolicyDirectory } from '../src/scanners/policy/policy.js';

function manifest(i: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc-${i}
  namespace: ns-${i % 20}
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: app
          image: registry.example.com/svc-${i}:${i % 3 === 0 ? 'latest' : '1.2.3'}
          env:
            - name: UPSTREAM
              value: http://svc-${i + 1}:8080
          resources:
            limits: {cpu: 500m, memory: 256Mi}
---
apiVersion: v1
kind: Service
metadata:
  name: svc-${i}
  namespace: ns-${i % 20}
spec:
  type: ${i % 10 === 0 ? 'LoadBalancer' : 'ClusterIP'}
  ports: [{port: 80, targetPort: 8080}]
`;
}

function workflow(i: number): string {
  return `name: ci-${i}
on: ${i % 5 === 0 ? 'pull_request_target' : 'pull_request'}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with: {node-version: 20, cache: npm}
      - run: |
          npm ci
          echo "\${{ github.event.pull_request.title }}"
      - uses: some-org/some-action@v${i % 7}
  test:
    runs-on: ubuntu-latest
    permissions: {contents: read}
    steps:
      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11
      - run: npm test
`;
}

function time(label: string, files: number, run: () => { findings: unknown[] }): void {
  run(); // warm-up (module JIT)
  const runs: number[] = [];
  let findings = 0;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    findings = run().findings.length;
    runs.push(performance.now() - start);
  }
  runs.sort((a, b) => a - b);
  console.log(`${label}: ${files} files, ${findings} findings, median ${runs[1]!.toFixed(0)} ms (${(files / (runs[1]! / 1000)).toFixed(0)} files/s; runs ${runs.map((r) => r.toFixed(0)).join(', ')} ms)`);
}

const root = mkdtempSync(join(tmpdir(), 'gatehouse-policy-bench-'));
try {
  const k8s = join(root, 'k8s');
  mkdirSync(k8s);
  for (let i = 0; i < 1000; i++) writeFileSync(join(k8s, `svc-${i}.yaml`), manifest(i));
  const wf = join(root, 'wf', '.github', 'workflows');
  mkdirSync(wf, { recursive: true });
  for (let i = 0; i < 200; i++) writeFileSync(join(wf, `ci-${i}.yml`), workflow(i));
  time('gatehouse-deploy on 1,000 Kubernetes manifests (2 documents each)', 1000, () => scanPolicyDirectory(deployCheck, k8s));
  time('gatehouse-ci on 200 workflows', 200, () => scanPolicyDirectory(ciCheck, join(root, 'wf')));
} finally {
  rmSync(root, { recursive: true, force: true });
}
