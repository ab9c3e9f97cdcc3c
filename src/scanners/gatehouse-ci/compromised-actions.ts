// Action releases known to have run malicious code, kept in the source with their advisories.
// Each entry was checked against the advisories and the maintainers' own threads (sources below);
// what could not be confirmed is not listed. A reference is flagged when it names an affected tag
// or the malicious commit: the tags were restored since, but a run during the window was exposed,
// and a workflow still on a moved tag has no protection against the next move.

export interface CompromisedAction {
  /** owner/repo, lower case. */
  action: string;
  advisories: string[];
  references: string[];
  /** When the references pointed at malicious code (UTC). */
  window: string;
  /** Which refs were affected, in words (for the message). */
  affected: string;
  /** A release published after the incident. */
  safe: string;
  affects(ref: string): boolean;
}

/** `v45.0.7`, `45`, `0.34.2` -> [45, 0, 7]; undefined for anything that is not a version tag. */
export function versionOf(ref: string): number[] | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(ref);
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : undefined;
}

function below(ref: string, limit: number[], inclusive: boolean): boolean {
  const v = versionOf(ref);
  if (!v) return false;
  for (let i = 0; i < 3; i++) {
    if (v[i]! < limit[i]!) return true;
    if (v[i]! > limit[i]!) return false;
  }
  return inclusive;
}

export const COMPROMISED_ACTIONS: readonly CompromisedAction[] = [
  {
    // GHSA-mrrh-fwg8-r2c3 / CVE-2025-30066: every tag from v1 to v45.0.7 was moved to commit 0e58ed8,
    // which printed the runner's memory (secrets) to the log. Fixed in v46.0.1.
    // Sources: tj-actions/changed-files#2463; CISA alert of 2025-03-18; tektoncd/pipeline#9552.
    action: 'tj-actions/changed-files',
    advisories: ['CVE-2025-30066', 'GHSA-mrrh-fwg8-r2c3'],
    references: [
      'https://github.com/advisories/GHSA-mrrh-fwg8-r2c3',
      'https://nvd.nist.gov/vuln/detail/CVE-2025-30066',
      'https://github.com/tj-actions/changed-files/issues/2463',
    ],
    window: '2025-03-14 to 2025-03-15',
    affected: 'tags v1 through v45.0.7 and commit 0e58ed8671d6b60d0890c21b07f8835ace038e67',
    safe: 'v46.0.1 or later, pinned by full commit SHA',
    affects: (ref) => below(ref, [45, 0, 7], true) || ref.toLowerCase().startsWith('0e58ed8671d6b60d0890c21b07f8835ace038e67'),
  },
  {
    // CVE-2025-30154: the v1 tag pointed to a malicious commit (f0d342, on a fork) that dumped
    // secrets to the log, 2025-03-11 18:42 to 20:31 UTC. Source: reviewdog/reviewdog#2079 (the
    // maintainers' advisory) and the CISA alert. No GHSA id could be confirmed here, so none is listed.
    action: 'reviewdog/action-setup',
    advisories: ['CVE-2025-30154'],
    references: ['https://github.com/reviewdog/reviewdog/issues/2079', 'https://nvd.nist.gov/vuln/detail/CVE-2025-30154'],
    window: '2025-03-11 18:42 to 20:31 UTC',
    affected: 'tag v1 and commit f0d342',
    safe: 'a release pinned by full commit SHA',
    affects: (ref) => ref === 'v1' || /^f0d342/i.test(ref),
  },
  {
    // GHSA-69fq-xp46-6x23 / CVE-2026-33634: on 2026-03-19 76 of 77 trivy-action tags were
    // force-pushed to credential-stealing code; 0.35.0 (made after an earlier incident) was the
    // only clean tag, and `master` may have pointed at malicious code during the window.
    // Sources: aquasecurity/trivy-action#541, the GHSA (golang/vulndb#4819 quotes it).
    action: 'aquasecurity/trivy-action',
    advisories: ['CVE-2026-33634', 'GHSA-69fq-xp46-6x23'],
    references: [
      'https://github.com/aquasecurity/trivy/security/advisories/GHSA-69fq-xp46-6x23',
      'https://github.com/aquasecurity/trivy-action/issues/541',
    ],
    window: '2026-03-19 to 2026-03-20',
    affected: 'every tag before 0.35.0, and master',
    safe: '0.35.0 or later (57a97c7e7821a5776cebc9bb87c984fa69cba8f1 is 0.35.0), pinned by full commit SHA',
    affects: (ref) => below(ref, [0, 35, 0], false) || ref === 'master' || ref === 'main',
  },
  {
    // Same advisory: all 7 setup-trivy tags of the time were replaced with malicious commits;
    // v0.2.6 is the release the maintainers name as safe.
    action: 'aquasecurity/setup-trivy',
    advisories: ['CVE-2026-33634', 'GHSA-69fq-xp46-6x23'],
    references: ['https://github.com/aquasecurity/trivy/security/advisories/GHSA-69fq-xp46-6x23'],
    window: '2026-03-19 to 2026-03-20',
    affected: 'every tag before v0.2.6',
    safe: 'v0.2.6 or later (3fb12ec12f41e471780db15c232d5dd185dcb514 is v0.2.6), pinned by full commit SHA',
    affects: (ref) => below(ref, [0, 2, 6], false) || ref === 'main',
  },
];

export function compromisedRelease(action: string, ref: string): CompromisedAction | undefined {
  const name = action.toLowerCase().split('/').slice(0, 2).join('/');
  return COMPROMISED_ACTIONS.find((c) => c.action === name && c.affects(ref));
}
