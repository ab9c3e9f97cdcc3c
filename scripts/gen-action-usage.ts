// Rewrites the README block between `<!-- action-usage:start -->` and `<!-- action-usage:end -->`
// from action.yml (the idea of actions/checkout's generate-docs): a `uses:` example with every input
// and its description, and the outputs. `--check` exits 1 when the README is stale (a test runs the
// same check). Usage: node --import tsx scripts/gen-action-usage.ts [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';

const START = '<!-- action-usage:start -->';
const END = '<!-- action-usage:end -->';

const ActionYmlSchema = z.object({
  inputs: z.record(z.string(), z.object({ description: z.string(), required: z.boolean().optional() })),
  outputs: z.record(z.string(), z.object({ description: z.string() })),
});

/** The generated markdown for an action.yml text. */
export function renderActionUsage(actionYml: string): string {
  const action = ActionYmlSchema.parse(parse(actionYml));
  const lines = ['```yaml', '- uses: <your-org>/gatehouse@<full-commit-sha> # <release tag you reviewed>', '  with:'];
  for (const [name, input] of Object.entries(action.inputs)) {
    for (const chunk of wrap(input.description, 96)) lines.push(`    # ${chunk}`);
    lines.push(`    ${name}: ''`, '');
  }
  if (lines[lines.length - 1] === '') lines.pop();
  lines.push('```', '', '| output | meaning |', '|---|---|');
  for (const [name, output] of Object.entries(action.outputs)) {
    lines.push(`| \`${name}\` | ${output.description.replace(/\|/g, '\\|')} |`);
  }
  return lines.join('\n');
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}

/** The README with its usage block replaced. */
export function updateReadme(readme: string, usage: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start === -1 || end === -1 || end < start) throw new Error(`README.md needs the markers ${START} and ${END}`);
  return `${readme.slice(0, start + START.length)}\n${usage}\n${readme.slice(end)}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const readmeFile = path.join(root, 'README.md');
  const readme = readFileSync(readmeFile, 'utf8');
  const next = updateReadme(readme, renderActionUsage(readFileSync(path.join(root, 'action.yml'), 'utf8')));
  if (process.argv.includes('--check')) {
    if (next !== readme) {
      console.error('README.md action usage is stale: run `node --import tsx scripts/gen-action-usage.ts`');
      process.exit(1);
    }
  } else if (next !== readme) {
    writeFileSync(readmeFile, next);
    console.log('README.md: action usage updated');
  }
}
