// Progress lines on stderr while scanners run: one line per finished scanner run with its timing,
// status and finding count (the start of each run too with --verbose), then a one-line outcome.
import type { ScanReport } from '../report/scan-report.js';
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
  opts: { color: boolean; verbose: boolean },
): ProgressPrinter {
  const paint = (style: Style, text: string) => (opts.color ? `${ANSI[style]}${text}${ANSI.reset}` : text);
  const started = performance.now();
  const printer = ((event: ScanProgress) => {
    switch (event.type) {
      case 'plan':
        out.write(
          `gatehouse: ${event.runs} scanner run${event.runs === 1 ? '' : 's'} on ${event.services.length} service${
            event.services.length === 1 ? '' : 's'
          }${event.services.length ? ` (${event.services.join(', ')})` : ''}\n`,
        );
        break;
      case 'scanner-start':
        if (opts.verbose) out.write(paint('dim', `  … ${event.scanner} [${event.service}] ${event.mode === 'import' ? 'importing' : 'started'}\n`));
        break;
      case 'scanner-end': {
        const time = formatSeconds(event.durationMs);
        const label = `${event.scanner} [${event.service}]`;
        if (event.status === 'error') {
          out.write(`  ${paint('red', '✗')} ${label} ${paint('dim', time)} ${paint('red', `error: ${oneLine(event.error ?? 'unknown')}`)}\n`);
        } else {
          const how = event.status === 'imported' ? ' (imported)' : '';
          out.write(`  ${paint('green', '✓')} ${label} ${paint('dim', time)} ${event.findingCount} finding${event.findingCount === 1 ? '' : 's'}${how}\n`);
        }
        break;
      }
    }
  }) as ProgressPrinter;
  printer.summary = (report) => {
    const wall = formatSeconds(performance.now() - started);
    const { outcome, reasons } = report.gate;
    const text =
      outcome === 'passed'
        ? paint('green', 'gate passed')
        : outcome === 'failed'
          ? paint('red', `gate failed (${reasons.length} reason${reasons.length === 1 ? '' : 's'})`)
          : paint('red', 'gate failed: scanner error');
    const suppressed = report.findings.filter((f) => f.status === 'suppressed').length;
    const findings = `${report.findings.length} finding${report.findings.length === 1 ? '' : 's'}${suppressed ? ` (${suppressed} suppressed)` : ''}`;
    return `gatehouse: ${text}; ${findings}, ${report.scanners.length} scanner runs in ${wall}`;
  };
  return printer;
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Progress is a terminal line: no control characters from tool text. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}
