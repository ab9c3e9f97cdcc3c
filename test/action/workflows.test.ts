import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from './harness.js';

interface Workflow {
  on: Record<string, unknown> | string[];
  permissions?: Record<string, string> | string;
  jobs: Record<string, { permissions?: Record<string, string>; steps?: { uses?: string; with?: Record<string, unknown> }[]; uses?: string }>;
}

const files = [
  ...readdirSync(path.join(REPO_ROOT, 'workflows')).map((f) => path.join('workflows', f)),
  ...readdirSync(path.join(REPO_ROOT, '.github/workflows')).map((f) => path.join('.github/workflows', f)),
];
const workflows = files.map((f) => ({ file: f, text: readFileSync(path.join(REPO_ROOT, f), 'utf8') })).map((w) => ({ ...w, yaml: parse(w.text) as Workflow }));

/** `owner/repo[/path]@ref` of every step and reusable-workflow call. */
function usesOf(w: Workflow): string[] {
  return Object.values(w.jobs).flatMap((job) => [job.uses, ...(job.steps ?? []).map((s) => s.uses)]).filter((u): u is string => !!u);
}

describe('ready-to-copy and project workflows', () => {
  it('exist: PR gate, snapshot, reusable per-service workflow and its matrix, CI, self-scan', () => {
    expect(files.map((f) => path.basename(f)).sort()).toEqual(
      ['ci.yml', 'gatehouse-fork-pr.yml', 'gatehouse-fork-publish.yml', 'gatehouse-matrix.yml', 'gatehouse-pr.yml', 'gatehouse-service.yml', 'gatehouse-snapshot.yml', 'gatehouse.yml'].sort(),
    );
    expect(workflows.find((w) => w.file.endsWith('gatehouse-service.yml'))?.yaml.on).toHaveProperty('workflow_call');
    expect(JSON.stringify(workflows.find((w) => w.file.endsWith('gatehouse-snapshot.yml'))?.yaml.on)).toMatch(/schedule.*cron/);
  });

  it('pin every third-party action to a full commit SHA', () => {
    for (const w of workflows) {
      for (const uses of usesOf(w.yaml)) {
        if (uses.startsWith('./') || uses.startsWith('<your-org>/gatehouse@')) continue;
        expect(uses, `${w.file}: ${uses}`).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
      }
    }
  });

  it('fork PRs: the pull_request side has a read-only token and uploads the report; the workflow_run side never checks out or runs PR code', () => {
    const scan = workflows.find((w) => w.file.endsWith('gatehouse-fork-pr.yml'))!;
    const publish = workflows.find((w) => w.file.endsWith('gatehouse-fork-publish.yml'))!;
    expect(Object.keys(scan.yaml.on)).toEqual(['pull_request']);
    expect(scan.yaml.permissions).toEqual({ contents: 'read' });
    expect(scan.text).not.toMatch(/secrets\./);
    const upload = Object.values(scan.yaml.jobs).flatMap((j) => j.steps ?? []).find((st) => st.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.with).toMatchObject({ name: 'gatehouse-report' });
    expect(publish.yaml.on).toEqual({ workflow_run: { workflows: ['gatehouse-fork-pr'], types: ['completed'] } });
    expect(scan.text).toMatch(/^name: gatehouse-fork-pr$/m);
    const steps = Object.values(publish.yaml.jobs).flatMap((j) => j.steps ?? []);
    expect(steps.some((st) => st.uses?.startsWith('actions/checkout@'))).toBe(false);
    expect(steps.some((st) => 'run' in st)).toBe(false);
    expect(steps.find((st) => st.uses?.startsWith('<your-org>/gatehouse@'))?.with).toMatchObject({ mode: 'publish-fork-report' });
    for (const w of workflows) expect(JSON.stringify(w.yaml.on), w.file).not.toMatch(/pull_request_target/);
  });

  it('declare least-privilege permissions at the top, never write-all, id-token only where OIDC is used', () => {
    for (const w of workflows) {
      expect(w.yaml.permissions, w.file).toBeTypeOf('object');
      expect(w.text).not.toMatch(/write-all/);
      const perms = JSON.stringify([w.yaml.permissions, ...Object.values(w.yaml.jobs).map((j) => j.permissions)]);
      if (perms.includes('id-token')) expect(w.text, w.file).toMatch(/dashboard-audience/);
      if (perms.includes('pull-requests')) expect(w.text, w.file).toMatch(/github-token/);
    }
  });

  it('pass the Gatehouse step only inputs that action.yml declares', () => {
    const declared = Object.keys((parse(readFileSync(path.join(REPO_ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> }).inputs);
    let steps = 0;
    for (const w of workflows) {
      for (const job of Object.values(w.yaml.jobs)) {
        for (const step of job.steps ?? []) {
          if (step.uses !== './' && !step.uses?.startsWith('<your-org>/gatehouse@')) continue;
          steps++;
          for (const key of Object.keys(step.with ?? {})) expect(declared, `${w.file}: ${key}`).toContain(key);
        }
      }
    }
    expect(steps).toBe(6); // pr, snapshot, service, fork pr + fork publish, and the self-scan
  });
});
