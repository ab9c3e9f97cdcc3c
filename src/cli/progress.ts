// Progress lines on stderr: the opening line (scanners and services), one line per finished run
// (a run that read several services is one line) when the text report is not on the same terminal
// or with --verbose (the start of each run too), then a closing line that counts as the opening did.
import type { ScanReport } from '../report/scan-report.js';
import { formatDuration, shortError } from '../reporters/summary.js';
import { terminalSafe } from '../reporters/text.js';
import type { ScanProgress } from '../scan.js';

const ANSI = { reset: '\x1b[0m', bold: '\x1b[1m', dim: '\x1b[2m', red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m' };
type Style = keyof typeof ANSI;

export interface ProgressPrinter {
  (event: ScanProgress): void;
  /** The closing line: outcome, counts and wall time. */
  summary(report: ScanReport): string;
}

export function createProgressPrinter(
  out: NodeJS.WritableStream,
  opts: {
    color: boolean;
    verbose: boolean;
    /**
     * One line per finished run. Off when the text report (its Scanners table says the same) is
     * printed on the same terminal, unless --verbose: progress and the table never repeat each other.
     */
    perRun?: boolean;
  },
): ProgressPrinter {
  const paint = (style: Style, text: string) => (opts.color ? `${ANSI[style]}${text}${ANSI.reset}` : text);
  const started = performance.now();
  const printer = ((event: ScanProgress) => {
    switch (event.type) {
      case 'plan':
        out.write(
          `gatehouse: ${plural(event.scanners, 'scanner')} on ${plural(event.services.length, 'service')}${
            event.services.length ? ` (${event.services.join(', ')})` : ''
          }\n`,
        );
        break;
      case 'scanner-start':
        if (opts.verbose) out.write(paint('dim', `  … ${event.scanner} [${event.service}] ${event.mode === 'import' ? 'importing' : 'started'}\n`));
        break;
      case 'scanner-end': {
        if (opts.perRun === false && !opts.verbose) break;
        const time = formatDuration(event.durationMs);
        // A run that read several services (the embedded scanners) is one line naming them.
        const label = `${event.scanner} [${event.services.join(', ')}]`;
        if (event.status === 'error') {
          // The first words of the failure; the full text and its install hint are in the report.
          out.write(`  ${paint('red', '✗')} ${label} ${paint('dim', time)} ${paint('red', `error: ${oneLine(shortError(event.error ?? 'unknown'))}`)}\n`);
        } else {
          const how = event.status === 'imported' ? ' (imported)' : '';
          out.write(`  ${paint('green', '✓')} ${label} ${paint('dim', time)} ${event.findingCount} finding${event.findingCount === 1 ? '' : 's'}${how}\n`);
        }
        break;
      }
    }
  }) as ProgressPrinter;
  printer.summary = (report) => {
    const wall = formatDuration(performance.now() - started);
    const { outcome, reasons } = report.gate;
    const folder = report.source.root ? ` for ${terminalSafe(report.source.root)}` : '';
    const text =
      outcome === 'passed'
        ? paint('green', `gate passed${folder}`)
        : outcome === 'failed'
          ? paint('red', `gate failed${folder} (${reasons.length} reason${reasons.length === 1 ? '' : 's'})`)
          : paint('red', `gate failed${folder}: scanner error`);
    const suppressed = report.findings.filter((f) => f.status === 'suppressed').length;
    const findings = `${report.findings.length} finding${report.findings.length === 1 ? '' : 's'}${suppressed ? ` (${suppressed} suppressed)` : ''}`;
    // Counted as the opening line counts: scanners (what ran), then how many of their runs failed.
    const scanners = new Set(report.scanners.map((r) => r.scanner)).size;
    const failed = new Set(report.scanners.filter((r) => r.status === 'error').map((r) => r.scanner)).size;
    return `gatehouse: ${text}; ${findings}; ${plural(scanners, 'scanner')}${failed ? ` (${failed} failed)` : ''} in ${wall}`;
  };
  return printer;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Progress is a terminal line: no control characters from tool text. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}
