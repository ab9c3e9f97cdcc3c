// Every rule of the CI workflow audit: one sample where it fires (at the right line) and one safe
// sample where it stays quiet. The last test fails when a rule has no case here.
import { describe, expect, it } from 'vitest';
import { CI_RULES, ciCheck } from '../../src/scanners/gatehouse-ci/check.js';
import { checkFile } from '../../src/scanners/policy/policy.js';

const WF = '.github/workflows/ci.yml';
const SHA = 'b4ffde65f46336ab88eb53be808477a3936bae11';

interface Case {
  path?: string;
  vulnerable: string;
  line: number;
  safe: string;
}

const job = (steps: string, extra = '', on = 'pull_request') => `on: ${on}
permissions: {contents: read}
jobs:
  build:
    runs-on: ubuntu-latest${extra}
    steps:
${steps}`;

const CASES: Record<string, Case> = {
  'ci-unpinned-action': {
    vulnerable: job('      - uses: some-org/setup-thing@v2'),
    line: 7,
    safe: job(`      - uses: some-org/setup-thing@${SHA} # v2\n      - uses: ./local-action`),
  },
  'ci-compromised-action': {
    vulnerable: job(`      - uses: tj-actions/changed-files@v45.0.7`),
    line: 7,
    safe: job(`      - uses: tj-actions/changed-files@${SHA} # v46.0.5\n      - uses: aquasecurity/trivy-action@${SHA}`),
  },
  'ci-untrusted-checkout': {
    vulnerable: job(`      - uses: actions/checkout@${SHA}\n        with:\n          ref: \${{ github.event.pull_request.head.sha }}`, '', 'pull_request_target'),
    line: 9,
    safe: job(`      - uses: actions/checkout@${SHA}`, '', 'pull_request_target'),
  },
  'ci-script-injection': {
    vulnerable: job(`      - run: |\n          echo ok\n          echo "\${{ github.event.issue.title }}"`, '', 'issues'),
    line: 9,
    safe: job(`      - env:\n          TITLE: \${{ github.event.issue.title }}\n        run: echo "$TITLE"`, '', 'issues'),
  },
  'ci-no-permissions': {
    vulnerable: 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n',
    line: 3,
    safe: 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    permissions: {contents: read}\n    steps:\n      - run: make\n',
  },
  'ci-write-all-permissions': {
    vulnerable: 'on: push\npermissions: write-all\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n',
    line: 2,
    safe: 'on: push\npermissions: {contents: write}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n',
  },
  'ci-secrets-inherit': {
    vulnerable: `on: push\npermissions: {}\njobs:\n  call:\n    uses: org/wf/.github/workflows/x.yml@${SHA}\n    secrets: inherit\n`,
    line: 6,
    safe: `on: push\npermissions: {}\njobs:\n  call:\n    uses: org/wf/.github/workflows/x.yml@${SHA}\n    secrets:\n      TOKEN: \${{ secrets.TOKEN }}\n`,
  },
  'ci-secrets-tojson': {
    vulnerable: job(`      - run: ./deploy\n        env:\n          ALL: \${{ toJSON(secrets) }}`),
    line: 9,
    safe: job(`      - run: ./deploy\n        env:\n          TOKEN: \${{ secrets.TOKEN }}`),
  },
  'ci-persisted-credentials': {
    vulnerable: job(`      - uses: actions/checkout@${SHA}\n      - uses: actions/upload-artifact@${SHA}\n        with:\n          path: .`),
    line: 7,
    safe: job(`      - uses: actions/checkout@${SHA}\n        with:\n          persist-credentials: false\n      - uses: actions/upload-artifact@${SHA}\n        with:\n          path: .`),
  },
  'ci-env-injection': {
    vulnerable: job(`      - run: echo "BRANCH=\${{ github.head_ref }}" >> "$GITHUB_ENV"`),
    line: 7,
    safe: job(`      - run: echo "BUILD_ID=42" >> "$GITHUB_ENV"`),
  },
  'ci-unsecure-commands': {
    vulnerable: job(`      - run: make\n        env:\n          ACTIONS_ALLOW_UNSECURE_COMMANDS: true`),
    line: 9,
    safe: job(`      - run: make\n        env:\n          ACTIONS_ALLOW_UNSECURE_COMMANDS: false`),
  },
  'ci-container-no-digest': {
    vulnerable: job('      - run: make', '\n    container: node:20'),
    line: 6,
    safe: job('      - run: make', `\n    container: node:20@sha256:${'a'.repeat(64)}`),
  },
  'ci-self-hosted-public': {
    vulnerable: job('      - run: make').replace('runs-on: ubuntu-latest', 'runs-on: [self-hosted, linux]'),
    line: 5,
    safe: job('      - run: make').replace('runs-on: ubuntu-latest', 'runs-on: [self-hosted, linux]').replace('on: pull_request', 'on: push'),
  },
  'ci-cache-in-privileged-job': {
    vulnerable: `on: {push: {tags: ['v*']}}\npermissions: {contents: write}\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-node@${SHA}\n        with:\n          cache: npm\n`,
    line: 7,
    safe: `on: {push: {tags: ['v*']}}\npermissions: {contents: write}\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-node@${SHA}\n        with:\n          node-version: 20\n`,
  },
};

function ruleHits(text: string, rule: string, path = WF) {
  return checkFile(ciCheck, path, text).findings.filter((f) => f.ruleId === rule);
}

