// The embedded secret scanner as a program, so the engine runs it as a child process like any
// other scanner: `node cli.js scan <dir> [--allow-path GLOB]... [--repo-root DIR] [--max-file-bytes N]`.
// Prints one JSON report (report-format.ts) on stdout; exit 0 whether or not it found secrets (the
// gate decides), 2 on a usage error, 3 when the scan itself failed. No secret value is ever
// printed: the report holds masked previews and hashes, and errors name files, never contents.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT_CODES } from '../../errors.js';
import { DEFAULT_MAX_FILE_BYTES, scanDirectory } from './scan-directory.js';

const USAGE = 'usage: gatehouse-secrets scan <dir> [--allow-path GLOB]... [--repo-root DIR] [--max-file-bytes N]';

class UsageError extends Error {}

function main(argv: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'allow-path': { type: 'string', multiple: true, default: [] },
        'repo-root': { type: 'string' },
        'max-file-bytes': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return fail(EXIT_CODES.usage, `${(error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const [command, dir, ...extra] = positionals;
    if (command !== 'scan' || !dir || extra.length > 0) throw new UsageError(USAGE);
    const target = resolve(dir);
    if (!isDirectory(target)) throw new UsageError(`not a directory: ${target}`);
    const maxFileBytes = values['max-file-bytes'] === undefined ? DEFAULT_MAX_FILE_BYTES : Number(values['max-file-bytes']);
    if (!Number.isInteger(maxFileBytes) || maxFileBytes <= 0) throw new UsageError('--max-file-bytes must be a positive integer');
    const report = scanDirectory(target, {
      allowPaths: values['allow-path'],
      repoRoot: values['repo-root'] === undefined ? undefined : resolve(values['repo-root']),
      maxFileBytes,
    });
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) return fail(EXIT_CODES.usage, error.message);
    // Only the error's kind and message: a stack or cause could quote text that was being scanned.
    return fail(EXIT_CODES.scannerError, `scan failed: ${(error as Error).name}: ${(error as Error).message}`);
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function fail(code: number, message: string): number {
  process.stderr.write(`gatehouse-secrets: ${message}\n`);
  return code;
}

process.exitCode = main(process.argv.slice(2));
