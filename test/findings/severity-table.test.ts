import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  README,
  readmeScannerBlock,
  readmeSeverityBlock,
  renderScannerTable,
  renderSeverityTable,
  severityRows,
  withSeverityTable,
} from '../../scripts/gen-severity-table.js';
import { listAdapters } from '../../src/scanners/registry.js';

describe('README severity table', () => {
  it('equals the table generated from the registry (run scripts/gen-severity-table.ts after changing an adapter)', () => {
    expect(readmeSeverityBlock(readFileSync(README, 'utf8'))).toBe(renderSeverityTable());
  });

  it('has a row for every tool and shows every tool word', () => {
    const table = renderSeverityTable();
    for (const [tool, words] of severityRows()) {
      const row = table.split('\n').find((l) => l.startsWith(`| ${tool} |`));
      expect(row, tool).toBeDefined();
      for (const word of Object.keys(words)) if (word) expect(row).toContain(`\`${word}\``);
    }
  });

  it('has a row for every adapter\'s tool, taken from the adapter itself', () => {
    const tools = severityRows().map(([tool]) => tool);
    for (const adapter of listAdapters()) expect(tools, adapter.id).toContain(adapter.tool);
  });

  it('replaces only the marked block', () => {
    const readme = 'intro\n<!-- severity-table:start -->\nold\n<!-- severity-table:end -->\noutro\n';
    const updated = withSeverityTable(readme);
    expect(updated.startsWith('intro\n<!-- severity-table:start -->\n| Tool |')).toBe(true);
    expect(updated.endsWith('\n<!-- severity-table:end -->\noutro\n')).toBe(true);
    expect(readmeSeverityBlock(updated)).toBe(renderSeverityTable());
  });
});

describe('README scanner table', () => {
  it('equals the table generated from the registry', () => {
    expect(readmeScannerBlock(readFileSync(README, 'utf8'))).toBe(renderScannerTable());
  });

  it('lists every built-in adapter with its category', () => {
    const table = renderScannerTable();
    for (const adapter of listAdapters()) expect(table).toContain(`| \`${adapter.id}\` | ${adapter.category} |`);
  });
});
