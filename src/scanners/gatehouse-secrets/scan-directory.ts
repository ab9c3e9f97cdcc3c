// Walks a folder and scans every text file. This is where raw secret values stop: each match is
// turned into a masked preview and a keyed hash (collect.ts) before it is returned.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import { FindingCollector } from './collect.js';
import type { ContextOptions } from './context.js';
import { SecretEngine } from './engine.js';
import { resolveMatchHasher, type MatchHasher } from './match-hash.js';
import type { SecretScanReport } from './report-format.js';
import { REPORT_FORMAT_VERSION, SCANNER_ID, SCANNER_VERSION } from './scanner-info.js';
import { leavesFolder } from '../../services/repo-path.js';

export interface DirectoryScanOptions {
  /** Globs (picomatch, dot files included) of files not to scan: matched against the path relative
   * to the scanned folder and, when `repoRoot` is given, relative to the repository root. */
  allowPaths?: readonly string[];
  repoRoot?: string;
  /** Files above this size are skipped and listed (default 5 MiB). */
  maxFileBytes?: number;
  engine?: SecretEngine;
  /** The keyed match hash (default: resolveMatchHasher for `repoRoot`, else the folder). */
  hasher?: MatchHasher;
  /** Context globs and which contexts lower generic rules (`secrets.context`). */
  context?: ContextOptions;
  /** A collector shared with a history scan (cli.ts), so a value in both is one finding. */
  collector?: FindingCollector;
}

export const DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024;

/** Folders that hold installed, generated or VCS data, never the project's own files. */
export const SKIPPED_DIRECTORIES = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  'dist',
  'coverage',
  '.nyc_output',
  '__pycache__',
  '.venv',
  'venv',
  '.tox',
  '.mypy_cache',
  '.pytest_cache',
  '.next',
  '.nuxt',
  '.turbo',
  '.gradle',
  'bower_components',
  // Yarn Berry's own release, package cache and plugins (committed by design, `.yarn/releases/*.cjs`
  // is a 3 MB bundle): installed tooling, never the project's files.
  '.yarn',
]);

const BINARY_EXTENSIONS =
  /\.(?:png|jpe?g|gif|bmp|ico|icns|webp|avif|tiff?|psd|pdf|docx?|xlsx?|pptx?|odt|zip|gz|tgz|bz2|xz|7z|rar|zst|tar|jar|war|ear|class|dex|apk|ipa|so|dylib|dll|exe|o|a|lib|obj|pyc|pyo|whl|egg|wasm|woff2?|ttf|otf|eot|mp[34]|m4a|mov|avi|mkv|webm|ogg|wav|flac|sqlite3?|db|bin|dat|iso|img|dmg|deb|rpm|lockb)$/i;
/** Key stores: binary, but their presence in a repository is itself the finding. */
const KEYSTORE_EXTENSIONS = /\.(?:p12|pfx|jks|keystore|bcfks)$/i;

export function scanDirectory(dir: string, options: DirectoryScanOptions = {}): SecretScanReport {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const engine = options.engine ?? new SecretEngine();
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const isAllowed = allowMatcher(options);
  const hasher = options.hasher ?? resolveMatchHasher({ repoRoot: options.repoRoot ?? dir });
  const collector = options.collector ?? new FindingCollector(hasher, options.context);
  const report: SecretScanReport = {
    tool: SCANNER_ID,
    formatVersion: REPORT_FORMAT_VERSION,
    toolVersion: SCANNER_VERSION,
    stats: { filesScanned: 0, bytesScanned: 0, filesSkipped: 0, filesAllowed: 0, durationMs: 0, cpuMs: 0, rules: engine.ruleCount, keySource: hasher.source },
    skipped: [],
    findings: [],
  };

  const walk = (absDir: string) => {
    const entries = readdirSync(absDir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const abs = join(absDir, entry.name);
      const rel = toPosix(relative(dir, abs));
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) walk(abs);
        continue;
      }
      if (!entry.isFile()) continue; // symbolic links, sockets: not followed
      if (isAllowed(abs, rel)) {
        report.stats.filesAllowed++;
        continue;
      }
      scanOneFile(abs, rel);
    }
  };

  const scanOneFile = (abs: string, rel: string) => {
    const skip = (reason: SecretScanReport['skipped'][number]['reason']) => {
      report.skipped.push({ path: rel, reason });
      report.stats.filesSkipped++;
    };
    try {
      if (KEYSTORE_EXTENSIONS.test(rel)) {
        collector.addKeystore(rel, readFileSync(abs));
        report.stats.filesScanned++;
        return;
      }
      if (BINARY_EXTENSIONS.test(rel)) return skip('binary');
      const size = statSync(abs).size;
      if (size > maxFileBytes) return skip('too-large');
      const bytes = readFileSync(abs);
      const text = decodeText(bytes);
      if (text === undefined) return skip('binary');
      report.stats.filesScanned++;
      report.stats.bytesScanned += size;
      collector.addMatches(rel, text, engine.scan(text, rel));
    } catch {
      // The error names only the file; its text might be quoted by some parser, so it is not kept.
      skip('unreadable');
    }
  };

  walk(dir);
  report.findings = collector.findings();
  report.stats.durationMs = Math.round(performance.now() - started);
  const cpu = process.cpuUsage(cpuStarted);
  report.stats.cpuMs = Math.round((cpu.user + cpu.system) / 1000);
  return report;
}

export function allowMatcher(options: DirectoryScanOptions): (abs: string, rel: string) => boolean {
  const globs = options.allowPaths ?? [];
  if (globs.length === 0) return () => false;
  const match = picomatch([...globs], { dot: true });
  const repoRoot = options.repoRoot;
  return (abs, rel) => {
    if (match(rel)) return true;
    if (!repoRoot) return false;
    const fromRoot = relative(repoRoot, abs);
    return !leavesFolder(fromRoot) && match(toPosix(fromRoot));
  };
}

/**
 * The file's text, or undefined for binary. UTF-16 with a byte-order mark (Windows registry
 * exports such as WinSCP sessions, PowerShell output) is decoded; otherwise a NUL byte in the first
 * 8 KiB means binary (git's own test) and the rest is read as UTF-8.
 */
export function decodeText(bytes: Buffer): string | undefined {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2, 2 + ((bytes.length - 2) & ~1)));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  if (bytes.subarray(0, 8192).includes(0)) return undefined;
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}
