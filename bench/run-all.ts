// `npm run bench`: runs every bench/*.bench.ts in its own process (so peak RSS is per benchmark)
// and lets each print its figures. Figures are printed, never asserted.
// `npm run bench -- secrets` runs only the files whose name contains "secrets".
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
  .sort();
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, f)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`(${f} exited ${r.status ?? r.signal})`);
  }
}
process.exit(failed ? 1 : 0);
