// The retiring rule of store/retire.ts, without a database. A monorepo scanned in parts (one CI job
// per folder, each report naming only its own folder's services) must not retire the other parts'
// services: the overview lost live services, alternating with every run of the parts.
import { describe, expect, it } from 'vitest';
import { folderInsideRoot, scanRootOf, serviceFolder, servicesGone, type LiveService } from '../../../dashboard/store/retire.js';

const AT = '2026-11-20T10:00:00.000Z';
const BEFORE = '2026-11-19T10:00:00.000Z';

/** The live services of acme/shop: two parts (services/a, services/b) and one stored before folders were kept. */
const live: LiveService[] = [
  { id: 1, name: 'a-api', lastSnapshotAt: BEFORE, folder: 'services/a/api' },
  { id: 2, name: 'a-web', lastSnapshotAt: BEFORE, folder: 'services/a/web' },
  { id: 3, name: 'b', lastSnapshotAt: BEFORE, folder: 'services/b' },
  { id: 4, name: 'legacy', lastSnapshotAt: BEFORE, folder: null },
  // A folder whose name starts like a part's, but is not inside it.
  { id: 5, name: 'ab', lastSnapshotAt: BEFORE, folder: 'services/ab' },
];
const gone = (present: string[], root: string, createdAt = AT) => servicesGone(new Set(present), live, createdAt, root).map((s) => s.name);

describe('retiring services of a repository scanned in parts', () => {
  it('never retires the other parts: each part speaks for the services inside its own folder', () => {
    expect(gone(['a-api', 'a-web'], 'services/a')).toEqual([]);
    expect(gone(['b'], 'services/b')).toEqual([]);
    // Alternately, run after run: nothing ever leaves.
    for (let run = 0; run < 3; run++) {
      expect(gone(['a-api', 'a-web'], 'services/a')).toEqual([]);
      expect(gone(['b'], 'services/b')).toEqual([]);
    }
  });

  it("retires a service deleted inside the part's own folder, and nothing outside it", () => {
    // services/a/web was deleted: services/a's next snapshot names a-api only.
    expect(gone(['a-api'], 'services/a')).toEqual(['a-web']);
    // The part is its folder, not a prefix of text: services/ab is not inside services/a.
    expect(gone([], 'services/a')).toEqual(['a-api', 'a-web']);
    // A part whose root is the service's own folder.
    expect(gone([], 'services/b')).toEqual(['b']);
  });

  it("a whole-repository snapshot still retires a deleted folder's service, its folder known or not", () => {
    expect(gone(['a-api', 'a-web', 'ab', 'legacy'], '')).toEqual(['b']);
    expect(gone(['a-api', 'a-web', 'b', 'ab'], '')).toEqual(['legacy']);
  });

  it('a service whose folder is unknown (stored before folders were kept) is retired only by a whole-repository snapshot', () => {
    expect(gone([], 'services/a')).not.toContain('legacy');
    expect(gone([], 'services')).toEqual(['a-api', 'a-web', 'b', 'ab']);
    expect(gone([], '')).toContain('legacy');
  });

  it('keeps the late-snapshot rule: a service seen by a snapshot at or after this one stays', () => {
    expect(gone(['a-api'], 'services/a', BEFORE)).toEqual([]);
    expect(gone([], '', '2026-11-18T10:00:00.000Z')).toEqual([]);
  });
});

describe('folders', () => {
  it("are the report's service path under the scan root", () => {
    expect(serviceFolder('', 'services/api')).toBe('services/api');
    expect(serviceFolder('', '')).toBe('');
    expect(serviceFolder('services/a', '')).toBe('services/a');
    expect(serviceFolder('services/a', 'api')).toBe('services/a/api');
  });

  it('lie inside a root when equal to it or below it', () => {
    expect(folderInsideRoot('services/a', 'services/a')).toBe(true);
    expect(folderInsideRoot('services/a/api', 'services/a')).toBe(true);
    expect(folderInsideRoot('services/ab', 'services/a')).toBe(false);
    expect(folderInsideRoot('services', 'services/a')).toBe(false);
    expect(folderInsideRoot('', 'services/a')).toBe(false);
    expect(folderInsideRoot(null, 'services/a')).toBe(false);
    expect(folderInsideRoot(null, '')).toBe(true);
  });

  it("take the report's root, absent for the whole repository", () => {
    expect(scanRootOf({ source: {} })).toBe('');
    expect(scanRootOf({ source: { root: '' } })).toBe('');
    expect(scanRootOf({ source: { root: 'services/a' } })).toBe('services/a');
  });
});
