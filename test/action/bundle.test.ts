import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './harness.js';

interface Metafile {
  inputs: Record<string, unknown>;
}
const build = (await import(path.join(REPO_ROOT, 'scripts/build.mjs'))) as {
  buildAll(opts: { write: boolean }): Promise<Record<string, Metafile>>;
  forbiddenInputs(meta: Metafile): string[];
};

describe('the action bundle', () => {
  it('keeps better-sqlite3 and the dashboard out of dist/index.js', async () => {
    const metafiles = await build.buildAll({ write: false });
    const inputs = Object.keys(metafiles['dist/index.js'].inputs);
    expect(inputs).toContain('src/action/main.ts');
    expect(inputs).toContain('src/scan.ts');
    expect(inputs.filter((p) => p.includes('better-sqlite3') || p.startsWith('dashboard/'))).toEqual([]);
    // undici is stubbed (only @actions/http-client's unused proxy dispatcher needs it).
    expect(inputs.filter((p) => p.includes('node_modules/undici/'))).toEqual([]);
    expect(inputs).toContain('gatehouse-stub:undici');
    // zod's message locales: English only.
    expect(inputs.filter((p) => /zod\/v4\/locales\/(?!en\.js|index\.js)/.test(p))).toEqual([]);
    expect(readFileSync(path.join(REPO_ROOT, 'dist/index.js'), 'utf8')).not.toMatch(/better-sqlite3|\/dashboard\//);
  });

  it('the build refuses a bundle that would include them', () => {
    expect(build.forbiddenInputs({ inputs: { 'node_modules/better-sqlite3/lib/index.js': {}, 'dashboard/app.ts': {}, 'src/scan.ts': {} } })).toEqual([
      'node_modules/better-sqlite3/lib/index.js',
      'dashboard/app.ts',
    ]);
  });

  it('is an ES module with a createRequire banner, built for node20, and the secret scanner sits beside it', () => {
    const text = readFileSync(path.join(REPO_ROOT, 'dist/index.js'), 'utf8');
    expect(text.split('\n').slice(0, 3).join('\n')).toMatch(/createRequire as __gatehouseCreateRequire.*\nconst require = __gatehouseCreateRequire\(import\.meta\.url\);/s);
    expect(readFileSync(path.join(REPO_ROOT, 'dist/secret-scanner.js'), 'utf8').length).toBeGreaterThan(1000);
  });
});
