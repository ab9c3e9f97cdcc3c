// `install-tools`: downloads a pinned scanner build, verifies its SHA-256 against the sum kept in
// pins.ts BEFORE anything is extracted or run, caches it with @actions/tool-cache (a second job on
// the same runner, or a self-hosted runner, reuses it) and puts it on PATH. Never `curl | sh`.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tc from '@actions/tool-cache';
import { execa } from 'execa';
import type { Logger } from '../logger.js';
import { DEFAULT_DOWNLOAD_BASE, knownBadRelease, SEMGREP_VERSION, TOOL_PINS, type PlatformKey, type ToolPin } from './pins.js';

/**
 * Overrides https://github.com as the download base (tests, or an internal mirror). The sums in
 * pins.ts still apply, so a mirror can never substitute a different build.
 */
export const DOWNLOAD_BASE_ENV = 'GATEHOUSE_TOOLS_DOWNLOAD_BASE';

export class ToolInstallError extends Error {
  override name = 'ToolInstallError';
  constructor(
    readonly tool: string,
    message: string,
  ) {
    super(`${tool}: ${message}`);
  }
}

export function platformKey(platform: NodeJS.Platform = process.platform, arch: string = process.arch): PlatformKey | undefined {
  const os = platform === 'linux' ? 'linux' : platform === 'darwin' ? 'darwin' : undefined;
  const cpu = arch === 'x64' ? 'x64' : arch === 'arm64' ? 'arm64' : undefined;
  return os && cpu ? (`${os}-${cpu}` as PlatformKey) : undefined;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface InstalledTool {
  tool: string;
  version: string;
  /** Folder holding the binary (put on PATH). */
  dir: string;
  binary: string;
  fromCache: boolean;
}

export interface InstallOptions {
  logger: Logger;
  platform?: NodeJS.Platform;
  arch?: string;
  /** Defaults to $GATEHOUSE_TOOLS_DOWNLOAD_BASE, else https://github.com. */
  downloadBase?: string;
}

export async function installPinnedTool(pin: ToolPin, options: InstallOptions): Promise<InstalledTool> {
  // A second line of defence behind the pins test: a known-bad release is never downloaded.
  const bad = knownBadRelease(pin.tool, pin.version);
  if (bad) throw new ToolInstallError(pin.tool, `refusing to install ${pin.tool} ${pin.version}: ${bad.why} (${bad.advisory})`);
  const key = platformKey(options.platform, options.arch);
  const archive = key ? pin.archives[key] : undefined;
  if (!key || !archive) {
    const known = Object.keys(pin.archives).join(', ');
    throw new ToolInstallError(pin.tool, `no pinned build for ${options.platform ?? process.platform}/${options.arch ?? process.arch} (pinned: ${known}); install ${pin.tool} in an earlier step or turn install-tools off`);
  }
  const cached = tc.find(pin.tool, pin.version, key);
  if (cached && existsSync(path.join(cached, pin.binary))) {
    options.logger.info(`${pin.tool} ${pin.version}: using the tool cache (${cached})`);
    return { tool: pin.tool, version: pin.version, dir: cached, binary: path.join(cached, pin.binary), fromCache: true };
  }
  const base = (options.downloadBase ?? process.env[DOWNLOAD_BASE_ENV] ?? DEFAULT_DOWNLOAD_BASE).replace(/\/+$/, '');
  const url = `${base}/${pin.releasePath}/${archive.file}`;
  options.logger.info(`${pin.tool} ${pin.version}: downloading ${url}`);
  let downloaded: string;
  try {
    downloaded = await tc.downloadTool(url);
  } catch (error) {
    throw new ToolInstallError(pin.tool, `download of ${url} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const actual = await sha256File(downloaded);
  if (actual !== archive.sha256) {
    await rm(downloaded, { force: true });
    throw new ToolInstallError(
      pin.tool,
      `refusing to use ${archive.file}: its SHA-256 is ${actual}, but Gatehouse pins ${archive.sha256} for ${pin.tool} ${pin.version} (src/tools/pins.ts). The download was replaced or corrupted; nothing was extracted or run.`,
    );
  }
  const extracted = await tc.extractTar(downloaded);
  await rm(downloaded, { force: true });
  if (!existsSync(path.join(extracted, pin.binary))) {
    throw new ToolInstallError(pin.tool, `${archive.file} has no ${pin.binary} at its top level`);
  }
  const dir = await tc.cacheDir(extracted, pin.tool, pin.version, key);
  await rm(extracted, { recursive: true, force: true });
  options.logger.info(`${pin.tool} ${pin.version}: verified (sha256 ${actual}) and cached`);
  return { tool: pin.tool, version: pin.version, dir, binary: path.join(dir, pin.binary), fromCache: false };
}

/**
 * `pip install semgrep==<pin>` into a virtual environment of its own (runner images mark the system
 * Python as externally managed, PEP 668), without a shell; then checks the installed version.
 * The venv's bin folder is what goes on PATH.
 */
export async function installSemgrep(options: { logger: Logger; python?: string; version?: string; venvDir?: string }): Promise<InstalledTool> {
  const version = options.version ?? SEMGREP_VERSION;
  const python = options.python ?? 'python3';
  const venv = options.venvDir ?? path.join(process.env.RUNNER_TEMP || tmpdir(), `gatehouse-semgrep-${version}`);
  const bin = path.join(venv, 'bin');
  options.logger.info(`semgrep ${version}: pip install into ${venv}`);
  const created = await execa(python, ['-m', 'venv', venv], { reject: false, all: true });
  if (created.exitCode !== 0) {
    throw new ToolInstallError('semgrep', `${python} -m venv failed (exit ${created.exitCode}): ${lastLines(created.all)}`);
  }
  const pip = await execa(path.join(bin, 'python'), ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', `semgrep==${version}`], { reject: false, all: true });
  if (pip.exitCode !== 0) {
    throw new ToolInstallError('semgrep', `pip install semgrep==${version} failed (exit ${pip.exitCode}): ${lastLines(pip.all)}`);
  }
  const binary = path.join(bin, 'semgrep');
  const check = await execa(binary, ['--version'], { reject: false });
  const reported = String(check.stdout).trim();
  if (check.exitCode !== 0 || reported !== version) {
    throw new ToolInstallError('semgrep', `after pip install, \`semgrep --version\` reports ${JSON.stringify(reported)} (exit ${check.exitCode}); expected ${version}`);
  }
  return { tool: 'semgrep', version, dir: bin, binary, fromCache: false };
}

function lastLines(text: unknown): string {
  return String(text ?? '').trim().split('\n').slice(-3).join(' ');
}

export const INSTALLABLE_TOOLS = ['trivy', 'gitleaks', 'semgrep'] as const;
export type InstallableTool = (typeof INSTALLABLE_TOOLS)[number];

/** Installs each named tool and returns the folders to add to PATH. */
export async function installTools(tools: InstallableTool[], options: InstallOptions): Promise<InstalledTool[]> {
  const installed: InstalledTool[] = [];
  for (const tool of tools) {
    installed.push(tool === 'semgrep' ? await installSemgrep({ logger: options.logger }) : await installPinnedTool(TOOL_PINS[tool], options));
  }
  return installed;
}
