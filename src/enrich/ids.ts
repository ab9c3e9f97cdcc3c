// Vulnerability identifiers: the canonical spelling of each kind, so that one vulnerability named
// by two tools ("cve-2021-44228", "CVE-2021-44228 (log4shell)", "GHSA-JFH8-C2JP-5V3Q") is one key
// for the cross-tool merge and for KEV/EPSS matching.
//
// Kinds: CVE-YYYY-NNNN+ (upper case), GHSA-xxxx-xxxx-xxxx (GitHub writes the body in lower case),
// and the OSV-style "PREFIX-rest" ids (GO-, RUSTSEC-, PYSEC-, OSV-, GSD-, DSA-, ALAS-, RHSA-, ...)
// whose prefix is upper-cased and body kept.

const CVE = /\bCVE[-_ ](\d{4})[-_ ](\d{4,})\b/i;
const GHSA = /\bGHSA((?:-[23456789cfghjmpqrvwx]{4}){3})\b/i;
/** PREFIX-YEAR-NUMBER and other OSV-style ids: letters first, a dash, then a digit and no spaces. */
const PREFIXED = /^([A-Za-z][A-Za-z0-9]*)-([0-9][A-Za-z0-9:._-]*)$/;

export interface CanonicalId {
  id: string;
  /** True when the tool's spelling differed (odd case, a suffix, a prefix): said in the report. */
  rewritten: boolean;
}

/**
 * The canonical spelling of a vulnerability id, or undefined for text that is no id (a rule name
 * such as "javascript.lang.security.eval" or a url). A CVE or GHSA id found inside longer text
 * ("CVE-2021-44228 (log4shell)", "cve-2021-44228:") is taken and marked as rewritten.
 */
export function canonicalVulnId(raw: string): CanonicalId | undefined {
  const text = raw.trim();
  const cve = CVE.exec(text);
  if (cve) {
    const id = `CVE-${cve[1]}-${cve[2]}`;
    return { id, rewritten: id !== text };
  }
  const ghsa = GHSA.exec(text);
  if (ghsa) {
    const id = `GHSA${ghsa[1]!.toLowerCase()}`;
    return { id, rewritten: id !== text };
  }
  const prefixed = PREFIXED.exec(text);
  // A dotted rule name ("python.lang.x-y") never matches: its prefix stops at the dot. The body
  // starts with a digit, so "no-eval" or "npm-advisory-1673" (rule names, our own ids) are not ids.
  if (prefixed && prefixed[1]!.length >= 2) {
    const id = `${prefixed[1]!.toUpperCase()}-${prefixed[2]}`;
    return { id, rewritten: id !== text };
  }
  return undefined;
}

/** True for a CVE id in canonical form. */
export function isCve(id: string): boolean {
  return /^CVE-\d{4}-\d{4,}$/.test(id);
}

/** Where an id's advisory is published (for links in the PR comment); undefined when unknown. */
export function advisoryUrl(id: string): string | undefined {
  if (isCve(id)) return `https://nvd.nist.gov/vuln/detail/${id}`;
  if (/^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$/.test(id)) return `https://github.com/advisories/${id}`;
  if (/^(GO|RUSTSEC|PYSEC|OSV|GSD|MAL|BIT|CURL|DSA|DLA|DTSA|UBUNTU|USN|ALSA|RLSA|ALBA|ALEA|PSF|R|CGA|HSEC|SUSE-SU|openSUSE-SU)-/i.test(id)) {
    return `https://osv.dev/vulnerability/${id}`;
  }
  return undefined;
}

/**
 * A finding's ids: its rule id and aliases, canonical and without repeats, rule id first.
 * Used as the merge key and for feed look-ups.
 */
export function findingIds(f: { ruleId: string; aliases?: readonly string[] | undefined }): string[] {
  const ids: string[] = [];
  for (const raw of [f.ruleId, ...(f.aliases ?? [])]) {
    const id = canonicalVulnId(raw)?.id;
    if (id && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

/**
 * Canonical aliases for a finding: each raw id rewritten, repeats and the rule id itself dropped.
 * Text that is no id is kept as the tool wrote it only if it is short and has no spaces (a vendor id
 * we do not know); anything else is dropped.
 */
export function canonicalAliases(ruleId: string, raw: readonly string[]): string[] {
  const rule = canonicalVulnId(ruleId)?.id ?? ruleId;
  const out: string[] = [];
  for (const r of raw) {
    const id = canonicalVulnId(r)?.id ?? (/^[A-Za-z0-9][A-Za-z0-9:._-]{1,80}$/.test(r.trim()) ? r.trim() : undefined);
    if (id && id !== rule && id !== ruleId && !out.includes(id)) out.push(id);
  }
  return out;
}