describe('CI workflow audit rules', () => {
  for (const [rule, c] of Object.entries(CASES)) {
    it(`${rule}: fires on the vulnerable sample at line ${c.line}`, () => {
      const hits = ruleHits(c.vulnerable, rule, c.path);
      expect(hits.map((h) => h.line)).toContain(c.line);
      expect(hits[0]!.fix.length).toBeGreaterThan(10);
    });
    it(`${rule}: stays quiet on the safe sample`, () => {
      expect(ruleHits(c.safe, rule, c.path)).toEqual([]);
    });
  }

  it('has a firing and a quiet case for every rule', () => {
    expect(Object.keys(CASES).sort()).toEqual(CI_RULES.map((r) => r.id).sort());
  });

  it('known compromised releases: each listed action, with its advisory; safe releases stay quiet', () => {
    const uses = (ref: string) => ruleHits(job(`      - uses: ${ref}`), 'ci-compromised-action');
    expect(uses('tj-actions/changed-files@v1')[0]!.message).toContain('CVE-2025-30066');
    expect(uses('tj-actions/changed-files@v46.0.1')).toEqual([]);
    expect(uses('reviewdog/action-setup@v1')[0]!.message).toContain('CVE-2025-30154');
    expect(uses('aquasecurity/trivy-action@0.34.2')[0]!.references).toContain('https://github.com/aquasecurity/trivy/security/advisories/GHSA-69fq-xp46-6x23');
    expect(uses('aquasecurity/trivy-action@master')).toHaveLength(1);
    expect(uses('aquasecurity/trivy-action@0.35.0')).toEqual([]);
    expect(uses('aquasecurity/setup-trivy@v0.2.2')).toHaveLength(1);
    expect(uses('aquasecurity/setup-trivy@v0.2.6')).toEqual([]);
  });

  it('the SLSA generator reusable workflows are exempt: they must be called by tag (a real false positive in argo-cd)', () => {
    const text = 'on: push\npermissions: {}\njobs:\n  p:\n    uses: slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@v2.1.0\n';
    expect(ruleHits(text, 'ci-unpinned-action')).toEqual([]);
  });

  it('a workflow none of whose jobs declares permissions is one finding at jobs:, not one per job (tokio-rs/axum)', () => {
    const jobsOf = (names: string[], permissions = () => '') =>
      `on: push\njobs:\n${names.map((n) => `  ${n}:\n    runs-on: ubuntu-latest\n${permissions()}    steps:\n      - run: make\n`).join('')}`;
    const all = ruleHits(jobsOf(['check', 'test', 'docs', 'lint', 'typos']), 'ci-no-permissions');
    expect(all.map((h) => h.line)).toEqual([2]);
    expect(all[0]!.message).toContain('the workflow and its 5 jobs (check, test, docs and 2 more) declare no permissions');
    // Some jobs declare theirs: each job without is its own finding (the fix is per job).
    const text = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n  b:\n    runs-on: ubuntu-latest\n    permissions: {contents: read}\n    steps:\n      - run: make\n  c:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n`;
    expect(ruleHits(text, 'ci-no-permissions').map((h) => h.line)).toEqual([3, 12]);
  });

  it('first-party actions unpinned are low, third-party medium', () => {
    const f = checkFile(ciCheck, WF, job('      - uses: actions/checkout@v4\n      - uses: other/thing@v1')).findings;
    expect(f.filter((x) => x.ruleId === 'ci-unpinned-action').map((x) => x.severity)).toEqual(['low', 'medium']);
  });

  it('audits composite actions (action.yml) too', () => {
    const action = `name: x\nruns:\n  using: composite\n  steps:\n    - uses: other/thing@v1\n    - shell: bash\n      run: echo "\${{ github.event.pull_request.body }}"\n`;
    const rules = checkFile(ciCheck, 'deploy/action.yml', action).findings.map((f) => f.ruleId);
    expect(rules).toEqual(['ci-unpinned-action', 'ci-script-injection']);
  });

  it('reads injection in actions/github-script `script:` as well as run:', () => {
    const text = job(`      - uses: actions/github-script@${SHA}\n        with:\n          script: console.log("\${{ github.event.comment.body }}")`, '', 'issue_comment');
    expect(ruleHits(text, 'ci-script-injection').map((f) => f.line)).toEqual([9]);
  });

  it('an inline marker `gatehouse:ignore <rule> reason` marks the finding ignored, with its reason', () => {
    const text = job(`      # gatehouse:ignore ci-unpinned-action vendored fork we control\n      - uses: some-org/setup-thing@v2\n      - uses: other/thing@v1`);
    const hits = ruleHits(text, 'ci-unpinned-action');
    expect(hits.map((h) => [h.line, h.ignored?.reason])).toEqual([
      [8, 'vendored fork we control'],
      [9, undefined],
    ]);
  });

  it('fingerprint input survives moving a step down the file (no line number in the hash)', () => {
    const a = ruleHits(job('      - uses: other/thing@v1'), 'ci-unpinned-action')[0]!;
    const b = ruleHits(job('      - run: make\n      - run: test\n      - uses: other/thing@v1'), 'ci-unpinned-action')[0]!;
    expect(b.line).not.toBe(a.line);
    expect(b.matchHash).toBe(a.matchHash);
  });
});
