// Version order per ecosystem, for the remediation plan. Well-kept libraries where they exist
// (semver for npm/cargo/go, @renovatebot/pep440 for PyPI, @renovatebot/ruby-semver for RubyGems);
// small comparators here for Maven, apk (Alpine) and dpkg (Debian, Ubuntu), which have none on npm
// that we trust. Every comparator returns undefined for a version it cannot read: the plan then
// says so instead of guessing.
import * as pep440 from '@renovatebot/pep440';
import * as rubySemver from '@renovatebot/ruby-semver';
import semver from 'semver';

export type Compare = (a: string, b: string) => number | undefined;

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

const compareSemver: Compare = (a, b) => {
  const x = semver.parse(a.trim(), { loose: true });
  const y = semver.parse(b.trim(), { loose: true });
  return x && y ? semver.compare(x, y) : undefined;
};

/** Go module versions: semver with a "v" (pseudo-versions are prereleases, "+incompatible" build data). */
const compareGo: Compare = (a, b) => compareSemver(a.replace(/^v/, ''), b.replace(/^v/, ''));

const comparePep440: Compare = (a, b) => {
  if (!pep440.valid(a) || !pep440.valid(b)) return undefined;
  return sign(pep440.compare(a, b));
};

const compareRubyGems: Compare = (a, b) => {
  if (!rubySemver.valid(a) || !rubySemver.valid(b)) return undefined;
  return rubySemver.gt(a, b) ? 1 : rubySemver.lt(a, b) ? -1 : 0;
};

// ---- Maven: the ordering of ComparableVersion (maven-artifact), simplified to what version
// strings of published artifacts use: numbers and qualifiers split on ".", "-" and digit/letter
// changes; trailing zeros and "final"/"ga"/"release" mean the release itself.
const MAVEN_QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const MAVEN_ALIASES: Record<string, string> = { a: 'alpha', b: 'beta', m: 'milestone', cr: 'rc', ga: '', final: '', release: '' };

function mavenItems(version: string): (number | string)[] | undefined {
  const v = version.trim().toLowerCase();
  if (!/^[0-9a-z][0-9a-z.+_-]*$/.test(v)) return undefined;
  const items: (number | string)[] = [];
  for (const part of v.split(/[.\-_+]/)) {
    for (const token of part.match(/\d+|[a-z]+/g) ?? []) {
      items.push(/^\d+$/.test(token) ? Number(token) : (MAVEN_ALIASES[token] ?? token));
    }
  }
  // 1.0.0 == 1 == 1-final: drop trailing zeros and release markers.
  while (items.length > 1 && (items[items.length - 1] === 0 || items[items.length - 1] === '')) items.pop();
  return items;
}

function mavenQualifierRank(q: string): [number, string] {
  const i = MAVEN_QUALIFIERS.indexOf(q);
  return i >= 0 ? [i, ''] : [MAVEN_QUALIFIERS.length, q];
}

export const compareMaven: Compare = (a, b) => {
  const x = mavenItems(a);
  const y = mavenItems(b);
  if (!x || !y) return undefined;
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    // A missing item is the release itself: equal to 0, or to the empty (release) qualifier.
    const p = x[i] ?? (typeof y[i] === 'number' ? 0 : '');
    const q = y[i] ?? (typeof x[i] === 'number' ? 0 : '');
    if (typeof p === 'number' && typeof q === 'number') {
      if (p !== q) return sign(p - q);
      continue;
    }
    if (typeof p === 'number') return 1; // a number beats any qualifier
    if (typeof q === 'number') return -1;
    const [rp, sp] = mavenQualifierRank(p);
    const [rq, sq] = mavenQualifierRank(q);
    if (rp !== rq) return sign(rp - rq);
    if (sp !== sq) return sp < sq ? -1 : 1;
  }
  return 0;
};

