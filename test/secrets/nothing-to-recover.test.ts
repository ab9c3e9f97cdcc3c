// Issue 10, "nothing to recover": a 10,000-word dictionary that includes every planted value is run
// against every output of a full scan (JSON, SARIF, markdown, text, the log, and the dashboard's
// ingest body and database file). No digest in any of them equals a hash of a word (plain md5,
// sha1, sha256, sha512, or the old fingerprint formula rule+path+sha256(value)), and no preview
// shows more than 4 characters, more than a quarter of a value, or anything of a value under 16.
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { fingerprintFinding } from '../../src/findings/fingerprint.js';
import { createMemoryLogger } from '../../src/logger.js';
import type { ScanReport } from '../../src/report/scan-report.js';
import { renderJson } from '../../src/reporters/json.js';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { toSarif } from '../../src/reporters/sarif.js';
import { renderText } from '../../src/reporters/text.js';
import { runScan } from '../../src/scan.js';
import { ADMIN_TOKEN, startTestDashboard, type TestDashboard } from '../dashboard/api/harness.js';
import { corpusFilesDir, loadManifest } from './corpus-evaluation.js';
import { ALNUM, Random } from './corpus-gen/values.js';
import { GIT_ENV } from './git-repo.js';

const manifest = loadManifest();
const hex = (algorithm: string, text: string) => crypto.createHash(algorithm).update(text, 'utf8').digest('hex');

/** The dictionary: every planted value, the issue's `hunter2`, common passwords, generated words. */
function wordList(): string[] {
  const words = new Set<string>();
  for (const e of manifest.expected) for (const f of e.fragments) words.add(f);
  for (const w of ['hunter2', 'password', 'Password1', 'letmein', 'qwerty123', 'changeme', 'admin', 'secret']) words.add(w);
  const random = new Random(424242);
  while (words.size < 10_000) words.add(random.chars(ALNUM, 6 + random.int(30)));
  return [...words];
}

/** Every hex run of digest length in a text. */
function digestsIn(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[0-9a-f]{32,128}/g) ?? []);
}

