// The lead's hole on real monorepos (robot-shop and retail-store share "(root)" and "cart"): two
// git repositories scanned with the real CLI, pushed with the real CLI to one real dashboard. The
// reports now name their repositories (from the origin remotes), so the second repository's push is
// refused, and refused whole: the push checks every service's repository before it sends any, so
// no service of the second repository is left behind on the dashboard (before, the services before
// the refused one were stored). A report that names no repository is pushed with a warning.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneFindingConfig } from './one-service-repository.js';
import { startDashboard, type RunningDashboard } from '../../dashboard/server.js';
import { createMemoryLogger } from '../../src/logger.js';
import { fetchDashboardBaseline } from '../../src/push/baseline.js';
import { fetchTriageSuppressions } from '../../src/push/triage.js';
import { ScanReportSchema } from '../../src/report/scan-report.js';

const REPO = new URL('../../', import.meta.url).pathname;
const CI_TOKEN = 'glcbt-64_Qm7xTw2ZpL9vRc4Nd8Hs';
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-two-repos-'));
let dashboard: RunningDashboard;
let ingestToken = '';

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-C', cwd, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', ...args]);
}

/** A git repository with `origin` at `remote` and one folder per service, each with a Dockerfile a fake SARIF scanner reports. */
function repository(name: string, remote: string, services: string[]): string {
  const root = join(dir, name);
  for (const s of services) {
    mkdirSync(join(root, s), { recursive: true });
    writeFileSync(join(root, s, 'package.json'), '{}');
  }
  writeFileSync(join(root, 'Dockerfile'), 'FROM node\n');
  oneFindingConfig(root, join(root, 'finding.sarif'));
  git(root, 'init', '--quiet', '--initial-branch=main');
  git(root, 'remote', 'add', 'origin', remote);
  git(root, 'add', '.');
  git(root, 'commit', '--quiet', '-m', 'one');
  return root;
}

function cli(args: string[]) {
  return execa(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), ...args], {
    cwd: REPO,
    reject: false,
    env: { PATH: process.env.PATH ?? '', GATEHOUSE_DASHBOARD_TOKEN: ingestToken },
    extendEnv: false,
  });
}

/** `gatehouse scan` of `root` into `<dir>/<name>.json` (the gate fails on the fake finding: exit 1). */
async function scanTo(root: string, name: string): Promise<string> {
  const file = join(dir, `${name}.json`);
  const r = await cli(['scan', root, '--format', 'json', '--output', file]);
  expect(r.exitCode, r.stderr).toBe(1);
  expect(`${r.stdout}${r.stderr}`).not.toContain(CI_TOKEN);
  return file;
}

const push = (file: string, ...args: string[]) => cli(['push', file, '--dashboard', dashboard.url, '--retries', '0', ...args]);
const open = async (service: string) => (await dashboard.store.listFindings({ service, state: 'open', limit: 50, offset: 0 })).total;
const fixed = async (service: string) => (await dashboard.store.listFindings({ service, state: 'fixed', limit: 50, offset: 0 })).total;

let shopReport = '';
let billingReport = '';
let ledgerRoot = '';
let ledgerReport = '';

beforeAll(async () => {
  dashboard = await startDashboard({ db: join(dir, 'gatehouse.db'), port: 0, adminToken: 'admin-token-for-tests-0123456789', print: () => undefined, logger: createMemoryLogger(), warmPagesOnStart: 0 });
  ingestToken = (await dashboard.store.createToken({ role: 'ingest', label: 'laptop' })).token;
  // Both have a "(root)" and a "cart", as robot-shop and retail-store do; billing's "accounts" comes first in its report.
  shopReport = await scanTo(repository('shop', 'git@github.com:acme/shop.git', ['cart', 'payment']), 'shop');
  billingReport = await scanTo(repository('billing', `https://gitlab-ci-token:${CI_TOKEN}@gitlab.example.com/acme/billing.git`, ['accounts', 'cart']), 'billing');
  // A third repository whose services are its own: only "(root)" is shared with shop.
  ledgerRoot = repository('ledger', 'https://github.com/acme/ledger.git', ['invoices', 'ledger-api']);
  // Its workflow is read by the embedded CI audit: findings of the root service.
  mkdirSync(join(ledgerRoot, '.github', 'workflows'), { recursive: true });
  writeFileSync(join(ledgerRoot, '.github', 'workflows', 'ci.yml'), 'on: push\npermissions: { contents: read }\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n');
  writeFileSync(join(ledgerRoot, '.gatehouse.yml'), readFileSync(join(ledgerRoot, '.gatehouse.yml'), 'utf8').replace('  ci: []\n', '  ci: [gatehouse-ci]\n'));
  git(ledgerRoot, 'add', '.');
  git(ledgerRoot, 'commit', '--quiet', '-m', 'ci');
  ledgerReport = await scanTo(ledgerRoot, 'ledger');
}, 300_000);
afterAll(async () => dashboard?.close());

