// A secret written inline in a deployment file is seen by the embedded secret scanner and by the
// deployment check on the same line. One value is one finding, naming both tools, in every report
// format (before: a generic-password and a compose-secret-env for one line, two rows to triage).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { createMemoryLogger } from '../../src/logger.js';
import { renderJson } from '../../src/reporters/json.js';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { toSarif } from '../../src/reporters/sarif.js';
import { renderText } from '../../src/reporters/text.js';
import { runScan } from '../../src/scan.js';

const PASSWORD = 'Meadow?2231x';
const TOKEN = 'Zq8vR2pLx9-k3J9xQ2mV';

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

describe('a secret written inline in a deployment file', () => {
  it('is one finding naming the secret scanner and the deployment check, in every format', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gh-inline-'));
    write(root, {
      'services/cart/package.json': '{}',
      // map form, then the same value again in list form (the secret scanner's second occurrence)
      'services/cart/docker-compose.yml': `services:\n  db:\n    image: app:1.0\n    environment:\n      DB_PASSWORD: "${PASSWORD}"\n  worker:\n    image: worker:1.0\n    environment:\n      - DB_PASSWORD=${PASSWORD}\n      - POSTGRES_PASSWORD=postgres\n`,
      'services/cart/k8s/api.yaml': `apiVersion: v1\nkind: Pod\nmetadata: {name: api}\nspec:\n  containers:\n    - name: api\n      image: api:1.0\n      env:\n        - name: API_TOKEN\n          value: "${TOKEN}"\n`,
    });
    const config = ConfigSchema.parse({ scanners: { dependency: [] } });
    const report = await runScan({ repoRoot: root, config, kind: 'snapshot' }, { logger: createMemoryLogger() });
    const inline = report.findings.filter((f) => f.cwe.includes('CWE-798'));
    const at = (f: (typeof inline)[number]) => `${f.location.path}:${f.location.startLine} ${f.ruleId} ${(f.tools ?? [f.tool]).join('+')}`;
    expect(inline.map(at).sort()).toEqual([
      'services/cart/docker-compose.yml:10 compose-secret-env gatehouse-deploy',
      'services/cart/docker-compose.yml:5 generic-password gatehouse-deploy+gatehouse-secrets',
      'services/cart/k8s/api.yaml:10 env-list-secret gatehouse-deploy+gatehouse-secrets',
    ]);
    const compose = inline.find((f) => f.ruleId === 'generic-password')!;
    expect(compose.category).toBe('secret');
    expect(compose.severity).toBe('high');
    expect(compose.message).toContain('also compose-secret-env: compose service "db" sets DB_PASSWORD inline');
    expect(compose.message).toContain('also compose-secret-env: compose service "worker" sets DB_PASSWORD inline');
    expect(compose.fix).toMatch(/rotate.*compose `secrets:`/s);
    expect(report.gate.passed).toBe(false);

    const outputs = {
      text: renderText(report, { color: false }),
      markdown: renderMarkdown(report),
      sarif: JSON.stringify(toSarif(report)),
      json: renderJson(report),
    };
    for (const [format, out] of Object.entries(outputs)) {
      expect(out, format).not.toContain(PASSWORD);
      expect(out, format).not.toContain(TOKEN);
    }
    expect(outputs.text).toContain('generic-password in services/cart/docker-compose.yml:5');
    expect(outputs.text).not.toContain('compose-secret-env in services/cart/docker-compose.yml:5');
    expect(outputs.text).not.toContain('k8s-inline-secret-env in');
    expect(outputs.markdown).toContain('found by gatehouse-deploy + gatehouse-secrets');
    const results = JSON.parse(outputs.sarif).runs.flatMap((r: { results: { ruleId: string }[] }) => r.results).map((r: { ruleId: string }) => r.ruleId);
    expect(results.filter((id: string) => id === 'k8s-inline-secret-env')).toEqual([]);
  });

  it('keeps the secret scanner\'s test context (a secrets.context.test glob the deployment check does not read), not its docs or example context', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gh-inline-test-'));
    const compose = `services:\n  server:\n    image: app:1.0\n    environment:\n      POSTGRES_PASSWORD: "${PASSWORD}"\n`;
    write(root, { 'package.json': '{}', 'qa/compose.yaml': compose, 'demo/compose.yaml': compose });
    const config = ConfigSchema.parse({ scanners: { dependency: [] }, secrets: { context: { test: ['qa/**'] } } });
    const report = await runScan({ repoRoot: root, config, kind: 'snapshot' }, { logger: createMemoryLogger() });
    const at = (path: string) => report.findings.find((f) => f.location.path === path && f.location.startLine === 5)!;
    const qa = at('qa/compose.yaml');
    expect([qa.ruleId, qa.severity, qa.secret?.context, qa.secret?.ruleSeverity, (qa.tools ?? []).join('+')]).toEqual(['generic-password', 'low', 'test', 'high', 'gatehouse-deploy+gatehouse-secrets']);
    expect(qa.message).toContain('counts as low');
    // An example's compose file may be deployed (the deployment check says high): the worse holds.
    const demo = at('demo/compose.yaml');
    expect([demo.severity, demo.secret?.context, (demo.tools ?? []).join('+')]).toEqual(['high', 'example', 'gatehouse-deploy+gatehouse-secrets']);
  });
});