describe('nothing to recover from any output (10,000-word dictionary)', () => {
  let repoRoot: string;
  let report: ScanReport;
  let outputs: Record<string, string>;
  let dashboard: TestDashboard | undefined;
  const words = wordList();

  beforeAll(async () => {
    repoRoot = mkdtempSync(join(tmpdir(), 'gatehouse-recover-'));
    cpSync(corpusFilesDir(manifest), repoRoot, { recursive: true });
    // The example: hunter2 was recovered from a JSON report with a 4-word dictionary.
    writeFileSync(join(repoRoot, 'db.env'), 'DB_PASSWORD=hunter2\n');
    const git = (...args: string[]) => execFileSync('git', ['-C', repoRoot, ...args], { env: GIT_ENV, encoding: 'utf8' }).trim();
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'corpus');
    const config = ConfigSchema.parse({ services: [{ name: 'corpus', path: '.' }], scanners: { dependency: [], secret: ['gatehouse-secrets'] } });
    const logger = createMemoryLogger();
    report = await runScan({ repoRoot, config, kind: 'snapshot', now: new Date('2026-12-01T00:00:00Z') }, { logger });

    dashboard = await startTestDashboard();
    const created = await dashboard.call('POST', '/api/v1/admin/tokens', { token: ADMIN_TOKEN, body: { role: 'ingest', label: 'ci' } });
    const { token } = (await created.json()) as { token: string };
    const ingestBody = renderJson(report);
    const posted = await dashboard.call('POST', '/api/v1/scans', { token, rawBody: ingestBody });
    expect(posted.status).toBe(201);
    const findingsPage = await (await dashboard.call('GET', '/api/v1/findings?service=corpus', { token: ADMIN_TOKEN })).text();
    await dashboard.dash.close();
    const dbBytes = ['', '-wal', '-shm'].map((s) => `${dashboard!.file}${s}`).filter(existsSync).map((f) => readFileSync(f).toString('latin1'));

    outputs = {
      json: ingestBody,
      sarif: JSON.stringify(toSarif(report)),
      markdown: renderMarkdown(report, { maxChars: 5_000_000 }),
      text: renderText(report, { color: false, top: 100_000 }),
      log: logger.lines.join('\n'),
      'dashboard api': findingsPage,
      'dashboard database': dbBytes.join('\n'),
    };
  }, 120_000);

  afterAll(async () => {
    await dashboard?.stop().catch(() => undefined);
  });

  it('the scan found the planted secrets, hunter2 included (the check is not vacuous)', () => {
    const secrets = report.findings.filter((f) => f.tool === 'gatehouse-secrets');
    expect(secrets.length).toBeGreaterThanOrEqual(350);
    expect(secrets.some((f) => f.location.path === 'db.env')).toBe(true);
    expect(words).toHaveLength(10_000);
    expect(words).toContain('hunter2');
  });

  it('no digest in any output is a hash of a word, and no word is there in clear', () => {
    const candidates = new Map<string, string>();
    for (const w of words) {
      for (const algorithm of ['md5', 'sha1', 'sha256', 'sha512']) candidates.set(hex(algorithm, w), w);
    }
    // The old fingerprint: sha256(JSON([v1, secret, rule, path, sha256(value)])), 32 hex characters,
    // tried for each finding's rule and path with the words planted in that file and the common
    // passwords (all 10,000 words x every place is millions of hashes; the fingerprint's independence
    // from the value is proven for every word in fingerprint.test below).
    const common = words.slice(words.indexOf('hunter2'), words.indexOf('hunter2') + 8);
    for (const f of report.findings.filter((x) => x.category === 'secret')) {
      const path = f.location.path ?? '';
      const local = [...common, ...manifest.expected.filter((e) => e.file === path).flatMap((e) => e.fragments)];
      for (const w of local) candidates.set(hex('sha256', JSON.stringify(['v1', 'secret', f.ruleId, path, hex('sha256', w)])).slice(0, 32), w);
    }
    // The attack works on what the scanner used to print (the test can fail).
    const legacy = `{"matchHash":"${hex('sha256', 'hunter2')}"}`;
    expect([...digestsIn(legacy)].map((d) => candidates.get(d))).toEqual(['hunter2']);

    const planted = words.filter((w) => w.length >= 8 && manifest.expected.some((e) => e.fragments.includes(w)));
    for (const [name, text] of Object.entries(outputs)) {
      expect(text.length, name).toBeGreaterThan(100);
      const recovered = [...digestsIn(text)].flatMap((d) => (candidates.has(d) ? [candidates.get(d)!] : []));
      expect(recovered, name).toEqual([]);
      expect(planted.filter((w) => text.includes(w)), name).toEqual([]);
    }
    expect(outputs['dashboard database']).not.toContain('hunter2');
  }, 120_000);

  it('a secret finding\'s fingerprint does not depend on the value (any word in its place gives the same)', () => {
    const f = report.findings.find((x) => x.location.path === 'db.env')!;
    const prints = new Set(
      words.slice(0, 2_000).map((w) => {
        const copy = { ...f, matchHash: hex('sha256', w) };
        return fingerprintFinding(copy, f.service);
      }),
    );
    expect([...prints]).toEqual([f.fingerprint]);
  });

  it('the hash key is in no output (the root commit id is a key source)', () => {
    const root = execFileSync('git', ['-C', repoRoot, 'rev-list', '--max-parents=0', 'HEAD'], { encoding: 'utf8' }).trim();
    for (const [name, text] of Object.entries(outputs)) expect(text.includes(root), name).toBe(false);
  });

  it('previews show at most 4 characters, never more than a quarter of the value, none under 16', () => {
    const secrets = report.findings.filter((f) => f.tool === 'gatehouse-secrets');
    let checked = 0;
    for (const f of secrets) {
      const visible = (f.secretPreview ?? '').replace(/\*{4}$/, '');
      expect(visible.length).toBeLessThanOrEqual(4);
      const planted = manifest.expected.find((e) => e.fragments.length === 1 && e.file === f.location.path && e.line === f.location.startLine);
      if (!planted) continue;
      const value = planted.fragments[0];
      if (!value.startsWith(visible)) continue; // another finding on that line
      checked++;
      expect(visible.length, `${f.location.path}:${f.location.startLine}`).toBeLessThanOrEqual(value.length < 16 ? 0 : Math.floor(value.length / 4));
    }
    expect(checked).toBeGreaterThan(300);
    const hunter = secrets.find((f) => f.location.path === 'db.env');
    expect(hunter?.secretPreview).toBe('****');
  });
});