describe('two repositories with the same service names, scanned and pushed with the CLI', () => {
  it('the reports name their repositories, the CI token of the clone URL nowhere', () => {
    const shop = ScanReportSchema.parse(JSON.parse(readFileSync(shopReport, 'utf8')));
    const billingText = readFileSync(billingReport, 'utf8');
    expect(shop.source.repository).toBe('acme/shop');
    expect(ScanReportSchema.parse(JSON.parse(billingText)).source.repository).toBe('gitlab.example.com/acme/billing');
    expect(billingText).not.toContain(CI_TOKEN);
    expect(shop.services.map((s) => s.name)).toEqual(['cart', 'payment', '(root)']);
  });

  it("refuses the second repository's push whole: exit 4 naming both repositories, no service of it stored, the first's findings still open", async () => {
    const first = await push(shopReport);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).toContain('pushed 3 services');
    const cartOpen = await open('cart');
    expect(cartOpen).toBeGreaterThan(0);

    const second = await push(billingReport);
    expect(second.exitCode).toBe(4);
    expect(second.stderr).toContain('the dashboard refused the report; no service of it was sent: HTTP 409: source.repository "gitlab.example.com/acme/billing" is not the repository of service');
    expect(second.stderr).toContain('("acme/shop")');
    expect(second.stderr).toContain('(field source.repository)');
    expect(second.stderr).toContain('services[].name');
    expect(second.stderr).not.toContain(CI_TOKEN);
    expect(second.stderr).not.toContain(ingestToken);
    // "accounts" comes before the refused "cart" in the report: it was not sent either.
    expect(await dashboard.store.listScans('accounts', 10)).toEqual([]);
    expect(await open('cart')).toBe(cartOpen);
    expect(await fixed('cart')).toBe(0);
    expect(await fixed('shop-root')).toBe(0);
  }, 180_000);

  it('a report naming no repository is pushed with a warning naming "(root)" and the fixes; --repository names it, and the check refuses it', async () => {
    const report = JSON.parse(readFileSync(billingReport, 'utf8')) as { source: Record<string, unknown>; scanId: string };
    delete report.source.repository;
    const bare = join(dir, 'bare.json');
    writeFileSync(bare, JSON.stringify({ ...report, scanId: 'tarball-1' }));

    const named = await push(bare, '--repository', 'gitlab.example.com/acme/billing');
    expect(named.exitCode).toBe(4);
    expect(named.stderr).not.toContain('warning');
    expect(named.stderr).toContain('no service of it was sent');
    expect(await dashboard.store.listScans('accounts', 10)).toEqual([]);

    // A report naming another repository keeps it: --repository only names a report that names none.
    const other = await push(billingReport, '--repository', 'acme/other');
    expect(other.exitCode).toBe(2);
    expect(other.stderr).toContain('already names the repository "gitlab.example.com/acme/billing"');

    // Without a repository the dashboard cannot tell: the push goes through, with a warning saying what it risks.
    const unnamed = await push(bare);
    expect(unnamed.exitCode, unnamed.stderr).toBe(0);
    expect(unnamed.stderr).toContain('warning: the report names no repository (source.repository)');
    expect(unnamed.stderr).toContain('"(root)" among them');
    expect(unnamed.stderr).toContain('--repository NAME');
    expect(unnamed.stderr).toContain('services[].name');
  }, 240_000);
});

