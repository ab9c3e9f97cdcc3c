// `detect()` for every external scanner: run `<tool> --version` (argv, no shell, short timeout) and
// read the first version-looking token. Not pure: it starts a child process.
import { execa } from 'execa';
import type { Detection } from './adapter.js';

const DETECT_TIMEOUT_MS = 10_000;
const VERSION_PATTERN = /\bv?(\d+\.\d+(?:\.\d+)?(?:[-+][0-9A-Za-z.-]+)?)\b/;

/** Reads "Version: 0.56.2", "1.84.1", "v8.18.0", "npm 10.2.0"-style output. */
export function readVersion(output: string): string | undefined {
  return VERSION_PATTERN.exec(output)?.[1];
}

export async function detectTool(argv: readonly string[], installHint: string): Promise<Detection> {
  const [file, ...args] = argv;
  if (!file) throw new Error('detectTool needs an executable');
  try {
    const result = await execa(file, args, {
      reject: false,
      timeout: DETECT_TIMEOUT_MS,
      stdin: 'ignore',
      env: { NO_COLOR: '1' },
    });
    // ENOENT and friends: execa reports a failed spawn with no exit code.
    if (result.failed && result.exitCode === undefined) return { installed: false, installHint };
    if (result.exitCode !== 0) return { installed: false, installHint };
    const version = readVersion(`${result.stdout}\n${result.stderr}`);
    return version === undefined ? { installed: true, installHint } : { installed: true, version, installHint };
  } catch {
    return { installed: false, installHint };
  }
}
