// A file a check selects but does not check (a Helm template source, which is Go template and not
// YAML) is not "read": the coverage ledger lists it as unread with the check's own reason, and the
// report says so in every format, instead of counting it as covered.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { createMemoryLogger } from '../../src/logger.js';
import { runScan } from '../../src/scan.js';

const TEMPLATE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "api.fullname" . }}
spec:
  template:
    spec:
      containers:
        - name: api
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
`;
const MANIFEST = `apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  type: ClusterIP
  ports: [{port: 80}]
`;

describe('the coverage ledger and files a check skipped', () => {
  it('lists a Helm template source as unread with the reason, and counts the manifest beside it as read', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gh-skipped-'));
    const files: Record<string, string> = {
      'services/api/package.json': '{}',
      'services/api/chart/templates/deployment.yaml': TEMPLATE,
      'services/api/k8s/service.yaml': MANIFEST,
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    const config = ConfigSchema.parse({ scanners: { dependency: [] } });
    const report = await runScan({ repoRoot: root, config, kind: 'snapshot' }, { logger: createMemoryLogger() });
    const run = report.scanners.find((r) => r.scanner === 'gatehouse-deploy' && r.service === 'api');
    expect(run?.skippedFiles?.map((f) => f.path)).toEqual(['services/api/chart/templates/deployment.yaml']);
    const misconfig = report.coverage.files?.categories.find((c) => c.category === 'misconfig');
    expect(misconfig?.unread).toEqual([
      expect.objectContaining({ path: 'services/api/chart/templates/deployment.yaml', service: 'api', reason: expect.stringMatching(/^gatehouse-deploy did not check it: .*Helm chart template/) }),
    ]);
    expect(misconfig?.read).toBe((misconfig?.relevant ?? 0) - 1);
    expect(report.coverage.gaps.map((g) => g.path)).toContain('services/api/chart/templates/deployment.yaml');
  });

  it("leaves Yarn Berry's committed release and cache out, named as excluded, instead of a coverage gap (retail-store-sample-app)", async () => {
    const root = mkdtempSync(join(tmpdir(), 'gh-yarn-'));
    const files: Record<string, string> = {
      'services/web/package.json': '{}',
      // A bundle over the deployment check's size limit, as yarn-4.11.0.cjs (3 MB) is.
      'services/web/.yarn/releases/yarn-4.11.0.cjs': `// yarn\n${'x'.repeat(2_200_000)}\n`,
      '.yarn/releases/yarn-4.11.0.cjs': `// yarn\n${'x'.repeat(2_200_000)}\n`,
      '.yarnrc.yml': 'yarnPath: .yarn/releases/yarn-4.11.0.cjs\n',
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    const config = ConfigSchema.parse({ scanners: { dependency: [] } });
    const report = await runScan({ repoRoot: root, config, kind: 'snapshot' }, { logger: createMemoryLogger() });
    expect(report.coverage.gaps.map((g) => g.path)).toEqual([]);
    expect(report.scanners.flatMap((r) => r.skippedFiles ?? []).map((f) => f.path)).toEqual([]);
    expect(report.coverage.files?.excluded).toContainEqual(expect.objectContaining({ pattern: '**/.yarn/', count: 2 }));
    expect(report.coverage.files?.total).toBe(2);
  });
});
