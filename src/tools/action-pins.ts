// Every third-party action the ready workflows, the project's own workflows, the README and the
// docs use, pinned by full commit SHA. test/tools/pins.test.ts reads every `uses:` of those files
// and requires it to be one of these (same SHA, same version comment) or the Gatehouse placeholder;
// docs/pins.md is generated from this list and pins.ts (scripts/gen-pins-table.ts).

export interface ActionPin {
  /** `owner/repo` or `owner/repo/path`, as written after `uses:`. */
  action: string;
  /** The release tag the SHA is the commit of, written as the `# vX.Y.Z` comment. */
  version: string;
  sha: string;
  /** The runtime the action declares (node20 actions stop running on hosted runners on 2026-09-16). */
  runtime: string;
  checkedAgainst: string;
  checkedOn: string;
}

export const ACTION_PINS: readonly ActionPin[] = [
  {
    action: 'actions/checkout',
    version: 'v7.0.1',
    sha: '3d3c42e5aac5ba805825da76410c181273ba90b1',
    runtime: 'node24',
    checkedAgainst: 'issue 11 (release history); the same SHA is tagged v7.0.1 in independent public pin tables and workflows (searched 2026-11-30)',
    checkedOn: '2026-11-30',
  },
  {
    action: 'github/codeql-action/upload-sarif',
    version: 'v4.36.2',
    sha: '8aad20d150bbac5944a9f9d289da16a4b0d87c1e',
    runtime: 'node24',
    checkedAgainst: 'issue 11 (release history; the peeled commit of the annotated tag v4.36.2); the same SHA with v4.36.2 in independent public workflows (searched 2026-11-30)',
    checkedOn: '2026-11-30',
  },
  {
    action: 'aquasecurity/trivy-action',
    version: 'v0.36.0',
    sha: 'ed142fd0673e97e23eac54620cfb913e5ce36c25',
    runtime: 'composite (pins aquasecurity/setup-trivy by SHA)',
    checkedAgainst: 'issue 11 (release history); the same SHA with v0.36.0 in independent public workflows and pin tables (searched 2026-11-30)',
    checkedOn: '2026-11-30',
  },
  {
    action: 'actions/upload-artifact',
    version: 'v5.0.0',
    sha: '330a01c490aca151604b8cf639adc76d48f6c5d4',
    runtime: 'node24',
    checkedAgainst: 'the same SHA with `# v5.0.0` in independent public workflows (searched 2026-11-30); v4.x runs on node20, so v5 is the first on node24',
    checkedOn: '2026-11-30',
  },
];

/**
 * How the ready workflows and the docs refer to Gatehouse itself. It is not a repository anyone can
 * own (`<` and `>` are not allowed in GitHub names), so a copied workflow fails at set-up until the
 * user replaces it with the fork or release they reviewed, pinned by full commit SHA.
 */
export const GATEHOUSE_USES_PLACEHOLDER = '<your-org>/gatehouse@<full-commit-sha>';
export const GATEHOUSE_VERSION_PLACEHOLDER = '<release tag you reviewed>';

/** `uses: owner/repo@<40 hex> # vX.Y.Z` */
export const PINNED_USES = /^([\w.-]+\/[\w./-]+)@([0-9a-f]{40})\s+#\s+(v\d+\.\d+\.\d+)\b/;
