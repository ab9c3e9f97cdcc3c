// Bad input never crashes a policy check: it becomes a note naming the file, and the rest of the
// scan goes on. The adapter test runs the real policy CLI as a child process on a planted folder.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ciCheck } from '../../src/scanners/gatehouse-ci/check.js';
import { deployCheck } from '../../src/scanners/gatehouse-deploy/check.js';
import { gatehouseCiAdapter } from '../../src/scanners/gatehouse-ci/adapter.js';
import { gatehouseDeployAdapter } from '../../src/scanners/gatehouse-deploy/adapter.js';
import { checkFile, scanPolicyDirectory } from '../../src/scanners/policy/policy.js';
import { ScannerOutputError } from '../../src/errors.js';

const WF = '.github/workflows/ci.yml';

describe('bad input', () => {
  it('an alias bomb (billion laughs) is never expanded: no hang, no crash', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const text = `apiVersion: v1\nkind: ConfigMap\n${levels.join('\n')}\n`;
    const r = checkFile(deployCheck, 'k8s/bomb.yaml', text);
    expect(r.findings).toEqual([]);
  });

  it('aliases and merge keys are followed (a shared securityContext anchor counts)', () => {
    const text = `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  automountServiceAccountToken: false\n  containers:\n    - name: a\n      image: a:1@sha256:${'c'.repeat(64)}\n      securityContext: &hardened\n        runAsNonRoot: true\n        allowPrivilegeEscalation: false\n        readOnlyRootFilesystem: true\n      resources: &res {limits: {cpu: 1, memory: 1Gi}}\n    - name: b\n      image: b:1@sha256:${'c'.repeat(64)}\n      securityContext: *hardened\n      resources: *res\n`;
    const rules = checkFile(deployCheck, 'pod.yaml', text).findings.map((f) => f.ruleId);
    expect(rules).toEqual([]);
  });

  it('duplicate keys: checked with the last value (as kubectl reads it) and a note', () => {
    const text = 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  type: ClusterIP\n  type: NodePort\n';
    const r = checkFile(deployCheck, 'svc.yaml', text);
    expect(r.findings.map((f) => f.ruleId)).toEqual(['k8s-exposed-service']);
    expect(r.notes[0]!.reason).toMatch(/duplicate key "type" at line 6/);
  });

  it('a Helm template source ({{ }}) is skipped with a note, not parsed as YAML', () => {
    const text = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include "x.fullname" . }}\nspec:\n  {{- if .Values.replicas }}\n  replicas: {{ .Values.replicas }}\n  {{- end }}\n';
    const r = checkFile(deployCheck, 'chart/templates/deployment.yaml', text);
    expect(r.findings).toEqual([]);
    expect(r.notes[0]!.reason).toMatch(/Helm chart template \(Go template, not YAML\).*helm template/);
  });

  it('a workflow that is not valid GitHub Actions syntax gets a clear note', () => {
    expect(checkFile(ciCheck, WF, 'name: x\njobs: {}\n').notes[0]!.reason).toMatch(/no "on:" triggers/);
    expect(checkFile(ciCheck, WF, 'on: push\njobs:\n  a:\n    steps: []\n').notes[0]!.reason).toMatch(/job "a" has neither runs-on nor uses/);
    expect(checkFile(ciCheck, WF, 'on: push\njobs: [\n').notes[0]!.reason).toMatch(/not valid YAML/);
    expect(checkFile(ciCheck, WF, '- just\n- a list\n').notes[0]!.reason).toMatch(/top level is not a map/);
  });

  it('a huge file is noted, not read; the rest of the folder is still checked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-policy-big-'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM alpine\n');
    writeFileSync(join(dir, 'huge.yaml'), `apiVersion: v1\nkind: ConfigMap\ndata:\n${'  k: v\n'.repeat(2000)}`);
    const r = scanPolicyDirectory(deployCheck, dir, { maxFileBytes: 4096 });
    expect(r.notes).toEqual([{ path: 'huge.yaml', reason: expect.stringMatching(/over the 4096-byte limit/), skipped: true }]);
    expect(r.findings.map((f) => f.ruleId).sort()).toEqual(['docker-root-user', 'docker-unpinned-base']);
  });
});

describe('adapters (real child process)', () => {
  function plantedRepo(): string {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-policy-repo-'));
    mkdirSync(join(dir, '.github/workflows'), { recursive: true });
    writeFileSync(join(dir, '.github/workflows/ci.yml'), 'on: pull_request\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: other/thing@v1\n');
    writeFileSync(join(dir, '.github/workflows/broken.yml'), 'on: [\n');
    writeFileSync(join(dir, 'Dockerfile'), 'FROM node:20.11\nUSER root\n');
    return dir;
  }

  it('gatehouse-ci runs, parses, and reports notes as tool problems with repository paths', async () => {
    const dir = plantedRepo();
    const [exe, ...args] = gatehouseCiAdapter.command({ service: 'api', dir, repoRoot: dir, options: {} });
    const run = await execa(exe!, args, { reject: false });
    expect(run.exitCode).toBe(0);
    const parsed = gatehouseCiAdapter.parse({ stdout: run.stdout, stderr: run.stderr, exitCode: 0 }, { serviceDir: 'svc' });
    expect(parsed.findings.map((f) => [f.category, f.ruleId, f.location.path, f.location.startLine])).toEqual([
      ['ci', 'ci-no-permissions', 'svc/.github/workflows/ci.yml', 3],
      ['ci', 'ci-unpinned-action', 'svc/.github/workflows/ci.yml', 6],
    ]);
    expect(parsed.toolErrors).toEqual([expect.stringMatching(/^svc\/\.github\/workflows\/broken\.yml: not valid YAML/)]);
  });

  it('gatehouse-deploy finds the Dockerfile problems; garbage output is a typed error', async () => {
    const dir = plantedRepo();
    const [exe, ...args] = gatehouseDeployAdapter.command({ service: 'api', dir, repoRoot: dir, options: {} });
    const run = await execa(exe!, args, { reject: false });
    const parsed = gatehouseDeployAdapter.parse({ stdout: run.stdout, stderr: '', exitCode: 0 }, {});
    expect(parsed.findings.map((f) => [f.category, f.ruleId, f.location.startLine])).toEqual([['misconfig', 'docker-root-user', 2]]);
    expect(() => gatehouseDeployAdapter.parse({ stdout: 'not json', stderr: '', exitCode: 0 }, {})).toThrow(ScannerOutputError);
    expect(() => gatehouseDeployAdapter.parse({ stdout: run.stdout.replace('"gatehouse-deploy"', '"other"'), stderr: '', exitCode: 0 }, {})).toThrow(/expected "gatehouse-deploy"/);
  });
});
