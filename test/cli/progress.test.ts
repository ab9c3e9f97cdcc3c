// The CLI's closing line on stderr: a folder's scan (a monorepo's job per folder) names its folder,
// so a log holding several jobs' lines says which verdict is whose.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressPrinter } from '../../src/cli/progress.js';
import { buildReport } from '../reporters/build-report.js';

describe('the closing line', () => {
  it("names the folder of a folder's scan, and nothing for a scan of the whole repository", () => {
    const printer = createProgressPrinter(new PassThrough(), { color: false, verbose: false });
    const report = buildReport();
    const passed = { ...report, gate: { ...report.gate, passed: true, outcome: 'passed' as const, reasons: [] } };
    expect(printer.summary(passed)).toMatch(/^gatehouse: gate passed; /);
    expect(printer.summary({ ...passed, source: { ...passed.source, root: 'services/web' } })).toMatch(/^gatehouse: gate passed for services\/web; /);
    expect(printer.summary({ ...report, source: { ...report.source, root: 'services/web' } })).toMatch(/^gatehouse: gate failed for services\/web \(\d+ reasons?\); /);
  });
});
