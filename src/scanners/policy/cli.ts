// The embedded policy checks as a program, so the engine runs them as a child process like any
// other scanner: `node cli.js scan <dir> --check ci|deploy [--max-file-bytes N]`.
// Prints one JSON report on stdout; exit 0 whether or not it found something (the gate decides),
// 2 on a usage error, 3 when the scan itself failed.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT_CODES } from '../../errors.js';
import { ciCheck } from '../gatehouse-ci/check.js';
import { deployCheck } from '../gatehouse-deploy/check.js';
import { DEFAULT_MAX_FILE_BYTES, scanPolicyDirectory, type PolicyCheck } from './policy.js';

const CHECKS: Record<string, PolicyCheck> = { ci: ciCheck, deploy: deployCheck };
const USAGE = `usage: gatehouse-policy scan <dir> --check ${Object.keys(CHECKS).join('|')} [--max-file-bytes N] [--exclude DIR]... [--group DIR]...`;

function main(argv: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        check: { type: 'string' },
        'max-file-bytes': { type: 'string' },
        // Folders relative to <dir>: not walked / one service each (whole-set rules per service).
        exclude: { type: 'string', multiple: true },
        group: { type: 'string', multiple: true },
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
  const [command, dir, ...extra] = positionals;
  const check = CHECKS[values.check ?? ''];
  if (command !== 'scan' || !dir || extra.length > 0 || !check) return fail(EXIT_CODES.usage, USAGE);
  const target = resolve(dir);
  const maxFileBytes = values['max-file-bytes'] === undefined ? DEFAULT_MAX_FILE_BYTES : Number(values['max-file-bytes']);
  if (!Number.isInteger(maxFileBytes) || maxFileBytes <= 0) return fail(EXIT_CODES.usage, '--max-file-bytes must be a positive integer');
  try {
    if (!statSync(target).isDirectory()) return fail(EXIT_CODES.usage, `not a directory: ${target}`);
    const report = scanPolicyDirectory(check, target, { maxFileBytes, exclude: values.exclude ?? [], groups: values.group ?? [] });
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return 0;
  } catch (error) {
    return fail(EXIT_CODES.scannerError, `scan failed: ${(error as Error).name}: ${(error as Error).message}`);
  }
}

function fail(code: number, message: string): number {
  process.stderr.write(`gatehouse-policy: ${message}\n`);
  return code;
}

process.exitCode = main(process.argv.slice(2));
