#!/usr/bin/env node
// `npx gatehouse` from a clone: runs the TypeScript CLI from source through tsx (no build step).
//
// tsx reads tsconfig.json from the current working directory unless told which one to use. From
// any other folder the dashboard's JSX (jsx: react-jsx, jsxImportSource: hono/jsx) would be compiled
// without those settings ("React is not defined", every page a 500), and a tsconfig.json of the
// folder the CLI runs in (a scanned repository's) would apply to Gatehouse's own code: its `paths`
// could map an import of Gatehouse to a file of that repository. So the clone's own tsconfig.json,
// by absolute path (the scanners it starts from source do the same: src/scanners/source-entry.ts).
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const tsconfig = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
register({ tsconfig });
const { runCli } = await import('../src/cli/main.ts');
await runCli(process.argv.slice(2));
