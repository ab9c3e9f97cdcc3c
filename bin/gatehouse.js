#!/usr/bin/env node
// `npx gatehouse` from a clone: runs the TypeScript CLI from source through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
await runCli(process.argv.slice(2));
