// How Gatehouse's own scanners (secrets, policy) start from source, as development, the tests and
// the CLI run from a clone do (the action runs their bundles instead): node with tsx registered by
// own-tsconfig-loader.mjs, which compiles with Gatehouse's tsconfig.json and never with one of the
// scanned service folder the child runs in.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** argv of `source` (a scanner's cli.ts in `scannerDir`, one folder below src/scanners/). */
export function sourceEntryArgv(scannerDir: string, source: string): string[] {
  // An absolute URL: the child runs in the service folder, where a relative one would not resolve.
  const loader = pathToFileURL(join(scannerDir, '..', 'own-tsconfig-loader.mjs')).href;
  return [process.execPath, '--import', loader, source];
}
