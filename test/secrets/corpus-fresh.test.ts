// The committed corpus is exactly what the generator makes (no hand edits drifting from the
// manifest), and the docs name every rule the scanner can report.
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { SECRET_RULES } from '../../src/scanners/gatehouse-secrets/rules.js';
import { CORPUS_DIR } from './corpus-evaluation.js';

const here = dirname(fileURLToPath(import.meta.url));

function listFiles(dir: string): string[] {
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((name) => {
      const abs = join(d, name);
      return statSync(abs).isDirectory() ? walk(abs) : [abs];
    });
  return walk(dir)
    .map((abs) => relative(dir, abs))
    .sort();
}

describe('secret corpus and docs', () => {
  it('regenerates byte for byte from corpus-gen', async () => {
    const out = mkdtempSync(join(tmpdir(), 'gatehouse-corpus-'));
    await execa(process.execPath, ['--import', 'tsx', join(here, 'corpus-gen', 'generate.ts')], {
      env: { GATEHOUSE_CORPUS_OUT: out },
    });
    const committed = listFiles(CORPUS_DIR);
    expect(listFiles(out)).toEqual(committed);
    for (const file of committed) {
      expect(readFileSync(join(out, file)).equals(readFileSync(join(CORPUS_DIR, file))), file).toBe(true);
    }
  });

  it('docs/secrets.md names every rule id', () => {
    const docs = readFileSync(join(here, '..', '..', 'docs', 'secrets.md'), 'utf8');
    const ids = [...SECRET_RULES.map((r) => r.id), 'generic-high-entropy-hex', 'generic-high-entropy-base64', 'keystore-file'];
    expect(ids.filter((id) => !docs.includes(`\`${id}\``))).toEqual([]);
  });
});