describe("each repository's root service is its own on the dashboard (<repository name>-root)", () => {
  it('a second repository sharing only "(root)" is taken: its root is ledger-root, the first one\'s shop-root stays open and unfixed', async () => {
    const shop = await push(shopReport);
    expect(shop.exitCode, shop.stderr).toBe(0);
    expect(await dashboard.store.listScans('shop-root', 10)).toHaveLength(1);
    const shopRootOpen = await open('shop-root');

    // The report pushed without a repository above is the only "(root)" (the dashboard cannot tell whose it is).
    const bareRoots = (await dashboard.store.listScans('(root)', 10)).length;
    const ledger = await push(ledgerReport);
    expect(ledger.exitCode, ledger.stderr).toBe(0);
    expect(`${ledger.stdout}${ledger.stderr}`).toContain('pushed ledger-root to the dashboard');
    expect(await open('ledger-root')).toBeGreaterThan(0);
    expect(await open('shop-root')).toBe(shopRootOpen);
    expect(await fixed('shop-root')).toBe(0);
    // Nothing more is stored under the engine's own name, and the services keep their repositories.
    expect(await dashboard.store.listScans('(root)', 10)).toHaveLength(bareRoots);
    const repositories = await dashboard.store.repositoriesOf(['shop-root', 'ledger-root']);
    expect(Object.fromEntries(repositories)).toEqual({ 'shop-root': 'acme/shop', 'ledger-root': 'acme/ledger' });
    expect(await dashboard.store.listScans('ledger-root', 10)).toHaveLength(1);
  }, 240_000);

  it('triage decisions and the dashboard base of ledger-root come back to the engine as "(root)"', async () => {
    const admin = await dashboard.store.createToken({ role: 'admin', label: 'reader' });
    const auth = { kind: 'token' as const, token: admin.token };
    const [rootFinding] = (await dashboard.store.listFindings({ service: 'ledger-root', state: 'open', limit: 1, offset: 0 })).items;
    expect(rootFinding).toBeDefined();
    await dashboard.store.setTriage('ledger-root', [rootFinding!.fingerprint], { status: 'false_positive', reason: 'a test image', owner: null, expiresAt: null, justification: null, decidedBy: 'Dana' }, 'test');

    const logger = createMemoryLogger();
    const suppressions = await fetchTriageSuppressions({ dashboardUrl: dashboard.url, auth, logger, repository: 'acme/ledger', services: ['invoices', 'ledger-api', '(root)'] });
    expect(suppressions.map((s) => [s.service, s.fingerprint])).toEqual([['(root)', rootFinding!.fingerprint]]);
    // A decision on shop's cart: another repository's, never ledger's (this credential reads both).
    const [cartFinding] = (await dashboard.store.listFindings({ service: 'cart', state: 'open', limit: 1, offset: 0 })).items;
    await dashboard.store.setTriage('cart', [cartFinding!.fingerprint], { status: 'false_positive', reason: 'shop only', owner: null, expiresAt: null, justification: null, decidedBy: 'Dana' }, 'test');
    // Asked for every service the credential reads, the decision on ledger-root is still the engine's "(root)".
    const all = await fetchTriageSuppressions({ dashboardUrl: dashboard.url, auth, logger, repository: 'acme/ledger' });
    expect(all.map((s) => s.service)).toEqual(['(root)']);
    expect((await fetchTriageSuppressions({ dashboardUrl: dashboard.url, auth, logger, repository: 'acme/shop' })).map((s) => s.service)).toEqual(['cart']);

    const head = execFileSync('git', ['-C', ledgerRoot, 'rev-parse', 'HEAD']).toString().trim();
    const base = await fetchDashboardBaseline({ dashboardUrl: dashboard.url, auth, services: ['invoices', 'ledger-api', '(root)'], repository: 'acme/ledger', repoRoot: ledgerRoot, baseSha: head, headSha: head, logger });
    expect(base).toBeDefined();
    const rootBase = base!.findings.filter((f) => f.fingerprint === rootFinding!.fingerprint);
    expect(rootBase.map((f) => f.service)).toEqual(['(root)']);
  }, 120_000);
});
