import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { README, readmeSeverityBlock, renderSeverityTable, withSeverityTable } from '../../scripts/gen-severity-table.js';
import { SEVERITY_TABLE } from '../../src/findings/severity.js';

describe('README severity table', () => {
  it('equals the table generated from SEVERITY_TABLE (run scripts/gen-severity-table.ts after changing it)', () => {
    expect(readmeSeverityBlock(readFileSync(README, 'utf8'))).toBe(renderSeverityTable());
  });

  it('has a row for every tool and shows every tool word', () => {
    const table = renderSeverityTable();
    for (const [tool, words] of Object.entries(SEVERITY_TABLE)) {
      const row = table.split('\n').find((l) => l.startsWith(`| ${tool} |`));
      expect(row, tool).toBeDefined();
      for (const word of Object.keys(words)) if (word) expect(row).toContain(`\`${word}\``);
    }
  });

  it('replaces only the marked block', () => {
    const readme = 'intro\n<!-- severity-table:start -->\nold\n<!-- severity-table:end -->\noutro\n';
    const updated = withSeverityTable(readme);
    expect(updated.startsWith('intro\n<!-- severity-table:start -->\n| Tool |')).toBe(true);
    expect(updated.endsWith('\n<!-- severity-table:end -->\noutro\n')).toBe(true);
    expect(readmeSeverityBlock(updated)).toBe(renderSeverityTable());
  });
});
