// Pinned scanner builds for `install-tools`. The SHA-256 sums live here, in Gatehouse's own source,
// and are never read from the release being downloaded: a replaced release asset (or a mirror set
// through GATEHOUSE_TOOLS_DOWNLOAD_BASE) fails the check instead of running.
//
// Provenance of the sums: the upstream release archives as recorded by cashapp/hermit-packages
// (`trivy.hcl` at 0e4549be91d0, `gitleaks.hcl` at 03818ba159f1), which hashes the files published on
// the GitHub releases. To bump a version: take the sums from the release's checksums file, check them
// against an independent record, and update the table and docs/action.md.

export type PlatformKey = 'linux-x64' | 'linux-arm64' | 'darwin-x64' | 'darwin-arm64';

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
  version: '0.58.1',
  binary: 'trivy',
  releasePath: 'aquasecurity/trivy/releases/download/v0.58.1',
  archives: {
    'linux-x64': { file: 'trivy_0.58.1_Linux-64bit.tar.gz', sha256: '21a5eea31d072b34a6284855249f4074ff43c618d398f9ec328bef4ff7c2fa0d' },
    'linux-arm64': { file: 'trivy_0.58.1_Linux-ARM64.tar.gz', sha256: '29ec9c3af77a00234860f4a9c48e2dd7691e939924da5d76c259e46c614e2545' },
    'darwin-x64': { file: 'trivy_0.58.1_macOS-64bit.tar.gz', sha256: '4f939f363d23eeb4d6181b2c38c518db38d94987565a8fa5ec9e037972e4b811' },
    'darwin-arm64': { file: 'trivy_0.58.1_macOS-ARM64.tar.gz', sha256: '499a64a911a1ac80fcc26d619cdc1bdb05528d8b1bd0490f01a8324aa6ec6e13' },
  },
};

export const GITLEAKS_PIN: ToolPin = {
  tool: 'gitleaks',
  version: '8.21.2',
  binary: 'gitleaks',
  releasePath: 'gitleaks/gitleaks/releases/download/v8.21.2',
  // linux-arm64 is not pinned: no independent record of its sum was at hand. Such runners get a
  // clear "no pinned build" error and can install gitleaks themselves.
  archives: {
    'linux-x64': { file: 'gitleaks_8.21.2_linux_x64.tar.gz', sha256: '5bc41815076e6ed6ef8fbecc9d9b75bcae31f39029ceb55da08086315316e3ba' },
    'darwin-x64': { file: 'gitleaks_8.21.2_darwin_x64.tar.gz', sha256: '5b42c6e4b1fd693eaeb2b5b7faa5f17a1434299d4deb2de63d4b2efd7c753128' },
    'darwin-arm64': { file: 'gitleaks_8.21.2_darwin_arm64.tar.gz', sha256: 'cad3de5dc9a4d5447d967a70a4d49499c557f04db028274cc324f9ff983f6502' },
  },
};

/** Semgrep is installed from PyPI: `pip install semgrep==<this>`. */
export const SEMGREP_VERSION = '1.84.1';

export const TOOL_PINS: Record<ToolPin['tool'], ToolPin> = { trivy: TRIVY_PIN, gitleaks: GITLEAKS_PIN };
