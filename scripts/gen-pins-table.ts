// Rewrites the table between `<!-- pins-table:start -->` and `<!-- pins-table:end -->` in
// docs/pins.md from the pins in the source (src/tools/pins.ts, src/tools/action-pins.ts), so the docs
// can never name a SHA or sum the code does not use. `--check` exits 1 when the page is stale (a test
// runs the same check). Usage: node --import tsx scripts/gen-pins-table.ts [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACTION_PINS } from '../src/tools/action-pins.js';
import { KNOWN_BAD_RELEASES, TOOL_PIN_RECORDS, TOOL_PINS } from '../src/tools/pins.js';

const START = '<!-- pins-table:start -->';
const END = '<!-- pins-table:end -->';

const cell = (text: string) => text.replace(/\|/g, '\\|');

export function renderPinsTable(): string {
  const lines = ['| pinned | version | SHA / SHA-256 | checked against | checked on |', '|---|---|---|---|---|'];
  for (const a of ACTION_PINS) {
    lines.push(`| \`${a.action}\` (action, ${cell(a.runtime)}) | ${a.version} | \`${a.sha}\` | ${cell(a.checkedAgainst)} | ${a.checkedOn} |`);
  }
  for (const pin of Object.values(TOOL_PINS)) {
    const record = TOOL_PIN_RECORDS.find((r) => r.what.startsWith(pin.tool));
    for (const [platform, archive] of Object.entries(pin.archives)) {
      lines.push(`| \`${archive.file}\` (${pin.tool}, ${platform}) | ${pin.version} | \`${archive.sha256}\` | ${cell(record?.checkedAgainst ?? 'unrecorded')} | ${record?.checkedOn ?? ''} |`);
    }
  }
  for (const r of TOOL_PIN_RECORDS.filter((r) => !Object.keys(TOOL_PINS).some((t) => r.what.startsWith(t)))) {
    lines.push(`| ${cell(r.what)} | ${r.version} | ${cell(r.pinned)} | ${cell(r.checkedAgainst)} | ${r.checkedOn} |`);
  }
  lines.push('', '**Never pinned** (`KNOWN_BAD_RELEASES` in `src/tools/pins.ts`; the install refuses them too):', '');
  lines.push('| tool | versions | why | advisory |', '|---|---|---|---|');
  for (const bad of KNOWN_BAD_RELEASES) {
    const versions = Array.isArray(bad.versions) ? bad.versions.join(', ') : `${bad.versions.from} to ${bad.versions.to}`;
    lines.push(`| ${bad.tool} | ${versions} | ${cell(bad.why)} | ${cell(bad.advisory)} |`);
  }
  return lines.join('\n');
}

export function updatePinsPage(page: string, table: string): string {
  const start = page.indexOf(START);
  const end = page.indexOf(END);
  if (start === -1 || end === -1 || end < start) throw new Error(`docs/pins.md needs the markers ${START} and ${END}`);
  return `${page.slice(0, start + START.length)}\n${table}\n${page.slice(end)}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const file = path.join(root, 'docs/pins.md');
  const page = readFileSync(file, 'utf8');
  const next = updatePinsPage(page, renderPinsTable());
  if (process.argv.includes('--check')) {
    if (next !== page) {
      console.error('docs/pins.md is stale: run `node --import tsx scripts/gen-pins-table.ts`');
      process.exit(1);
    }
  } else if (next !== page) {
    writeFileSync(file, next);
    console.log('docs/pins.md: pins table updated');
  }
}
