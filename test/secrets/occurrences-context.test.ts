// Issue 10 points 6 and 3: repeated occurrences of one value in one file are one finding with a
// count and their lines; each finding carries its context (code, test, docs, example), generic rules
// outside code count as low, provider tokens keep their severity; `secrets.context` changes both;
// all of it shown in JSON, SARIF, markdown and text. Plus the history of a PR through runScan.
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { createMemoryLogger } from '../../src/logger.js';
import { renderJson } from '../../src/reporters/json.js';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { toSarif } from '../../src/reporters/sarif.js';
import { renderText } from '../../src/reporters/text.js';
import { runScan } from '../../src/scan.js';
import { builtinContext, createContextClassifier, severityInContext } from '../../src/scanners/gatehouse-secrets/context.js';
import { createMatchHasher } from '../../src/scanners/gatehouse-secrets/match-hash.js';
import { scanDirectory } from '../../src/scanners/gatehouse-secrets/scan-directory.js';
import { ALNUM, Random } from './corpus-gen/values.js';
import { GitRepo } from './git-repo.js';

const random = new Random(606);
const ghp = () => `ghp_${random.chars(ALNUM, 36)}`;
const akia = () => `AKIA${random.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`;
const hasher = createMatchHasher('test', 'env');

describe('occurrences', () => {
  it('one value repeated in a file is one finding with a count and its lines; another value is another finding', () => {
    const repo = new GitRepo();
    const token = ghp();
    const other = ghp();
    repo.write('deploy.sh', `export GH_TOKEN=${token}\necho one\ncurl -H "x: ${token}"\n\nGH_TOKEN=${token} ./run\nGH_TOKEN=${other}\n`);
    const report = scanDirectory(repo.dir, { hasher });
    const same = report.findings.filter((f) => f.ruleId === 'github-pat');
    expect(same.map((f) => [f.line, f.occurrences, f.lines])).toEqual([
      [1, 3, [1, 3, 5]],
      [6, 1, [6]],
    ]);
  });
});