// ---- dpkg (Debian, Ubuntu): [epoch:]upstream[-revision], compared as in dpkg's verrevcmp:
// non-digit runs by character ("~" before everything, letters before other characters), then
// digit runs by number.
function dpkgOrder(c: string | undefined): number {
  if (c === undefined) return 0;
  if (c === '~') return -1;
  if (/[0-9]/.test(c)) return 0;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !/[0-9]/.test(a[i]!)) || (j < b.length && !/[0-9]/.test(b[j]!))) {
      const ac = dpkgOrder(i < a.length && !/[0-9]/.test(a[i]!) ? a[i] : undefined);
      const bc = dpkgOrder(j < b.length && !/[0-9]/.test(b[j]!) ? b[j] : undefined);
      if (ac !== bc) return sign(ac - bc);
      i++;
      j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    while (i < a.length && j < b.length && /[0-9]/.test(a[i]!) && /[0-9]/.test(b[j]!)) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < a.length && /[0-9]/.test(a[i]!)) return 1;
    if (j < b.length && /[0-9]/.test(b[j]!)) return -1;
    if (firstDiff) return sign(firstDiff);
  }
  return 0;
}

function dpkgParts(v: string): [number, string, string] | undefined {
  const m = /^(?:(\d+):)?([0-9][A-Za-z0-9.+~:-]*?)(?:-([A-Za-z0-9.+~]+))?$/.exec(v.trim());
  return m ? [Number(m[1] ?? 0), m[2]!, m[3] ?? ''] : undefined;
}

export const compareDpkg: Compare = (a, b) => {
  const x = dpkgParts(a);
  const y = dpkgParts(b);
  if (!x || !y) return undefined;
  if (x[0] !== y[0]) return sign(x[0] - y[0]);
  return verrevcmp(x[1], y[1]) || verrevcmp(x[2], y[2]);
};

// ---- apk (Alpine, Wolfi): digits separated by dots, an optional letter, suffixes
// (_alpha < _beta < _pre < _rc < none < _cvs < _svn < _git < _hg < _p) each with an optional
// number, then "-r<N>" (the package revision).
const APK_SUFFIXES = ['alpha', 'beta', 'pre', 'rc', '', 'cvs', 'svn', 'git', 'hg', 'p'];

interface ApkVersion {
  numbers: number[];
  letter: string;
  suffixes: [number, number][];
  revision: number;
}

function parseApk(v: string): ApkVersion | undefined {
  const m = /^(\d+(?:\.\d+)*)([a-z]?)((?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)\d*)*)(?:-r(\d+))?$/.exec(v.trim());
  if (!m) return undefined;
  const suffixes: [number, number][] = [];
  for (const s of (m[3] ?? '').split('_').filter(Boolean)) {
    const sm = /^([a-z]+)(\d*)$/.exec(s)!;
    suffixes.push([APK_SUFFIXES.indexOf(sm[1]!), Number(sm[2] || 0)]);
  }
  return { numbers: m[1]!.split('.').map(Number), letter: m[2] ?? '', suffixes, revision: Number(m[4] ?? 0) };
}

export const compareApk: Compare = (a, b) => {
  const x = parseApk(a);
  const y = parseApk(b);
  if (!x || !y) return undefined;
  for (let i = 0; i < Math.max(x.numbers.length, y.numbers.length); i++) {
    const p = x.numbers[i];
    const q = y.numbers[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    if (p !== q) return sign(p - q);
  }
  if (x.letter !== y.letter) return x.letter < y.letter ? -1 : 1;
  const none: [number, number] = [APK_SUFFIXES.indexOf(''), 0];
  for (let i = 0; i < Math.max(x.suffixes.length, y.suffixes.length); i++) {
    const p = x.suffixes[i] ?? none;
    const q = y.suffixes[i] ?? none;
    if (p[0] !== q[0]) return sign(p[0] - q[0]);
    if (p[1] !== q[1]) return sign(p[1] - q[1]);
  }
  return sign(x.revision - y.revision);
};

/** The comparator of an ecosystem (as the adapters name them, lower case), or undefined. */
export function comparatorFor(ecosystem: string): Compare | undefined {
  switch (ecosystem.toLowerCase()) {
    case 'npm':
    case 'cargo':
    case 'crates.io':
    case 'nuget':
    case 'packagist':
    case 'pub':
    case 'hex':
      return compareSemver;
    case 'go':
    case 'golang':
      return compareGo;
    case 'pypi':
    case 'pip':
      return comparePep440;
    case 'gem':
    case 'rubygems':
      return compareRubyGems;
    case 'maven':
      return compareMaven;
    case 'alpine':
    case 'apk':
    case 'wolfi':
    case 'chainguard':
      return compareApk;
    case 'debian':
    case 'ubuntu':
    case 'deb':
    case 'dpkg':
      return compareDpkg;
    default:
      return undefined;
  }
}
