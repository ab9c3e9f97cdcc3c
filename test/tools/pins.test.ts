// The pins that reach users: every `uses:` in the workflows, README and docs is a full commit SHA
// with its version comment and is one of ACTION_PINS; no pinned tool is a known-bad release; every
// platform install-tools claims has a sum; docs/pins.md is the table generated from the source.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPinsTable, updatePinsPage } from '../../scripts/gen-pins-table.js';
import { ACTION_PINS, GATEHOUSE_USES_PLACEHOLDER, GATEHOUSE_VERSION_PLACEHOLDER, PINNED_USES } from '../../src/tools/action-pins.js';
import { CLAIMED_PLATFORMS, KNOWN_BAD_RELEASES, knownBadRelease, TOOL_PINS } from '../../src/tools/pins.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const list = (dir: string, ext: RegExp) =>
  readdirSync(path.join(ROOT, dir))
    .filter((f) => ext.test(f))
    .map((f) => path.join(dir, f));
const FILES = [...list('workflows', /\.ya?ml$/), ...list('.github/workflows', /\.ya?ml$/), 'README.md', ...list('docs', /\.md$/)];

interface UsesLine {
  file: string;
  line: number;
  text: string;
}

/** Every `uses:` line, in YAML files and in the markdown's code blocks alike. */
export function usesLines(file: string, text: string): UsesLine[] {
  return text
    .split('\n')
    .map((t, i) => ({ file, line: i + 1, text: t }))
    .filter((l) => /^\s*(-\s+)?uses:\s/.test(l.text))
    .map((l) => ({ ...l, text: l.text.replace(/^\s*(-\s+)?uses:\s+/, '').trim() }));
}

/** Why a `uses:` value is not acceptable, or undefined when it is. */
export function usesProblem(value: string): string | undefined {
  if (value.startsWith('./')) return undefined; // the repository's own action or reusable workflow
  if (value === `${GATEHOUSE_USES_PLACEHOLDER} # ${GATEHOUSE_VERSION_PLACEHOLDER}`) return undefined;
  if (/gatehouse\/gatehouse@/.test(value)) return 'refers to gatehouse/gatehouse, which resolves to whoever owns that name: use the placeholder';
  const m = PINNED_USES.exec(value);
  if (!m) return 'not `owner/repo@<40-hex SHA> # vX.Y.Z`';
  const pin = ACTION_PINS.find((p) => p.action === m[1]);
  if (!pin) return `${m[1]} is not in ACTION_PINS (src/tools/action-pins.ts)`;
  if (pin.sha !== m[2] || pin.version !== m[3]) return `${m[1]}@${m[2]} # ${m[3]} differs from the pin ${pin.sha} # ${pin.version}`;
  return undefined;
}

describe('action pins in workflows, README and docs', () => {
  const lines = FILES.flatMap((f) => usesLines(f, readFileSync(path.join(ROOT, f), 'utf8')));

  it('finds the uses: lines of every place users copy from', () => {
    const files = new Set(lines.map((l) => l.file));
    for (const f of ['workflows/gatehouse-pr.yml', '.github/workflows/ci.yml', 'README.md', 'docs/action.md']) expect(files, f).toContain(f);
    expect(lines.length).toBeGreaterThan(15);
  });

  it('every uses: is a full commit SHA with its version comment, from ACTION_PINS, or the Gatehouse placeholder', () => {
    const problems = lines.map((l) => ({ at: `${l.file}:${l.line}: ${l.text}`, problem: usesProblem(l.text) })).filter((p) => p.problem);
    expect(problems).toEqual([]);
  });

  it('the check refuses a tag, a short SHA, a missing comment, a wrong comment and gatehouse/gatehouse', () => {
    const checkout = ACTION_PINS.find((p) => p.action === 'actions/checkout')!;
    expect(usesProblem(`actions/checkout@${checkout.sha} # ${checkout.version}`)).toBeUndefined();
    expect(usesProblem('actions/checkout@v4')).toMatch(/not `owner/);
    expect(usesProblem(`actions/checkout@${checkout.sha.slice(0, 12)} # v7.0.1`)).toMatch(/not `owner/);
    expect(usesProblem(`actions/checkout@${checkout.sha}`)).toMatch(/not `owner/);
    expect(usesProblem(`actions/checkout@${checkout.sha} # v4.2.2`)).toMatch(/differs from the pin/);
    expect(usesProblem('actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v7.0.1')).toMatch(/differs from the pin/);
    expect(usesProblem('evil/action@11bd71901bbe5b1630ceea73d27597364c9af683 # v1.0.0')).toMatch(/not in ACTION_PINS/);
    expect(usesProblem('gatehouse/gatehouse@v1')).toMatch(/whoever owns that name/);
  });

  it('no node20 action is pinned, and the placeholder cannot be a GitHub repository name', () => {
    for (const pin of ACTION_PINS) expect(pin.runtime, pin.action).not.toMatch(/node(12|16|20)\b/);
    const owner = GATEHOUSE_USES_PLACEHOLDER.split('/')[0];
    expect(owner).not.toMatch(/^[A-Za-z0-9-]+$/);
  });
});

describe('tool pins', () => {
  it('no pinned tool version is a known-bad release', () => {
    for (const pin of Object.values(TOOL_PINS)) expect(knownBadRelease(pin.tool, pin.version), `${pin.tool} ${pin.version}`).toBeUndefined();
  });

  it('the bad list covers the malicious trivy releases and the deleted range, and nothing next to them', () => {
    expect(KNOWN_BAD_RELEASES.length).toBeGreaterThanOrEqual(3);
    for (const v of ['0.69.4', '0.69.5', '0.69.6', '0.58.1', '0.27.0', '0.69.1']) expect(knownBadRelease('trivy', v), v).toBeDefined();
    for (const v of ['0.69.3', '0.69.2', '0.26.0', '0.69.10', '0.70.0']) expect(knownBadRelease('trivy', v), v).toBeUndefined();
    expect(knownBadRelease('gitleaks', '0.69.4')).toBeUndefined();
    expect(knownBadRelease('trivy', '0.69.4')?.advisory).toMatch(/GHSA-69fq-xp46-6x23/);
  });

  it('every claimed platform has a file and a 64-hex sum, and the file names the version', () => {
    for (const pin of Object.values(TOOL_PINS)) {
      expect(pin.releasePath).toContain(`/v${pin.version}`);
      for (const platform of CLAIMED_PLATFORMS) {
        const archive = pin.archives[platform];
        expect(archive, `${pin.tool} ${platform}`).toBeDefined();
        expect(archive!.sha256).toMatch(/^[0-9a-f]{64}$/);
        expect(archive!.file).toContain(pin.version);
      }
    }
    const sums = Object.values(TOOL_PINS).flatMap((p) => Object.values(p.archives).map((a) => a.sha256));
    expect(new Set(sums).size).toBe(sums.length);
  });

  it('docs/pins.md is the table generated from the source', () => {
    const page = readFileSync(path.join(ROOT, 'docs/pins.md'), 'utf8');
    expect(updatePinsPage(page, renderPinsTable())).toBe(page);
    for (const pin of ACTION_PINS) expect(page).toContain(pin.sha);
    for (const pin of Object.values(TOOL_PINS)) for (const a of Object.values(pin.archives)) expect(page).toContain(a.sha256);
  });
});