describe('context', () => {
  it('classifies paths: tests, docs, examples, production code', () => {
    const cases: [string, string][] = [
      ['src/db.ts', 'code'],
      ['config/prod.env', 'code'],
      ['test/fixtures/db.env', 'test'],
      ['pkg/auth/auth_test.go', 'test'],
      ['src/__tests__/login.spec.ts', 'test'],
      ['tests/test_api.py', 'test'],
      ['src/test/java/AppTest.java', 'test'],
      ['search/src/it/resources/application.properties', 'test'],
      ['payment/src/integrationTest/resources/application.yml', 'test'],
      ['lib/src/testFixtures/java/Keys.java', 'test'],
      ['src/InvoiceService.UnitTests/appsettings.json', 'test'],
      ['src/Ordering.FunctionalTests/Settings.cs', 'test'],
      ['src/UITest/TestConstants.cs', 'test'],
      ['src/TestUtils/X509.cs', 'test'],
      ['tests/Catalog.Api.Tests/appsettings.json', 'test'],
      ['src/InvoiceService/appsettings.json', 'code'],
      ['src/Contests/appsettings.json', 'code'],
      ['src/Latest.Release/config.json', 'code'],
      ['web/it/config.json', 'code'],
      ['.env.test', 'test'],
      ['api/.env.testing', 'test'],
      ['.env.test.local', 'test'],
      ['.env.testnet', 'code'],
      ['.env', 'code'],
      ['.github/workflows/playwright.yml', 'test'],
      ['.github/workflows/test.yml', 'test'],
      ['.github/workflows/e2e-nightly.yaml', 'test'],
      ['.github/workflows/Cypress.yml', 'test'],
      ['.github/workflows/deploy.yml', 'code'],
      ['.github/workflows/unit-tests.yml', 'test'],
      ['.github/workflows/run-tests.yml', 'test'],
      ['.github/workflows/build-test-deploy.yml', 'code'],
      ['.github/workflows/deploy-to-test.yml', 'code'],
      ['.github/workflows/test-and-deploy.yml', 'code'],
      ['.github/workflows/test-publish.yaml', 'code'],
      ['.github/workflows/latest-release.yml', 'code'],
      ['.github/workflows/contest.yml', 'code'],
      ['.github/actions/test/action.yml', 'test'],
      ['.gitlab/ci/deploy-to-test.yml', 'code'],
      ['.gitlab/ci/e2e.gitlab-ci.yml', 'test'],
      ['.gitlab/ci/unit-tests.yml', 'test'],
      ['deploy-to-test.gitlab-ci.yml', 'code'],
      ['test.gitlab-ci.yml', 'test'],
      ['.gitlab-ci.yml', 'code'],
      ['.gitlab-ci/deploy-to-test.yml', 'code'],
      ['.circleci/deploy-test.yml', 'code'],
      ['.buildkite/pipeline.deploy-test.yml', 'code'],
      ['.azure-pipelines/deploy-to-test.yml', 'code'],
      ['.azure-pipelines/playwright.yml', 'test'],
      ['azure-pipelines.deploy-test.yml', 'code'],
      ['.woodpecker/deploy-to-test.yml', 'code'],
      // A pipeline's pieces in subfolders: named for an environment, never a test's by the name.
      ['.gitlab/ci/environments/test.yml', 'code'],
      ['.gitlab/ci/jobs/deploy-to-test.yml', 'code'],
      ['.gitlab/ci/templates/deploy.yml', 'code'],
      ['.azure-pipelines/templates/deploy.yml', 'code'],
      ['.woodpecker/templates/deploy.yml', 'code'],
      ['.gitlab/ci/test/deploy.yml', 'test'],
      // Compose files, settings and scripts in a pipeline folder: the usual rules.
      ['.circleci/.env.test', 'test'],
      ['.buildkite/docker-compose.test.yml', 'test'],
      ['.circleci/compose.cypress.yaml', 'test'],
      ['.circleci/run_test.sh', 'test'],
      ['.gitlab/ci/test_helpers.sh', 'test'],
      ['deploy/test.yml', 'code'],
      ['charts/node-exporter/ci/tls-values.yaml', 'test'],
      ['hack/test-resources/env-variables-pod.yaml', 'test'],
      ['.ci/compose.cypress.yaml', 'test'],
      ['docker-compose.e2e.yml', 'test'],
      ['.ci/compose.ci.yaml', 'code'],
      ['charts/node-exporter/values.yaml', 'code'],
      ['deploy/ci/production-values.yaml', 'code'],
      ['.github/workflows/deploy.e2e.yml', 'code'],
      ['ci/deploy.yaml', 'code'],
      ['web/locales/it/config.json', 'docs'],
      ['frontend/src/assets/i18n/de_CH.json', 'docs'],
      ['data/static/i18n/ja_JP.json', 'docs'],
      ['config/locales/de.yml', 'docs'],
      ['src/main/resources/translations/messages_de.properties', 'docs'],
      ['po/fr.po', 'docs'],
      ['src/i18n/setup.ts', 'code'],
      ['src/language/config.json', 'code'],
      ['src/languages/config.json', 'code'],
      ['lang/java/gradle-plugin/gradle.properties', 'code'],
      ['languages/ruby/docker-compose.yml', 'code'],
      ['src/main/resources/com/acme/lang/datasource.properties', 'code'],
      ['src/main/resources/views/checkout.ftl', 'code'],
      ['src/i18n/lokalise.json', 'code'],
      ['locales/.phrase.yml', 'code'],
      ['src/i18n/api.json', 'code'],
      ['src/i18n/dev/config.json', 'code'],
      ['src/locales/pt-BR/common.json', 'docs'],
      ['res/translations/strings_fr.yml', 'docs'],
      ['app/l10n/app_en.arb', 'docs'],
      ['_fixture/certs/key.pem', 'test'],
      ['pkg/_testdata/token.json', 'test'],
      ['src/_internal/keys.go', 'code'],
      ['docs/setup.md', 'docs'],
      ['docs_src/security/tutorial004_py310.py', 'docs'],
      ['docs-snippets/auth.ts', 'docs'],
      ['docsrc/config.py', 'code'],
      ['README.md', 'docs'],
      ['examples/basic/app.py', 'example'],
      ['.env.example', 'example'],
      ['config/settings.sample.yml', 'example'],
      ['templates/service/.env', 'example'],
      ['charts/api/templates/secret.yaml', 'code'],
      ['deploy/helm/api/templates/configmap.yaml', 'code'],
      ['examples/charts/api/templates/secret.yaml', 'example'],
      ['roles/mysql/templates/my.cnf.j2', 'code'],
      ['ansible/roles/app/templates/env.j2', 'code'],
      ['roles/templates/.env', 'example'],
    ];
    expect(cases.map(([p]) => [p, builtinContext(p)])).toEqual(cases);
    const custom = createContextClassifier({ globs: { code: ['test/fixtures/live/**'], docs: ['handbook/**'] } });
    expect(custom('test/fixtures/live/a.env')).toBe('code');
    expect(custom('handbook/x.env')).toBe('docs');
  });

  it('generic rules count as low outside code, provider tokens with a checkable format keep their severity', () => {
    expect(severityInContext('high', 'generic-password', 'generic-password', 'test')).toBe('low');
    expect(severityInContext('critical', 'private-key-pem', 'private-key', 'docs')).toBe('low');
    expect(severityInContext('medium', 'jwt', 'provider-token', 'example')).toBe('low');
    expect(severityInContext('critical', 'aws-access-key-id', 'provider-token', 'test')).toBe('critical');
    expect(severityInContext('high', 'generic-password', 'generic-password', 'code')).toBe('high');
    expect(severityInContext('high', 'generic-password', 'generic-password', 'test', [])).toBe('high');
  });

  it('the scanner reports the context and the lowered severity with the rule\'s own', () => {
    const repo = new GitRepo();
    repo.write('test/fixtures/db.env', 'DB_PASSWORD=Granite!4821x\n');
    repo.write('test/fixtures/aws.env', `AWS_ACCESS_KEY_ID=${akia()}\n`);
    repo.write('config/db.env', 'DB_PASSWORD=Granite!4821x\n');
    const report = scanDirectory(repo.dir, { hasher });
    const byPath = Object.fromEntries(report.findings.map((f) => [f.path, [f.context, f.severity, f.ruleSeverity]]));
    expect(byPath['test/fixtures/db.env']).toEqual(['test', 'low', 'high']);
    expect(byPath['config/db.env']).toEqual(['code', 'high', undefined]);
    expect(byPath['test/fixtures/aws.env']?.[0]).toBe('test');
    expect(byPath['test/fixtures/aws.env']?.[1]).not.toBe('low');
    const kept = scanDirectory(repo.dir, { hasher, context: { downgrade: [] } });
    expect(kept.findings.find((f) => f.path === 'test/fixtures/db.env')).toMatchObject({ context: 'test', severity: 'high' });
  });
});

