import { describe, expect, it } from 'vitest';
import { comparatorFor, compareApk, compareDpkg, compareMaven } from '../../src/remediation/versions.js';

/** Asserts that `ordered` is strictly ascending under the ecosystem's comparator, pair by pair. */
function expectAscending(ecosystem: string, ordered: string[]): void {
  const compare = comparatorFor(ecosystem)!;
  for (let i = 0; i < ordered.length; i++) {
    for (let j = 0; j < ordered.length; j++) {
      expect(compare(ordered[i]!, ordered[j]!), `${ecosystem}: ${ordered[i]} vs ${ordered[j]}`).toBe(Math.sign(i - j));
    }
  }
}

describe('version order per ecosystem', () => {
  it('npm (semver): prereleases before the release, numbers numerically', () => {
    expectAscending('npm', ['1.2.5', '1.2.6-beta.1', '1.2.6', '1.10.0', '4.17.20', '4.17.21']);
  });
  it('PyPI (PEP 440): dev < pre < release < post, 2.2.10 after 2.2.9', () => {
    expectAscending('pypi', ['2.2.0', '2.2.2', '2.2.9', '2.2.10.dev1', '2.2.10rc1', '2.2.10', '2.2.10.post1', '3.0.3']);
  });
  it('Go: v-prefixed semver with pseudo-versions', () => {
    expectAscending('go', ['v0.0.0-20210101000000-abcdefabcdef', 'v0.1.0', 'v1.2.0', 'v1.10.0']);
  });
  it('RubyGems: "1.2.3.pre" before 1.2.3', () => {
    expectAscending('gem', ['1.2.3.pre', '1.2.3', '1.2.10', '2.0.0']);
  });
  it('Maven: qualifiers alpha < beta < milestone < rc < snapshot < release < sp; 1.0 == 1.0.0 == 1-final', () => {
    expectAscending('maven', ['2.14.1', '2.15.0-alpha1', '2.15.0-beta', '2.15.0-M1', '2.15.0-rc1', '2.15.0-SNAPSHOT', '2.15.0', '2.15.0-sp1', '2.17.1']);
    expect(compareMaven('1.0', '1.0.0')).toBe(0);
    expect(compareMaven('1-final', '1')).toBe(0);
    expect(compareMaven('5.3.18.RELEASE', '5.3.18')).toBe(0);
  });
  it('apk (Alpine): letters, suffixes and -r revisions', () => {
    expectAscending('alpine', ['1.1.1g-r0', '1.1.1j-r0', '1.1.1l-r0', '1.1.24-r9', '1.1.24-r10', '1.2.11_rc1-r0', '1.2.11-r3', '1.2.12-r0', '1.2.12_p1-r0']);
    expect(compareApk('1.2.11-r3', '1.2.11-r3')).toBe(0);
  });
  it('dpkg (Debian, Ubuntu): epochs, tildes, revisions', () => {
    expectAscending('debian', ['1.0~rc1-1', '1.0-1', '1.0-1+deb9u1', '1.0-2', '1.0.1-1', '1:0.9-1']);
    expect(compareDpkg('2.24-11+deb9u4', '2.24-11+deb9u4')).toBe(0);
  });
  it('says "cannot compare" (undefined) for versions the order cannot read, and for unknown ecosystems', () => {
    expect(comparatorFor('npm')!('1.2.x', '1.2.3')).toBeUndefined();
    expect(comparatorFor('pypi')!('not a version', '1.0')).toBeUndefined();
    expect(compareApk('1.2_weird', '1.2')).toBeUndefined();
    expect(compareDpkg('abc', '1.0')).toBeUndefined();
    expect(comparatorFor('conan')).toBeUndefined();
  });
});
