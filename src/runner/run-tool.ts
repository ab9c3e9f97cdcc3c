// Runs one scanner as a child process: an argv array (never a shell), a timeout that kills the whole
// process tree, and a cap on captured output. This is one of the engine's two edges (the other is
// HTTP); everything it returns is then parsed by a pure adapter.
import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { ScannerError } from '../errors.js';
import type { ToolOutput } from '../scanners/adapter.js';

export const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/**
 * Process groups of the tools running now. Each tool runs in its own group (so a timeout can kill
 * everything it started), which also means Ctrl-C at a terminal does not reach it: the entry point
 * calls stopRunningTools() when it is interrupted, so no scanner is left running.
 */
const runningGroups = new Set<number>();
/** After the timeout: SIGTERM to the process group, then SIGKILL if it is still there. */
const KILL_GRACE_MS = 2000;

export interface RunToolOptions {
  cwd: string;
  timeoutMs: number;
  /** Cap on each of stdout and stderr; beyond it the run fails (never a silently cut report). */
  maxOutputBytes?: number;
  /** Extra environment variables (the parent's environment is kept). */
  env?: Record<string, string>;
  /** Named in errors; defaults to argv[0]. */
  name?: string;
}

export interface ToolRun extends ToolOutput {
  durationMs: number;
  /** The timeout fired and the process tree was killed; exitCode is then -1. */
  timedOut: boolean;
  /** The signal that ended the process when it was not our timeout (a crash: SIGSEGV, SIGKILL, ...). */
  signal?: string;
}

/**
 * Runs `argv` and captures stdout/stderr. Returns for any exit code, a timeout or a signal (the
 * caller judges those against the adapter's okExitCodes). Throws ScannerError only when there is no
 * output to judge: the executable is missing or cannot start (`missing`), or the output exceeded the
 * cap (`bad-output`).
 */
export async function runTool(argv: string[], options: RunToolOptions): Promise<ToolRun> {
  if (argv.length === 0 || !argv[0]) throw new TypeError('runTool: argv must name an executable');
  const [file, ...args] = argv;
  const name = options.name ?? file;
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  // spawn reports a missing working directory as ENOENT, which would read as "tool not installed".
  if (!existsSync(options.cwd)) throw new ScannerError(name, `working directory ${options.cwd} does not exist`, 'crashed');
  const started = performance.now();

  const child = execa(file, args, {
    cwd: options.cwd,
    env: options.env,
    extendEnv: true,
    shell: false,
    stdin: 'ignore',
    reject: false,
    stripFinalNewline: false,
    // bytes, so the cap is exact and a multi-byte character is never split into a parse
    encoding: 'buffer',
    maxBuffer: maxOutputBytes,
    // its own process group, so a timeout can kill the tool and everything it started
    detached: true,
    windowsHide: true,
  });

  if (child.pid !== undefined) runningGroups.add(child.pid);
  let timedOut = false;
  let killTimer: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid, 'SIGTERM');
    killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
    killTimer.unref();
  }, options.timeoutMs);
  timer.unref();

  const result = await child;
  if (child.pid !== undefined) runningGroups.delete(child.pid);
  clearTimeout(timer);
  if (killTimer) clearTimeout(killTimer);
  // Whatever the tool left running in its group (a daemon, a hung grandchild) goes too.
  if (timedOut || result.isMaxBuffer) killGroup(child.pid, 'SIGKILL');
  const durationMs = Math.round(performance.now() - started);

  if (result.isMaxBuffer) {
    const mib = (maxOutputBytes / (1024 * 1024)).toFixed(0);
    throw new ScannerError(
      name,
      `wrote more than ${mib} MiB to stdout or stderr; the run was stopped rather than parse a cut report (raise "max-output-mb" in .gatehouse.yml if the output is legitimately that large)`,
      'bad-output',
    );
  }
  const code = (result as { code?: string }).code;
  if (result.exitCode === undefined && !timedOut && result.signal === undefined) {
    if (code === 'ENOENT') throw new ScannerError(name, `"${file}" was not found on PATH`, 'missing');
    if (code === 'EACCES') throw new ScannerError(name, `"${file}" is not executable (EACCES)`, 'missing');
    throw new ScannerError(name, `"${file}" could not be started (${code ?? result.shortMessage})`, 'crashed');
  }

  return {
    stdout: decode(result.stdout),
    stderr: decode(result.stderr),
    exitCode: result.exitCode ?? -1,
    durationMs,
    timedOut,
    signal: timedOut ? undefined : result.signal,
  };
}

/** Signals every running tool's process group; returns how many there were. */
export function stopRunningTools(signal: NodeJS.Signals = 'SIGTERM'): number {
  const count = runningGroups.size;
  for (const pid of runningGroups) killGroup(pid, signal);
  return count;
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

function decode(bytes: unknown): string {
  if (bytes instanceof Uint8Array) return new TextDecoder('utf-8').decode(bytes);
  return typeof bytes === 'string' ? bytes : '';
}
