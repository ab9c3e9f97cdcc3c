#!/usr/bin/env node
// The one script that rebuilds dist/ (CI rebuilds and fails on any diff):
//   src/action/main.ts                       -> dist/index.js          (the action, runs.using: node24)
//   src/scanners/gatehouse-secrets/cli.ts    -> dist/secret-scanner.js (once it exists)
// ESM bundles with a createRequire banner (some dependencies still call require()), target node20 so
// they also run on this project's Node 20. The native better-sqlite3 and the dashboard never enter the
// action's import graph: the build fails if they do.
import { build } from 'esbuild';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const BUNDLES = [
  { entry: 'src/action/main.ts', out: 'dist/index.js' },
  { entry: 'src/scanners/gatehouse-secrets/cli.ts', out: 'dist/secret-scanner.js', optional: true },
  { entry: 'src/scanners/policy/cli.ts', out: 'dist/policy-scanner.js', optional: true },
];

const BANNER = [
  '// Built by scripts/build.mjs from the sources in this repository; do not edit.',
  "import { createRequire as __gatehouseCreateRequire } from 'node:module';",
  'const require = __gatehouseCreateRequire(import.meta.url);',
].join('\n');

/**
 * @actions/http-client imports undici (540 KB) only for `getAgentDispatcher()`, the proxy dispatcher
 * that fetch-based clients (@actions/github) ask for. Nothing in the action calls it: octokit uses the
 * global fetch, and @actions/core / tool-cache request through node:http (with `tunnel` for proxies).
 * So undici is replaced by a stub that fails loudly if that path is ever taken; it keeps a quarter of
 * the bundle out of every cold start.
 */
const undiciStub = {
  name: 'undici-stub',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, () => ({ path: 'undici', namespace: 'gatehouse-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'gatehouse-stub' }, () => ({
      contents:
        'export class ProxyAgent { constructor() { throw new Error("undici is not bundled into the Gatehouse action (see scripts/build.mjs)"); } }',
      loader: 'js',
    }));
  },
};

/**
 * zod exposes every message locale as `z.locales` (290 KB); Gatehouse speaks English only (the
 * default locale, imported by zod itself). The locale index becomes one that re-exports `en`.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer)
        ? { path: path.relative(root, path.join(path.dirname(args.importer), args.path)), namespace: 'gatehouse-zod-locales' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'gatehouse-zod-locales' }, (args) => ({
      contents: `export { default as en } from './en.js';`,
      loader: 'js',
      resolveDir: path.join(root, path.dirname(args.path)),
    }));
  },
};

/** Inputs that must never be bundled: the native SQLite binding and the dashboard server. */
export function forbiddenInputs(metafile) {
  return Object.keys(metafile.inputs).filter((p) => p.includes('better-sqlite3') || p.startsWith('dashboard/'));
}

/** Builds every bundle; returns the esbuild metafiles by output path. */
export async function buildAll({ write = true, outdir = root } = {}) {
  const metafiles = {};
  for (const bundle of BUNDLES) {
    const entry = path.join(root, bundle.entry);
    if (!existsSync(entry)) {
      if (bundle.optional) continue;
      throw new Error(`${bundle.entry} is missing`);
    }
    const outfile = path.join(outdir, bundle.out);
    const result = await build({
      absWorkingDir: root,
      entryPoints: [bundle.entry],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      banner: { js: BANNER },
      external: ['better-sqlite3'],
      plugins: [undiciStub, zodEnglishOnly],
      // Module ids in the bundle stay relative to the repository even when node_modules is a symlink.
      preserveSymlinks: true,
      metafile: true,
      write,
      legalComments: 'none',
      minifyWhitespace: true,
      minifySyntax: true,
      logLevel: 'warning',
    });
    const bad = forbiddenInputs(result.metafile);
    if (bad.length > 0) throw new Error(`${bundle.out} must not include ${bad.join(', ')}`);
    metafiles[bundle.out] = result.metafile;
  }
  return metafiles;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  rmSync(path.join(root, 'dist'), { recursive: true, force: true });
  mkdirSync(path.join(root, 'dist'), { recursive: true });
  const metafiles = await buildAll();
  for (const [out, meta] of Object.entries(metafiles)) {
    const bytes = Object.values(meta.outputs).reduce((n, o) => n + o.bytes, 0);
    console.log(`${out}: ${(bytes / 1024).toFixed(0)} KiB from ${Object.keys(meta.inputs).length} files`);
  }
}
