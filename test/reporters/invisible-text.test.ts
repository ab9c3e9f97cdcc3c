// Bidi controls and zero-width characters from tools (issue 8, medium): a finding titled
// "invoice\u202Etxt.exe" must not read as "invoiceexe.txt" in the PR comment or the terminal.
// Every such character is shown as a visible [U+XXXX] in markdown, text and annotations.
import { describe, expect, it } from 'vitest';
import { emitAnnotations } from '../../src/github/annotations.js';
import { hasInvisibleText, neutraliseInvisibleText } from '../../src/report/invisible-text.js';
import { escapeMarkdown, renderMarkdown } from '../../src/reporters/markdown.js';
import { renderText, terminalSafe } from '../../src/reporters/text.js';
import { buildReport, hostileFinding } from './build-report.js';

const INVISIBLE = ['\u202e', '\u202a', '\u202d', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u061c'];
const TRICK = 'invoice\u202Etxt.exe and adm\u200Bin and \u2066evil\u2069';

function anyInvisible(text: string): string[] {
  return INVISIBLE.filter((ch) => text.includes(ch)).map((ch) => `U+${ch.charCodeAt(0).toString(16)}`);
}

describe('invisible and reordering characters from tools', () => {
  it('the shared function shows every one as [U+XXXX]', () => {
    for (const ch of INVISIBLE) {
      expect(hasInvisibleText(`a${ch}b`)).toBe(true);
      expect(neutraliseInvisibleText(`a${ch}b`)).toBe(`a[U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}]b`);
    }
    expect(neutraliseInvisibleText('plain café ✓')).toBe('plain café ✓');
  });

  it('escapeMarkdown and terminalSafe neutralise them', () => {
    expect(anyInvisible(escapeMarkdown(TRICK))).toEqual([]);
    expect(escapeMarkdown(TRICK)).toContain('invoice\\[U+202E\\]txt.exe');
    expect(anyInvisible(terminalSafe(TRICK))).toEqual([]);
    expect(terminalSafe(TRICK)).toContain('invoice[U+202E]txt.exe');
  });

  it('no markdown, text or annotation output of a report with such tool text holds one', () => {
    const hostile = { ...hostileFinding(0), title: TRICK, message: TRICK, fix: TRICK, ruleId: `rule\u202e.x`, severity: 'critical' as const, location: { path: 'services/web/src/app.js', startLine: 3 } };
    const pathTrick = { ...hostileFinding(1), title: 'x', location: { path: `services/web/src/a\u202egpj.js`, startLine: 3 } };
    const report = buildReport({ extraWeb: [hostile, pathTrick] });
    const markdown = renderMarkdown(report, {});
    const text = renderText(report, { color: false, top: 500 });
    expect(markdown).toContain('U+202E');
    expect(text).toContain('U+202E');
    expect(anyInvisible(markdown)).toEqual([]);
    expect(anyInvisible(text)).toEqual([]);
    const lines: string[] = [];
    const sink = { error: (m: string, p: { title?: string }) => lines.push(m, p.title ?? ''), warning: (m: string, p: { title?: string }) => lines.push(m, p.title ?? ''), notice: (m: string, p: { title?: string }) => lines.push(m, p.title ?? '') };
    emitAnnotations(report, sink as never);
    expect(lines.join('\n')).toContain('U+202E');
    expect(anyInvisible(lines.join('\n'))).toEqual([]);
  });
});
