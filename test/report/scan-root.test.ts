// source.root, the folder of the repository a scan ran from (a monorepo's CI job per folder): the
// dashboard compares it with its services' folders, so only a folder inside the repository in one
// spelling is taken; anything else is refused naming the field.
import { describe, expect, it } from 'vitest';
import { ScanReportSchema } from '../../src/report/scan-report.js';
import { buildReport } from '../reporters/build-report.js';

const withRoot = (root: string) => {
  const report = JSON.parse(JSON.stringify(buildReport()));
  report.source = { ...report.source, root };
  return report;
};

describe('source.root', () => {
  it('takes a folder of the repository, and "" for its top', () => {
    for (const root of ['', 'services/api', 'apps', 'a/b/c', 'services/é x', '.github-like/x']) {
      expect(ScanReportSchema.parse(withRoot(root)).source.root).toBe(root);
    }
    expect(ScanReportSchema.parse(JSON.parse(JSON.stringify(buildReport()))).source.root).toBeUndefined();
  });

  it('refuses a root that climbs out or is absolute, naming the field and why', () => {
    const cases: [string, RegExp][] = [
      ['../x', /climbs out/],
      ['services/../../x', /climbs out/],
      ['..', /climbs out/],
      ['/abs', /absolute/],
      ['/', /absolute/],
      ['C:/work', /absolute/],
      ['\\\\server\\share', /absolute/],
      ['services\\api', /forward slashes/],
      ['./services/api', /"\." or empty segment/],
      ['services//api', /"\." or empty segment/],
      ['services/api/', /trailing slash/],
    ];
    for (const [root, why] of cases) {
      const parsed = ScanReportSchema.safeParse(withRoot(root));
      expect(parsed.success, root).toBe(false);
      const issue = parsed.error!.issues.find((i) => i.path.join('.') === 'source.root');
      expect(issue?.message, root).toMatch(why);
    }
  });
});
