// The coverage ledger names, for a dependency file no configured scanner reads, the scanners that
// would read it (file-kinds.ts). That list is written by hand beside the registry: it must name
// exactly the registered dependency scanners that read every lockfile kind, not the package-manager
// audits that read one file at a folder's root.
import { describe, expect, it } from 'vitest';
import { EVERY_DEPENDENCY_FILE_READERS, rootOnlyReason } from '../../src/ledger/file-kinds.js';
import { listAdapters } from '../../src/scanners/registry.js';

describe('the dependency scanners the coverage ledger suggests', () => {
  it('are the registered dependency adapters that are not root-only audits', () => {
    const readers = listAdapters()
      .filter((a) => a.category === 'dependency' && rootOnlyReason(a.id) === undefined)
      .map((a) => a.id)
      .sort();
    expect([...EVERY_DEPENDENCY_FILE_READERS].sort()).toEqual(readers);
  });

  it('leave out every root-only audit the registry holds', () => {
    const rootOnly = listAdapters().filter((a) => a.category === 'dependency' && rootOnlyReason(a.id) !== undefined).map((a) => a.id);
    expect(rootOnly.sort()).toEqual(['npm-audit', 'pnpm-audit', 'yarn-audit']);
    for (const id of rootOnly) expect(EVERY_DEPENDENCY_FILE_READERS).not.toContain(id);
  });
});