describe('through the pipeline: config, history, every format', () => {
  it('secrets.context, --commits and occurrences show in JSON, SARIF, markdown and text', async () => {
    const repo = new GitRepo();
    const base = repo.commit('base', { 'README.md': '# svc\n' });
    const token = ghp();
    const gone = ghp();
    repo.commit('config', { 'config/app.env': `GH_TOKEN=${token}\nLOG=1\nGH_TOKEN_2=${token}\n`, 'test/fixtures/db.env': 'DB_PASSWORD=Granite!4821x\n', 'old.env': `GH_TOKEN=${gone}\n` });
    const removal = repo.git('rev-parse', 'HEAD');
    const head = repo.commit('remove old', { 'old.env': null });
    const config = ConfigSchema.parse({
      scanners: { dependency: [], secret: ['gatehouse-secrets'] },
      secrets: { context: { docs: ['config/**'], 'low-in': ['test'] } },
    });
    const report = await runScan(
      { repoRoot: repo.dir, config, kind: 'pr', changedFiles: ['README.md'], secretCommits: `${base}..${head}`, now: new Date('2026-12-01T00:00:00Z') },
      { logger: createMemoryLogger() },
    );
    const secrets = report.findings.filter((f) => f.tool === 'gatehouse-secrets');
    const byPath = Object.fromEntries(secrets.map((f) => [f.location.path, f]));
    expect(Object.keys(byPath).sort()).toEqual(['config/app.env', 'old.env', 'test/fixtures/db.env']);
    // docs context by config, a provider token: keeps high; two occurrences.
    expect(byPath['config/app.env']).toMatchObject({ severity: 'high', secret: { context: 'docs', occurrences: 2, lines: [1, 3], commit: removal } });
    expect(byPath['test/fixtures/db.env']).toMatchObject({ severity: 'low', secret: { context: 'test', ruleSeverity: 'high' } });
    // Deleted by the last commit: found in history only, named by its commit.
    expect(byPath['old.env']).toMatchObject({ secret: { commit: removal, context: 'code' } });

    const json = renderJson(report);
    const sarif = JSON.stringify(toSarif(report));
    const markdown = renderMarkdown(report, { maxChars: 1_000_000 });
    const text = renderText(report, { color: false, top: 100 });
    const short = removal.slice(0, 12);
    for (const [name, out] of Object.entries({ sarif, markdown, text })) {
      expect(out, name).toContain('2 occurrences');
      expect(out, name).toMatch(/lines 1, 3/);
      expect(out, name).toContain('test context');
      expect(out, name).toContain(`commit ${short}`);
    }
    const parsed = JSON.parse(json) as { findings: { location: { path: string }; secret?: unknown }[] };
    expect(parsed.findings.find((f) => f.location.path === 'config/app.env')?.secret).toMatchObject({ context: 'docs', occurrences: 2, lines: [1, 3], commit: removal });
    expect(JSON.parse(sarif).runs[0].results.some((r: { properties: { occurrenceLines?: number[] } }) => r.properties.occurrenceLines?.join() === '1,3')).toBe(true);
    for (const out of [json, sarif, markdown, text]) {
      expect(out).not.toContain(token);
      expect(out).not.toContain(gone);
    }
  }, 60_000);
});
