import { describe, expect, it } from 'vitest';
import { ScanReportSchema } from '../../src/report/scan-report.js';
import { InvalidReportError, renderJson } from '../../src/reporters/json.js';
import { renderText } from '../../src/reporters/text.js';
import { buildReport, hostileFinding } from './build-report.js';

describe('renderJson', () => {
  const report = buildReport();

  it('writes the ScanReport that the dashboard ingest schema accepts, unchanged', () => {
    const text = renderJson(report);
    const parsed = ScanReportSchema.parse(JSON.parse(text));
    expect(parsed.findings.map((f) => f.fingerprint)).toEqual(report.findings.map((f) => f.fingerprint));
    expect(parsed.gate).toEqual(report.gate);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('refuses an invalid report, naming the field', () => {
    const broken = { ...report, findings: [{ ...report.findings[0]!, severity: 'severe' }] } as unknown as typeof report;
    expect(() => renderJson(broken)).toThrow(InvalidReportError);
    expect(() => renderJson(broken)).toThrow(/findings\.0\.severity/);
  });

  it('scrubs a token that slipped into any string', () => {
    const token = 'xoxb-' + '123456789012-abcdefghijkl';
    const leaky = { ...report, scanners: [{ ...report.scanners[0]!, toolErrors: [`auth failed with ${token}`] }] };
    const text = renderJson(leaky);
    expect(text).not.toContain(token);
    expect(text).toContain('auth failed with xoxb-****');
  });
});

describe('renderText', () => {
  const report = buildReport({ extraWeb: [hostileFinding(0)] });

  it('summarises scanners with timings, counts per service and severity, top findings and the decision', () => {
    const text = renderText(report, { color: false });
    expect(text).toMatch(/x  npm-audit +web +0\.41 s +error: the registry refused the audit endpoint \(HTTP 405 Method Not Allowed\)/);
    expect(text).toMatch(/ok trivy-fs +api +0\.85 s +5 findings \(imported\)/);
    expect(text).toMatch(/payments +high +4 +0 +15 +0 +0/);
    expect(text).toMatch(/Top findings \(10 of \d+\)/);
    expect(text).toContain('CRITICAL web        CVE-2019-14697 in musl 1.1.20-r4 (fixed in 1.1.20-r5) in image registry.example/web:1.4.2 [new]');
    expect(text).toContain('Gate failed\n  - 1 new critical finding in payments');
    expect(text).toContain('warning: suppression "old-waiver" matched no finding');
  });

  it('uses ANSI colour only when asked', () => {
    expect(renderText(report, { color: false })).not.toContain('\x1b[');
    expect(renderText(report, { color: true })).toContain('\x1b[31m');
  });

  it('strips control characters from tool text so it cannot repaint the terminal', () => {
    const evil = buildReport({ extraWeb: [{ ...hostileFinding(1), ruleId: 'evil', title: 'ok\x1b[2K\rGate passed\x07', message: 'm' }] });
    const text = renderText(evil, { color: false, top: 200 });
    expect(text).not.toContain('\x1b');
    expect(text).not.toContain('\r');
    expect(text).toContain('ok [2K Gate passed');
  });

  it('says when the gate passed', () => {
    const passed = { ...report, gate: { ...report.gate, passed: true, outcome: 'passed' as const, reasons: [], warnings: [] } };
    expect(renderText(passed, { color: false })).toMatch(/Gate passed\n$/);
  });

  it('lists the findings triaged on the dashboard with the reason, who decided and until when; other suppressions are not among them', () => {
    const [first, second] = report.findings;
    const triaged = {
      ...report,
      findings: [
        { ...first!, status: 'suppressed' as const, suppression: { source: 'dashboard', reason: 'accepted risk: tracked in OPS-12', owner: 'platform', expires: '2027-01-15', decidedBy: 'dana' } },
        { ...second!, status: 'suppressed' as const, suppression: { source: 'config', reason: 'a waiver in .gatehouse.yml' } },
        ...report.findings.slice(2),
      ],
    };
    const text = renderText(triaged, { color: false });
    expect(text).toContain('Triaged on the dashboard (1; the gate does not count them)');
    expect(text).toMatch(new RegExp(`Triaged on the dashboard \\(1; the gate does not count them\\)\\n  ${first!.severity.toUpperCase()} +${first!.service} +${first!.ruleId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(text).toContain('accepted risk: tracked in OPS-12 | decided by dana, owner platform, until 2027-01-15');
    expect(text).not.toContain('a waiver in .gatehouse.yml');
    expect(renderText(report, { color: false })).not.toContain('Triaged on the dashboard');
  });

  it("names the folder in the verdict of a folder's scan (a monorepo's job per folder)", () => {
    const failed = { ...report, source: { ...report.source, root: 'services/web' } };
    expect(renderText(failed, { color: false })).toContain('Gate failed for the folder services/web');
  });
});
