// Issue 9 point 6: one missing tool is one gate reason listing its services, with its install hint
// once, in text and markdown (PR comment, job summary); the JSON keeps every failed run; the install
// link in markdown is a link that clicks (no zero-width space inside "https://").
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { createMemoryLogger } from '../../src/logger.js';
import { renderJson } from '../../src/reporters/json.js';
import { escapeMarkdownKeepingLinks, renderMarkdown } from '../../src/reporters/markdown.js';
import { renderText } from '../../src/reporters/text.js';
import { runScan } from '../../src/scan.js';
import { gateForService } from '../../dashboard/store/lifecycle.js';

const HINT = 'https://semgrep.dev/docs/getting-started/';
const MISSING = `semgrep is not installed ("semgrep" was not found on PATH); to install: \`python3 -m pip install semgrep\`, see ${HINT}`;

function render(md: string): string {
  return micromark(md, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });
}

async function scanWithMissingTool() {
  const root = mkdtempSync(join(tmpdir(), 'gh-folded-'));
  for (const s of ['a', 'b', 'c']) {
    mkdirSync(join(root, 'services', s), { recursive: true });
    writeFileSync(join(root, 'services', s, 'package.json'), '{}');
  }
  const config = ConfigSchema.parse({ scanners: { dependency: [], sast: ['semgrep'], secret: [], misconfig: [], ci: [] } });
  return runScan({ repoRoot: root, config, kind: 'snapshot', unavailableTools: { semgrep: MISSING } }, { logger: createMemoryLogger() });
}

const count = (text: string, part: string) => text.split(part).length - 1;

describe('a missing tool in three services', () => {
  it('is one gate reason naming the services, its install hint once in text and markdown, every run in JSON', async () => {
    const report = await scanWithMissingTool();
    const errors = report.gate.reasons.filter((r) => r.kind === 'scanner-error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/^semgrep \(sast\) could not scan a, b, c: semgrep: semgrep is not installed/);
    expect(errors[0]!.services).toEqual(['a', 'b', 'c']);

    const text = renderText(report, { color: false });
    expect(count(text, HINT)).toBe(1);
    expect(text).toMatch(/x +semgrep +a, b, c +\d+\.\d\d s +error: semgrep: semgrep is not installed \("semgrep" was not found on PATH\)\n/);

    const md = renderMarkdown(report, {});
    expect(count(md, HINT)).toBe(2); // the reason, and the one folded row of the Scanner errors table
    expect(md).toContain('| semgrep | a, b, c |');
    expect(md).not.toContain('&#8203;//');
    const html = render(md);
    expect(html).toContain(`<a href="${HINT}">${HINT}</a>`);

    const json = JSON.parse(renderJson(report)) as { scanners: { scanner: string; status: string; error?: string }[] };
    const failed = json.scanners.filter((r) => r.scanner === 'semgrep' && r.status === 'error');
    expect(failed).toHaveLength(3);
    expect(failed.every((r) => r.error?.includes(HINT))).toBe(true);
  });

  it('counts on the dashboard for the services it names only', async () => {
    const report = await scanWithMissingTool();
    expect(gateForService(report.gate, 'a')).toBe('scanner-error');
    expect(gateForService(report.gate, 'unrelated')).toBe('passed');
  });
});

describe('escapeMarkdownKeepingLinks', () => {
  it('links our URLs and keeps the rest inert', () => {
    const md = escapeMarkdownKeepingLinks(`install: ${HINT}, or ask @team in #12 <b>now</b>`);
    const html = render(md);
    expect(html).toContain(`<a href="${HINT}">${HINT}</a>, or ask @`);
    expect(html).not.toMatch(/<b>|@team|#12/);
  });

  it('cannot break out of a table cell or the link', () => {
    const html = render(`| a | b |\n|---|---|\n| ${escapeMarkdownKeepingLinks('see https://x.example/a|b>c" onclick=1 ok')} | x |\n`);
    expect(html.match(/<td>/g)).toHaveLength(2);
    expect(html).not.toContain('onclick="');
  });
});
