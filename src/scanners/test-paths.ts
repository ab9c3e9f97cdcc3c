// Test material, from a path's folder and file names: what a test run reads or starts, never
// production. The secret scanner's test context (a test's generic secrets count as low); the
// deployment check takes only the end-to-end file names (its findings there count as low).
import { JVM_TEST_SOURCE_SET } from './jvm-test-source-sets.js';

// A leading underscore keeps a folder out of a package or build (`_fixture/`: labstack/echo; `_testdata/`).
const TEST_DIR = /(?:^|\/)_?(?:tests?|__tests__|__mocks__|spec|specs|testdata|test[-_]?data|test[-_]?resources?|testing|fixtures?|__fixtures__|e2e|cypress|integration[-_]tests?|mocks?|stubs?)\//i;
// .NET keeps each test project in a folder of its own beside the code, named by convention
// (`InvoiceService.UnitTests/`, `Ordering.FunctionalTests/`, `UITest/`, `TestUtils/`: EdwinVW/pitstop).
const DOTNET_TEST_PROJECT =
  /(?:^|\/)(?:[^/]+\.(?:Unit|Integration|Functional|Acceptance|Component|Contract|E2E|UI|Api)?Tests?|(?:Unit|Integration|Functional|Acceptance|E2E|UI)Tests?|Test(?:Utils?|Helpers?|Support|Common))\//;
// `.env.test`, `.env.testing`: a test run's settings (dotenv, Next.js, Laravel), as `*.test.ts` is a test.
const TEST_FILE =
  /(?:^|\/)(?:\.env\.test(?:ing)?(?:\.local)?|test_[^/]*|[^/]*_test\.[^/.]+|[^/]*[._-](?:test|spec|tests|mock|fixture)s?\.[^/]+|conftest\.py|[^/]*Tests?\.(?:java|kt|cs|scala|groovy|swift)|[^/]*IT\.java)$/;
// A CI pipeline named for a test run, by its whole name (`test.yml`, `unit-tests.yml`,
// `e2e-nightly.yml`, `playwright.yml`, GitLab's `cypress.gitlab-ci.yml`; not `test-and-deploy.yml`):
// its credentials log in to the app the job itself starts (`PASSWORD: Pass123$` beside
// `npx playwright test`: dotnet/eShop's playwright.yml), as a test's settings file does.
const TEST_PIPELINE_NAME =
  /^(?:(?:run|unit|integration|e2e|ui|api|functional|acceptance|smoke|component|browser)[-_])?(?:tests?|e2e|playwright|cypress|selenium)(?:[-_](?:nightly|ci|tests?|run|suite|pr|matrix|linux|windows|macos))?(?:\.gitlab-ci)?\.ya?ml$/i;
// A CI pipeline's YAML is judged by its name alone: `deploy-to-test.yml`, `build-test-deploy.yml`
// deploy (to a shared test environment, with live credentials), whatever `-test` TEST_FILE would
// see. Pipeline folders: GitHub's workflows, GitLab's (`.gitlab/ci/`, `.gitlab-ci/`), CircleCI's,
// Buildkite's, Azure's, Woodpecker's. Only a file right in the folder is a pipeline named for what
// it runs; one in a subfolder is a piece of one (`environments/test.yml` deploys to `test`): never
// a test's by its name. Compose files and scripts there keep the usual rules (`.buildkite/
// docker-compose.test.yml` is a test's), and so does a `test/` folder.
/** CI pipeline folders, as a regular expression's alternatives (the secret scanner's context reads them too). */
export const PIPELINE_FOLDERS = String.raw`\.github\/workflows|\.gitlab\/ci|\.gitlab-ci|\.circleci|\.buildkite|\.azure-pipelines|\.woodpecker`;
const PIPELINE_FILE = new RegExp(String.raw`(?:^|\/)(?:${PIPELINE_FOLDERS})\/(?<nested>(?:[^/]+\/)*)(?<name>[^/]+\.ya?ml)$`);
// A pipeline file outside those folders, by its name: GitLab's `*.gitlab-ci.yml`, Azure's `azure-pipelines*.yml`.
const NAMED_PIPELINE_FILE = /(?:^|\/)(?<name>[^/]*\.gitlab-ci\.ya?ml|azure-pipelines[^/]*\.ya?ml)$/;
const COMPOSE_FILE = /^(?:docker-)?compose[^/]*\.ya?ml$/i;

/** Whether a CI pipeline's YAML is a test run's, undefined for any other file (the usual rules). */
function pipelineForTests(path: string): boolean | undefined {
  const inFolder = PIPELINE_FILE.exec(path)?.groups;
  if (inFolder && !COMPOSE_FILE.test(inFolder.name)) return inFolder.nested === '' && TEST_PIPELINE_NAME.test(inFolder.name);
  const named = NAMED_PIPELINE_FILE.exec(path)?.groups;
  return named ? TEST_PIPELINE_NAME.test(named.name) : undefined;
}

// A Helm chart's test values (chart-testing installs the chart once per `ci/*-values.yaml`):
// prometheus-community/helm-charts' node-exporter has a TLS key there for its proxy's test.
// Not a values file named for an environment (`ci/production-values.yaml`).
const CHART_TEST_VALUES = /(?:^|\/)ci\/(?![^/]*(?:prod|stag|live))[^/]+-values\.ya?ml$/i;
// A file named for an end-to-end test run (`docker-compose.e2e.yml`, `compose.cypress.yaml`).
const E2E_FILE = /(?:^|\/)[^/]*[._-](?:e2e|cypress|playwright)s?\.[^/]+$/;

/** A path a test reads or runs (`test/`, `*_test.go`, `*.spec.ts`, `.env.test`, a test pipeline, a chart's `ci/*-values.yaml`, ...). */
export function isTestPath(path: string): boolean {
  const namedForTests = pipelineForTests(path) ?? (TEST_FILE.test(path) || E2E_FILE.test(path));
  return namedForTests || TEST_DIR.test(path) || JVM_TEST_SOURCE_SET.test(path) || DOTNET_TEST_PROJECT.test(path) || CHART_TEST_VALUES.test(path);
}

/**
 * The end-to-end test files among them, for the deployment check: `*-spec.yaml`, `*-test.yaml` and
 * `testing/` are common names of deployed manifests (a Kubernetes spec, a shared test environment),
 * and that check keeps its own folders (test, fixtures, e2e, cypress, docs, examples).
 */
export function isEndToEndTestFile(path: string): boolean {
  return E2E_FILE.test(path);
}
