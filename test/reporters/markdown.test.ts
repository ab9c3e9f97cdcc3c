import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import type { ParsedFinding } from '../../src/findings/finding.js';
import { DEFAULT_MAX_CHARS, escapeMarkdown, renderMarkdown } from '../../src/reporters/markdown.js';
import { renderText } from '../../src/reporters/text.js';
import { buildReport, HOSTILE_TEXTS, hostileFinding } from './build-report.js';

/** Renders as GitHub does (CommonMark + GFM tables, autolinks, strikethrough), raw HTML let through. */
function render(md: string): string {
  return micromark(md, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });
}

const DETAILS = 'https://github.com/example/shop/actions/runs/42';

describe('escapeMarkdown', () => {
  it.each(HOSTILE_TEXTS)('renders %j as plain text', (text) => {
    const html = render(`- ${escapeMarkdown(text)}\n\n| a | b |\n|---|---|\n| ${escapeMarkdown(text)} | x |\n`);
    expect(html).not.toMatch(/<(img|script|a|code|em|del|h1|details|summary|ol|blockquote)\b/);
    expect(html.match(/<strong>/g)).toBeNull();
    // One list item with no nested list, one body row of exactly two cells.
    expect(html.match(/<li>/g)).toHaveLength(1);
    expect(html.match(/<td>/g)).toHaveLength(2);
    // No @mention, issue reference or autolink survives: each is broken by a zero-width space.
    expect(html).not.toMatch(/@[A-Za-z0-9]/);
    expect(html).not.toMatch(/(^|[^&])#\d/);
    expect(html).not.toMatch(/https?:\/\/|www\./);
  });

  it('keeps the words readable and masks secrets', () => {
    const token = 'ghp_' + 'Q'.repeat(36);
    const html = render(escapeMarkdown(`lodash < 4.17.21 & "quotes" token ${token}`));
    expect(html).toContain('lodash &lt; 4.17.21 &amp; &quot;quotes&quot; token ghp_****');
    expect(html).not.toContain(token);
  });

  it('cuts long texts', () => {
    expect(escapeMarkdown('x'.repeat(1000), 50).length).toBe(50);
  });
});

describe('renderMarkdown', () => {
  const report = buildReport({ extraWeb: HOSTILE_TEXTS.map((_, i) => hostileFinding(i)) });

  it('starts with the decision and its reasons, then counts per service and severity', () => {
    const md = renderMarkdown(report, { detailsUrl: DETAILS });
    const lines = md.split('\n');
    expect(lines[0]).toBe('## Gatehouse security gate');
    expect(md).toContain('❌ **Failed**');
    expect(md).toContain('- 1 new critical finding in payments: GHSA-jf85-cpcp-j695 in lodash');
    expect(md).toContain('| Service | Severity | New | Newly disclosed | Existing | Fixed | Suppressed |');
    expect(md).toContain('| payments | 🔴 high | **4** | 0 | 15 | 0 | 0 |');
    expect(md).toContain('| api | 🔴 high | 0 | 0 | 2 | 1 | 1 |');
    expect(md.indexOf('### New findings')).toBeLessThan(md.indexOf('<summary>Existing'));
    expect(md).toContain('### Scanner errors');
    expect(md).toContain('| npm-audit | web | the registry refused the audit endpoint \\(HTTP 405 Method Not Allowed\\) |');
    expect(md).toContain('urllib3-waiver (2026-12-01), owner @&#8203;api-team: expires soon');
    expect(md).toContain(`[Full report](${DETAILS})`);
  });

  it('puts new findings first with their fix, and collapses the others', () => {
    const md = renderMarkdown(report);
    const newSection = md.slice(md.indexOf('### New findings'), md.indexOf('<details>', md.indexOf('### New findings')));
    expect(newSection).toContain('**[CVE-2019-14697](https://nvd.nist.gov/vuln/detail/CVE-2019-14697)**<br>musl 1.1.20-r4 | registry.example/web:1.4.2 | fixed in 1.1.20-r5 |');
    expect(md).toMatch(/<details><summary>Existing \(\d+\)<\/summary>/);
    expect(md).toMatch(/<details><summary>Fixed \(1\)<\/summary>/);
    expect(md.match(/<details>/g)?.length).toBe(md.match(/<\/details>/g)?.length);
  });

  it('lets no tool text inject HTML, images, links, code, cells or mentions into the rendered comment', () => {
    const md = renderMarkdown(report, { detailsUrl: DETAILS });
    const html = render(md);
    expect(html).not.toMatch(/<(img|script|code|em|del|h1|blockquote)\b/);
    // Links: only ours (the run, and advisories on their publishers' sites), never a tool's.
    const links = [...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]!);
    expect(links).toContain(DETAILS);
    for (const link of links) expect(link).toMatch(/^(https:\/\/github\.com\/example\/shop\/actions\/runs\/42|https:\/\/nvd\.nist\.gov\/vuln\/detail\/CVE-\d+-\d+|https:\/\/github\.com\/advisories\/GHSA(-[a-z0-9]{4}){3}|https:\/\/osv\.dev\/vulnerability\/[A-Z]+-[\w.-]+)$/);
    expect(html).not.toMatch(/@[A-Za-z0-9]/);
    // Every row of every findings table has exactly five cells, whatever pipes the tools printed.
    for (const table of html.split('<table>').slice(1)) {
      const header = table.match(/<th[ >]/g)!.length;
      for (const row of table.split('</thead>')[1]!.split('<tr>').slice(1)) expect(row.match(/<td[ >]/g)?.length).toBe(header);
    }
    // Only our own <details>/<summary>/<br> HTML is there.
    const tags = new Set([...html.matchAll(/<([a-z0-9]+)[\s>]/g)].map((m) => m[1]));
    for (const tag of tags) expect(['h2', 'h3', 'p', 'strong', 'ul', 'li', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'details', 'summary', 'br', 'a', 'blockquote']).toContain(tag);
  });

  it('never exceeds maxChars: counts first, then findings, then "and N more" with the link', () => {
    const many: ParsedFinding[] = Array.from({ length: 5_000 }, (_, i) => ({
      ...hostileFinding(i),
      ruleId: `generated.rule-${i}`,
      title: `A long enough title for finding number ${i} `.repeat(3),
      location: { path: 'services/web/src/app.js', startLine: i + 1 },
    }));
    const big = buildReport({ extraWeb: many });
    const md = renderMarkdown(big, { detailsUrl: DETAILS });
    expect(md.length).toBeLessThanOrEqual(DEFAULT_MAX_CHARS);
    expect(md.length).toBeGreaterThan(DEFAULT_MAX_CHARS - 2_000);
    expect(md).toMatch(new RegExp(`_…and \\d+ more findings: see the \\[full report\\]\\(${DETAILS.replace(/[./]/g, '\\$&')}\\)\\._\\n$`));
    expect(md).toContain('| web | 🔴 high | **5000** |');
    expect(md.match(/<details>/g)?.length ?? 0).toBe(md.match(/<\/details>/g)?.length ?? 0);

    expect(renderMarkdown(big, { detailsUrl: DETAILS, maxChars: 200 }).length).toBeLessThanOrEqual(200);
    for (const maxChars of [3_000, 10_000, 30_000]) {
      const small = renderMarkdown(big, { detailsUrl: DETAILS, maxChars });
      expect(small.length).toBeLessThanOrEqual(maxChars);
      expect(small).toContain('❌ **Failed**');
      expect(small).toMatch(/and \d+ more findings/);
    }
  });

  it('says plainly when no baseline was available', () => {
    const md = renderMarkdown(buildReport({ withBaseline: false }));
    expect(md).toContain('> **No baseline scan was available**');
  });

  it('says nothing of a missing baseline when the scan covered no service (a folder the PR does not touch), in markdown and text', () => {
    const r = buildReport({ withBaseline: false });
    const untouched = { ...r, source: { ...r.source, root: 'services/docs' }, services: [], findings: [], fixed: [], scanners: [] };
    expect(renderMarkdown(untouched)).not.toContain('No baseline scan was available');
    expect(renderText(untouched, { color: false })).not.toContain('No baseline scan was available');
    expect(renderText(r, { color: false })).toContain('No baseline scan was available');
  });

  it('reports a passing gate', () => {
    const r = buildReport();
    const passed = { ...r, gate: { ...r.gate, passed: true, outcome: 'passed' as const, reasons: [] }, findings: [], fixed: [], scanners: [], suppressions: [] };
    const md = renderMarkdown(passed);
    expect(md).toContain('✅ **Passed**');
    expect(md).toContain('No findings.');
  });
});
