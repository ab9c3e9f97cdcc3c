// Pinned scanner builds for `install-tools`. The SHA-256 sums live here, in Gatehouse's own source,
// and are never read from the release being downloaded: a replaced release asset (or a mirror set
// through GATEHOUSE_TOOLS_DOWNLOAD_BASE) fails the check instead of running.
//
// A sum is pinned only when two independent public records agree on it (the project's own release
// record, e.g. its Homebrew tap or checksums file, and a third-party package index that hashed the
// downloaded file, e.g. cashapp/hermit-packages). Where each one was checked: PIN_RECORDS below and
// the table in docs/pins.md (generated from this file). To bump a version: take the sums from the
// release's checksums file, check them against an independent record, make sure the version is not
// in KNOWN_BAD_RELEASES, and update PIN_RECORDS.

export type PlatformKey = 'linux-x64' | 'linux-arm64' | 'darwin-x64' | 'darwin-arm64';

/** Every platform `install-tools` claims to support; each pin must carry a sum for each of them. */
export const CLAIMED_PLATFORMS: readonly PlatformKey[] = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64'];

export interface PinnedArchive {
  /** File name of the release asset. */
  file: string;
  /** Lower-case hex SHA-256 of that file. */
  sha256: string;
}

export interface ToolPin {
  tool: 'trivy' | 'gitleaks';
  version: string;
  /** The binary inside the archive. */
  binary: string;
  /** Path of the release download below the download base (https://github.com). */
  releasePath: string;
  archives: Partial<Record<PlatformKey, PinnedArchive>>;
}

export const DEFAULT_DOWNLOAD_BASE = 'https://github.com';

export const TRIVY_PIN: ToolPin = {
  tool: 'trivy',
  version: '0.69.3',
  binary: 'trivy',
  releasePath: 'aquasecurity/trivy/releases/download/v0.69.3',
  archives: {
    'linux-x64': { file: 'trivy_0.69.3_Linux-64bit.tar.gz', sha256: '1816b632dfe529869c740c0913e36bd1629cb7688bd5634f4a858c1d57c88b75' },
    'linux-arm64': { file: 'trivy_0.69.3_Linux-ARM64.tar.gz', sha256: '7e3924a974e912e57b4a99f65ece7931f8079584dae12eb7845024f97087bdfd' },
    'darwin-x64': { file: 'trivy_0.69.3_macOS-64bit.tar.gz', sha256: 'fec4a9f7569b624dd9d044fca019e5da69e032700edbb1d7318972c448ec2f4e' },
    'darwin-arm64': { file: 'trivy_0.69.3_macOS-ARM64.tar.gz', sha256: 'a2f2179afd4f8bb265ca3c7aefb56a666bc4a9a411663bc0f22c3549fbc643a5' },
  },
};

export const GITLEAKS_PIN: ToolPin = {
  tool: 'gitleaks',
  version: '8.21.2',
  binary: 'gitleaks',
  releasePath: 'gitleaks/gitleaks/releases/download/v8.21.2',
  archives: {
    'linux-x64': { file: 'gitleaks_8.21.2_linux_x64.tar.gz', sha256: '5bc41815076e6ed6ef8fbecc9d9b75bcae31f39029ceb55da08086315316e3ba' },
    'linux-arm64': { file: 'gitleaks_8.21.2_linux_arm64.tar.gz', sha256: '654c935542c89f565aabe7bf7c6c500830f116c114f0aeb509d2460c1ac2e6da' },
    'darwin-x64': { file: 'gitleaks_8.21.2_darwin_x64.tar.gz', sha256: '5b42c6e4b1fd693eaeb2b5b7faa5f17a1434299d4deb2de63d4b2efd7c753128' },
    'darwin-arm64': { file: 'gitleaks_8.21.2_darwin_arm64.tar.gz', sha256: 'cad3de5dc9a4d5447d967a70a4d49499c557f04db028274cc324f9ff983f6502' },
  },
};

/** Semgrep is installed from PyPI: `pip install semgrep==<this>`. */
export const SEMGREP_VERSION = '1.84.1';

export const TOOL_PINS: Record<ToolPin['tool'], ToolPin> = { trivy: TRIVY_PIN, gitleaks: GITLEAKS_PIN };

/**
 * Releases that must never be pinned or installed: malicious builds, and releases whose downloads
 * were deleted (a pin on them fails in every real run). `installPinnedTool` refuses them too.
 */
export interface BadRelease {
  tool: string;
  /** Exact versions, or an inclusive range. */
  versions: string[] | { from: string; to: string };
  why: string;
  advisory: string;
}

export const KNOWN_BAD_RELEASES: readonly BadRelease[] = [
  {
    tool: 'trivy',
    versions: ['0.69.4'],
    why: 'malicious release (compromised release pipeline)',
    advisory: 'GHSA-69fq-xp46-6x23, CVE-2026-33634',
  },
  {
    tool: 'trivy',
    versions: ['0.69.5', '0.69.6'],
    why: 'images reported compromised in the same incident',
    advisory: 'GHSA-69fq-xp46-6x23, CVE-2026-33634',
  },
  {
    tool: 'trivy',
    versions: { from: '0.27.0', to: '0.69.1' },
    why: 'GitHub release assets deleted on 2026-03-01: the archives answer 404',
    advisory: 'aquasecurity/trivy#10345',
  },
];

/** Compares dotted numeric versions ("0.69.3" < "0.69.10"). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The bad-release entry covering `tool` at `version`, if any. */
export function knownBadRelease(tool: string, version: string): BadRelease | undefined {
  return KNOWN_BAD_RELEASES.find((bad) => {
    if (bad.tool !== tool) return false;
    if (Array.isArray(bad.versions)) return bad.versions.includes(version);
    return compareVersions(version, bad.versions.from) >= 0 && compareVersions(version, bad.versions.to) <= 0;
  });
}

/** Where each pinned sum was checked: two independent public records per pin. */
export interface PinRecord {
  what: string;
  version: string;
  pinned: string;
  checkedAgainst: string;
  checkedOn: string;
}

export const TOOL_PIN_RECORDS: readonly PinRecord[] = [
  {
    what: 'trivy (4 archives: Linux-64bit, Linux-ARM64, macOS-64bit, macOS-ARM64)',
    version: TRIVY_PIN.version,
    pinned: 'SHA-256 per archive in `src/tools/pins.ts`',
    checkedAgainst:
      'aquasecurity/homebrew-trivy formula and cashapp/hermit-packages `trivy.hcl` (as reported in issue 11); the same four sums appear in independent public install scripts (searched 2026-11-30)',
    checkedOn: '2026-11-30',
  },
  {
    what: 'gitleaks (4 archives: linux_x64, linux_arm64, darwin_x64, darwin_arm64)',
    version: GITLEAKS_PIN.version,
    pinned: 'SHA-256 per archive in `src/tools/pins.ts`',
    checkedAgainst:
      'gitleaks_8.21.2_checksums.txt of the release and cashapp/hermit-packages `gitleaks.hcl` at 03818ba159f1; linux_arm64 as reported in issue 11 and in several independent public pin tables (searched 2026-11-30)',
    checkedOn: '2026-11-30',
  },
  {
    what: 'semgrep (PyPI)',
    version: SEMGREP_VERSION,
    pinned: '`pip install semgrep==1.84.1` in its own venv; `semgrep --version` must match',
    checkedAgainst: 'PyPI (pip verifies the wheel hashes PyPI publishes)',
    checkedOn: '2026-11-30',
  },
];
