// The contract every scanner adapter follows: one small file per tool, same shape.
// `parse` is pure and proven on real recorded output (../shared/fixtures/scanners).
import type { Category, ParsedFinding, Severity } from '../findings/finding.js';

/** What a scanner is pointed at for one service. */
export interface ScanTarget {
  service: string;
  /** Absolute path of the service folder (the working directory for the tool). */
  dir: string;
  /** Repository root (absolute), to make reported paths repository-relative. */
  repoRoot: string;
  /** Container image reference or `docker save` tarball, for container scanners. */
  image?: string;
  /** Adapter options from the config (`scanners.<category>[].with`). */
  options: Record<string, unknown>;
  /**
   * Repository-relative folders this run must not read (other services' folders when the run is
   * for the root service, services outside the scan for a whole-repository run). Adapters whose
   * tool can skip folders pass them on; the others read them and the engine drops those findings.
   */
  excludePaths?: readonly string[];
  /**
   * A whole-repository run (scansRepositoryOnce): the repository-relative folders of the services
   * it reads, for tools whose rules over many files must stay within one service.
   */
  servicePaths?: readonly string[];
}

/** The captured result of running a tool once (or of reading an imported report file). */
export interface ToolOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** Files the tool wrote, when it reports to a file rather than stdout: name -> content. */
  files?: Record<string, string>;
}

export interface ParseContext {
  /** Repository root, to turn absolute paths into repository-relative ones. */
  repoRoot?: string;
  /** The service folder, repository-relative ('' for the root), for paths reported relative to it. */
  serviceDir?: string;
  image?: string;
}

export interface ParseResult {
  findings: ParsedFinding[];
  /** Problems the tool itself reported (semgrep `errors[]`, SARIF tool notifications). */
  toolErrors: string[];
  toolVersion?: string;
  /** Files the tool selected but did not check, with why (the coverage ledger lists them as unread). */
  skippedFiles?: { path: string; reason: string }[];
}

export interface Detection {
  installed: boolean;
  version?: string;
  /** How to install it, for the "missing tool" error. */
  installHint: string;
}

/**
 * What an adapter knows about its tool, so the central tables (README severity and scanner tables,
 * SARIF `informationUri`, install hints, the import-every-adapter test) are built from the registry
 * instead of edited by hand: a new scanner is its file, its test and one registry line.
 */
export interface ScannerKnowledge {
  /** The tool's home page (SARIF `tool.driver.informationUri`), or for an embedded scanner its docs page (`docs/x.md`). */
  homepage: string;
  /** How to install it, for the "missing tool" error and the README. */
  installHint: string;
  /** The tool's own severity words (lower case) -> Gatehouse severity; words not listed map to unknown. */
  severityWords: Readonly<Record<string, Severity>>;
  /** Recorded reports of the real tool under ../shared/fixtures/scanners/ (`tool-folder/file`). */
  fixtures: readonly string[];
  /** Built into Gatehouse: needs nothing installed (no recorded fixtures; tests run it for real). */
  embedded?: boolean;
}

export interface ScannerAdapter {
  /** Tool id as used in config, reports and `--import TOOL=FILE` (e.g. "trivy-fs", "semgrep"). */
  id: string;
  /** Tool name in findings (e.g. "trivy"). */
  tool: string;
  category: Category;
  /** Its own knowledge (optional only for ad-hoc adapters such as `scanners.sarif[]` entries). */
  about?: ScannerKnowledge;
  /** Is it installed, which version. Runs a child process; not pure. */
  detect(): Promise<Detection>;
  /**
   * Optional: false when the tool has nothing to scan in this target (npm audit without a
   * package-lock.json would walk up and audit some other project). The plan skips the target and
   * logs it. Absent means the tool applies everywhere. Reads the file system; not pure.
   */
  appliesTo?(target: ScanTarget): boolean;
  /**
   * Optional: the tool reads every service in one run at the repository root (the embedded
   * scanners): the plan starts it once, with the folders outside the scan in `excludePaths`, and
   * splits its findings by service path. Absent: one run per service.
   */
  scansRepositoryOnce?: boolean;
  /** argv (never a shell string) for one target; argv[0] is the executable. */
  command(target: ScanTarget): string[];
  /**
   * Exit codes that mean "ran fine" (many tools exit 1 when they find something).
   * Anything else is a scanner error.
   */
  okExitCodes: readonly number[];
  /** Pure: tool output -> findings. Throws UnsupportedFormatError/ScannerOutputError on bad input. */
  parse(output: ToolOutput, context: ParseContext): ParseResult;
}
