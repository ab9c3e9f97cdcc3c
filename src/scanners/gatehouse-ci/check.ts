// The CI workflow audit: GitHub Actions workflows (.github/workflows/*.yml) and composite actions
// (action.yml), read as YAML with positions. Which hazards exist is taken from public auditors
// (zizmor, actionlint, OpenSSF Scorecard's Dangerous-Workflow and Token-Permissions); the code is ours.
import type { Document, Node } from 'yaml';
import type { FileCheckResult, Hit, PolicyCheck, PolicyRule } from '../policy/policy.js';
import { AliasBudgetError, entries, getNode, getStr, items, lineOf, readYaml, str, type YamlFile, isMap, isScalar, isSeq } from '../policy/yaml-tree.js';
import { compromisedRelease } from './compromised-actions.js';

export const CI_SCANNER_ID = 'gatehouse-ci';
export const CI_SCANNER_VERSION = '1.0.0';

const DOCS = 'docs/policy-checks.md';

export const CI_RULES: readonly PolicyRule[] = [
  {
    id: 'ci-unpinned-action',
    title: 'Action or reusable workflow not pinned by full commit SHA',
    severity: 'medium',
    practice: 'Pin third-party code by an immutable reference: a tag can be moved to malicious code (tj-actions, trivy-action).',
    fix: 'Replace the tag with the full 40-character commit SHA of the release (`uses: owner/repo@<sha> # vX.Y.Z`) and let Dependabot or Renovate update it.',
    cwe: ['CWE-829'],
  },
  {
    id: 'ci-compromised-action',
    title: 'Known compromised action release',
    severity: 'critical',
    practice: 'Never run an action release that is known to have carried malicious code.',
    fix: 'Move to a release published after the incident, pinned by full commit SHA, and rotate every secret the workflow could read if it ran during the window.',
    cwe: ['CWE-506'],
  },
  {
    id: 'ci-untrusted-checkout',
    title: 'Privileged workflow checks out or runs the pull request\'s code',
    severity: 'critical',
    practice: 'Code from a pull request never runs with the base repository\'s secrets or write token (pull_request_target, workflow_run).',
    fix: 'Run the PR\'s code in a `pull_request` workflow without secrets; if the privileged job needs its results, pass them as artifacts and treat them as untrusted data.',
    cwe: ['CWE-829', 'CWE-94'],
  },
  {
    id: 'ci-script-injection',
    title: 'Untrusted text expanded into a script',
    severity: 'high',
    practice: 'Text an outsider controls (titles, bodies, comments, branch names) is data, never script source.',
    fix: 'Pass the value through an environment variable (`env: TITLE: ${{ github.event.pull_request.title }}`) and use "$TITLE" in the script.',
    cwe: ['CWE-94', 'CWE-78'],
  },
  {
    id: 'ci-no-permissions',
    title: 'Job token permissions not declared',
    severity: 'medium',
    practice: 'Least privilege: every workflow declares the GITHUB_TOKEN permissions it needs, so it does not inherit the repository default.',
    fix: 'Add `permissions: {contents: read}` at the top of the workflow and grant more per job only where needed.',
    cwe: ['CWE-250'],
  },
  {
    id: 'ci-write-all-permissions',
    title: 'Token granted write-all permissions',
    severity: 'high',
    practice: 'Least privilege: grant each job only the scopes it uses.',
    fix: 'Replace `write-all` with the scopes the job needs, e.g. `permissions: {contents: read, pull-requests: write}`.',
    cwe: ['CWE-250'],
  },
  {
    id: 'ci-secrets-inherit',
    title: 'Reusable workflow called with secrets: inherit',
    severity: 'medium',
    practice: 'A called workflow receives only the secrets it needs.',
    fix: 'List the secrets the called workflow uses (`secrets: {NPM_TOKEN: ${{ secrets.NPM_TOKEN }}}`).',
    cwe: ['CWE-200'],
  },
  {
    id: 'ci-secrets-tojson',
    title: 'Every secret serialised with toJSON(secrets)',
    severity: 'high',
    practice: 'A step sees only the secrets it needs; the whole secrets context is never serialised.',
    fix: 'Pass the named secrets the step needs instead of `toJSON(secrets)`.',
    cwe: ['CWE-200'],
  },
  {
    id: 'ci-persisted-credentials',
    title: 'Checkout credentials left in a workspace that is uploaded',
    severity: 'medium',
    practice: 'No credential lands in an artifact: the checkout token is removed before the workspace is uploaded.',
    fix: 'Set `persist-credentials: false` on actions/checkout, or upload only the build output folder.',
    cwe: ['CWE-522'],
  },
  {
    id: 'ci-env-injection',
    title: 'Untrusted data written to GITHUB_ENV or GITHUB_PATH',
    severity: 'high',
    practice: 'Later steps\' environment and PATH are never set from data an outsider controls.',
    fix: 'Write only fixed names and validated values to $GITHUB_ENV/$GITHUB_PATH; in privileged workflows pass data through step outputs instead.',
    cwe: ['CWE-94'],
  },
  {
    id: 'ci-unsecure-commands',
    title: 'ACTIONS_ALLOW_UNSECURE_COMMANDS enabled',
    severity: 'high',
    practice: 'The deprecated set-env/add-path workflow commands stay disabled (any log line could set the environment).',
    fix: 'Remove ACTIONS_ALLOW_UNSECURE_COMMANDS and write to $GITHUB_ENV / $GITHUB_PATH files instead.',
    cwe: ['CWE-94'],
  },
  {
    id: 'ci-container-no-digest',
    title: 'Container image not pinned by digest',
    severity: 'medium',
    practice: 'Images that run in CI are pinned by an immutable digest.',
    fix: 'Reference the image as `name:tag@sha256:<digest>`.',
    cwe: ['CWE-829'],
  },
  {
    id: 'ci-self-hosted-public',
    title: 'Self-hosted runner on a trigger outsiders can fire',
    severity: 'high',
    practice: 'Pull requests and comments from outsiders run on ephemeral GitHub-hosted runners, never on persistent self-hosted machines.',
    fix: 'Use GitHub-hosted runners for pull_request/issue_comment workflows, or ephemeral, isolated self-hosted runners with fork PR approval required.',
    cwe: ['CWE-269'],
  },
  {
    id: 'ci-cache-in-privileged-job',
    title: 'Cache restored in a privileged job',
    severity: 'medium',
    practice: 'A job holding write tokens or publishing releases does not restore caches a pull request could have poisoned.',
    fix: 'Drop the cache from release and privileged jobs (`cache: false` / no actions/cache), or key it so untrusted runs cannot write it.',
    cwe: ['CWE-349'],
  },
];

/** Text an outsider controls, inside a `${{ }}` expression. */
const UNTRUSTED_EXPRESSION =
  /\$\{\{[^}]*?(github\.event\.(?:issue\.(?:title|body)|pull_request\.(?:title|body|head\.(?:ref|label|repo\.default_branch))|comment\.body|review\.body|review_comment\.body|pages\.[^}\s]*?\.page_name|commits\.[^}\s]*?\.(?:message|author\.(?:email|name))|head_commit\.(?:message|author\.(?:email|name))|discussion\.(?:title|body)|workflow_run\.(?:head_branch|display_title|head_commit\.(?:message|author\.(?:email|name)))|release\.(?:name|body))|github\.head_ref|toJSON\(\s*github\.event\s*\))[^}]*\}\}/g;
const PRIVILEGED_TRIGGERS = new Set(['pull_request_target', 'workflow_run']);
/** Triggers someone without write access can fire on a public repository. */
const PUBLIC_TRIGGERS = new Set(['pull_request', 'pull_request_target', 'issue_comment', 'pull_request_review', 'pull_request_review_comment', 'discussion', 'discussion_comment', 'issues', 'fork', 'watch']);
const SHA = /^[0-9a-f]{40}$/i;
const FIRST_PARTY = /^(actions|github)\//i;
const WRITES_ENV = /(>>?|tee\s+(-a\s+)?)\s*["']?\$\{?(GITHUB_ENV|GITHUB_PATH)\b/;
const PR_CODE_REF = /github\.event\.pull_request\.head\.(sha|ref)|github\.head_ref|github\.event\.workflow_run\.head_(sha|branch)|refs\/pull\/|github\.event\.pull_request\.merge_commit_sha|github\.event\.number|github\.event\.pull_request\.number/;
const CACHING_SETUP = /^actions\/setup-(node|python|java|go|dotnet)$/i;

interface Ctx {
  file: YamlFile;
  doc: Document.Parsed;
  text: string;
  hits: Hit[];
  notes: string[];
}

export function isWorkflowPath(path: string): boolean {
  return /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/i.test(path);
}

export function isActionPath(path: string): boolean {
  return /(^|\/)action\.ya?ml$/i.test(path);
}

export function checkCiFile(path: string, text: string): FileCheckResult {
  const file = readYaml(text);
  const notes = file.problems.filter((p) => p.startsWith('duplicate key'));
  if (file.broken || file.docs.length === 0) {
    return { hits: [], notes: [], skipped: `not valid YAML, not checked (${file.problems[0] ?? 'empty file'})` };
  }
  const doc = file.docs[0]!;
  const ctx: Ctx = { file, doc, text, hits: [], notes };
  try {
    if (isWorkflowPath(path)) {
      const invalid = checkWorkflow(ctx);
      if (invalid) return { hits: ctx.hits, notes, skipped: invalid };
    } else {
      const using = (getStr(file, doc, getNode(file, doc, doc.contents, 'runs'), 'using') ?? '').toLowerCase();
      if (using === 'composite') checkSteps(ctx, items(file, doc, getNode(file, doc, getNode(file, doc, doc.contents, 'runs'), 'steps')), new Set(), 'composite action');
      else if (using === 'docker') {
        const image = getNode(file, doc, getNode(file, doc, doc.contents, 'runs'), 'image');
        const ref = str(file, doc, image) ?? '';
        if (ref.startsWith('docker://')) checkImage(ctx, image!, ref.slice('docker://'.length), 'the action\'s image');
      }
    }
  } catch (err) {
    if (err instanceof AliasBudgetError) return { hits: [], notes, skipped: `not checked: ${err.message} (an alias bomb?)` };
    throw err;
  }
  return { hits: ctx.hits, notes };
}

function hit(ctx: Ctx, rule: string, node: unknown, message: string, match: string, extra: Partial<Hit> = {}): void {
  ctx.hits.push({ rule, line: lineOf(ctx.file, node), message, match, ...extra });
}

/** Returns a reason when the file is not a workflow GitHub would run (the note), else undefined. */
function checkWorkflow(ctx: Ctx): string | undefined {
  const { file, doc, text } = ctx;
  const root = doc.contents;
  if (!isMap(root)) return 'not valid GitHub Actions syntax: the top level is not a map, not checked';
  const on = getNode(file, doc, root, 'on') ?? getNode(file, doc, root, 'true');
  const jobs = getNode(file, doc, root, 'jobs');
  if (!on) return 'not valid GitHub Actions syntax: no "on:" triggers, not checked';
  if (!isMap(jobs)) return 'not valid GitHub Actions syntax: no "jobs:" map, not checked';
  const triggers = triggerNames(ctx, on);
  const privileged = [...triggers].some((t) => PRIVILEGED_TRIGGERS.has(t));
  const publicTrigger = [...triggers].find((t) => PUBLIC_TRIGGERS.has(t));
  const topPermissions = getNode(file, doc, root, 'permissions');
  checkPermissionsValue(ctx, topPermissions, 'the workflow');

  // Every job of the workflow without permissions, none at the top: one fix (a `permissions:` block at
  // the top) and one finding, at `jobs:`, not one per job (tokio-rs/axum's CI.yml gave 12 alike).
  const jobEntries = entries(file, doc, jobs).filter(([, job]) => isMap(job));
  const bare = topPermissions ? [] : jobEntries.filter(([, job]) => !getNode(file, doc, job, 'permissions')).map(([name]) => name);
  const allBare = bare.length > 1 && bare.length === jobEntries.length;
  if (allBare) {
    const jobsKey = root.items.find((pair) => isScalar(pair.key) && pair.key.value === 'jobs')?.key ?? jobs;
    const names = bare.length > 4 ? `${bare.slice(0, 3).join(', ')} and ${bare.length - 3} more` : bare.join(', ');
    hit(ctx, 'ci-no-permissions', jobsKey, `the workflow and its ${bare.length} jobs (${names}) declare no permissions: their tokens get the repository default, which may be read-write`, 'workflow');
  }
  for (const [name, job, keyNode] of jobEntries) {
    if (!isMap(job)) continue;
    const jobPermissions = getNode(file, doc, job, 'permissions');
    checkPermissionsValue(ctx, jobPermissions, `job "${name}"`);
    if (!topPermissions && !jobPermissions && !allBare) {
      hit(ctx, 'ci-no-permissions', keyNode, `job "${name}" declares no permissions and the workflow none either: its token gets the repository default, which may be read-write`, `job:${name}`);
    }
    // Reusable workflow call.
    const uses = getNode(file, doc, job, 'uses');
    if (uses) checkUses(ctx, uses, `job "${name}"`);
    const secrets = getNode(file, doc, job, 'secrets');
    if (str(file, doc, secrets) === 'inherit') hit(ctx, 'ci-secrets-inherit', secrets, `job "${name}" passes every secret of the repository to ${str(file, doc, uses) ?? 'the called workflow'}`, `job:${name}`);

    const runsOn = getNode(file, doc, job, 'runs-on');
    if (!runsOn && !uses) ctx.notes.push(`not valid GitHub Actions syntax: job "${name}" has neither runs-on nor uses (line ${lineOf(file, keyNode)})`);
    if (runsOn && publicTrigger && labelsOf(ctx, runsOn).some((l) => /self-hosted/i.test(l))) {
      hit(ctx, 'ci-self-hosted-public', runsOn, `job "${name}" runs on a self-hosted runner and the workflow runs on "${publicTrigger}", which anyone can trigger on a public repository`, `job:${name}`);
    }
    const container = getNode(file, doc, job, 'container');
    if (container) {
      const image = isMap(container) ? getNode(file, doc, container, 'image') : container;
      const ref = str(file, doc, image);
      if (ref) checkImage(ctx, image!, ref, `job "${name}" container`);
    }
    for (const [service, def] of entries(file, doc, getNode(file, doc, job, 'services'))) {
      const image = isMap(def) ? getNode(file, doc, def, 'image') : def;
      const ref = str(file, doc, image);
      if (ref) checkImage(ctx, image!, ref, `job "${name}" service "${service}"`);
    }

    const steps = items(file, doc, getNode(file, doc, job, 'steps'));
    checkSteps(ctx, steps, triggers, `job "${name}"`);
    if (privileged) checkUntrustedCheckout(ctx, steps, name, triggers);
    checkPersistedCredentials(ctx, steps, name);
    if (isPrivilegedJob(ctx, triggers, topPermissions, jobPermissions)) checkCaches(ctx, steps, name);
  }
  // Expressions anywhere in the file (env, with, if): toJSON(secrets) and the unsecure-commands switch.
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    if (/^\s*#/.test(line)) return;
    if (/toJSON\(\s*secrets\s*\)/i.test(line)) {
      ctx.hits.push({ rule: 'ci-secrets-tojson', line: index + 1, message: 'toJSON(secrets) hands every secret of the repository to this step', match: line.trim() });
    }
  });
  checkUnsecureCommands(ctx);
  return undefined;
}

function checkUnsecureCommands(ctx: Ctx): void {
  ctx.text.split(/\r?\n/).forEach((line, index) => {
    if (/^\s*#/.test(line)) return;
    if (/ACTIONS_ALLOW_UNSECURE_COMMANDS\s*:\s*['"]?(true|yes|on|1)\b/i.test(line)) {
      ctx.hits.push({ rule: 'ci-unsecure-commands', line: index + 1, message: 'ACTIONS_ALLOW_UNSECURE_COMMANDS re-enables set-env/add-path: any text printed to the log can set the environment', match: line.trim() });
    }
  });
}

function triggerNames(ctx: Ctx, on: Node): Set<string> {
  const { file, doc } = ctx;
  if (isScalar(on)) return new Set([String(on.value)]);
  if (isSeq(on)) return new Set(items(file, doc, on).map((n) => str(file, doc, n) ?? '').filter(Boolean));
  return new Set(entries(file, doc, on).map(([k]) => k));
}

function labelsOf(ctx: Ctx, runsOn: Node): string[] {
  const { file, doc } = ctx;
  if (isScalar(runsOn)) return [String(runsOn.value)];
  if (isSeq(runsOn)) return items(file, doc, runsOn).map((n) => str(file, doc, n) ?? '');
  const labels = getNode(file, doc, runsOn, 'labels');
  const group = getStr(file, doc, runsOn, 'group');
  // A runner group is how organisations name their self-hosted fleets.
  return [...(labels ? labelsOf(ctx, labels) : []), ...(group ? ['self-hosted'] : [])];
}

function checkPermissionsValue(ctx: Ctx, node: Node | undefined, where: string): void {
  if (!node) return;
  if (str(ctx.file, ctx.doc, node) === 'write-all') {
    hit(ctx, 'ci-write-all-permissions', node, `${where} grants the token write access to every scope (write-all)`, `${where}:write-all`);
  }
}

function writeScopes(ctx: Ctx, node: Node | undefined): string[] {
  if (!node) return [];
  const value = str(ctx.file, ctx.doc, node);
  if (value === 'write-all') return ['write-all'];
  return entries(ctx.file, ctx.doc, node)
    .filter(([, v]) => str(ctx.file, ctx.doc, v) === 'write')
    .map(([k]) => k);
}

/** Holds a write token worth stealing: a privileged trigger, or write scopes beyond pull requests. */
function isPrivilegedJob(ctx: Ctx, triggers: Set<string>, top: Node | undefined, job: Node | undefined): boolean {
  if ([...triggers].some((t) => PRIVILEGED_TRIGGERS.has(t) || t === 'issue_comment')) return true;
  const scopes = writeScopes(ctx, job ?? top);
  return scopes.some((s) => ['write-all', 'contents', 'packages', 'id-token', 'actions', 'deployments'].includes(s));
}

function stepUses(ctx: Ctx, step: Node): { name: string; ref: string } | undefined {
  const uses = getStr(ctx.file, ctx.doc, step, 'uses');
  if (!uses || uses.startsWith('./') || uses.startsWith('docker://')) return undefined;
  const at = uses.lastIndexOf('@');
  return at < 0 ? { name: uses, ref: '' } : { name: uses.slice(0, at), ref: uses.slice(at + 1) };
}

function checkUses(ctx: Ctx, usesNode: Node, where: string): void {
  const uses = str(ctx.file, ctx.doc, usesNode);
  if (!uses || uses.startsWith('./') || uses.includes('${{')) return;
  if (uses.startsWith('docker://')) {
    checkImage(ctx, usesNode, uses.slice('docker://'.length), where);
    return;
  }
  const at = uses.lastIndexOf('@');
  const name = at < 0 ? uses : uses.slice(0, at);
  const ref = at < 0 ? '' : uses.slice(at + 1);
  const compromised = compromisedRelease(name, ref);
  if (compromised) {
    hit(
      ctx,
      'ci-compromised-action',
      usesNode,
      `${where} uses ${uses}: ${compromised.affected} of ${compromised.action} ran malicious code (${compromised.advisories.join(', ')}, ${compromised.window}); move to ${compromised.safe}`,
      uses,
      { references: compromised.references },
    );
    return;
  }
  // The SLSA generator's reusable workflows must be called by tag: they verify their own ref
  // (documented by slsa-framework/slsa-github-generator; zizmor exempts them the same way).
  if (!SHA.test(ref) && !/^slsa-framework\/slsa-github-generator\/\.github\/workflows\//i.test(name)) {
    hit(ctx, 'ci-unpinned-action', usesNode, `${where} uses ${uses}: ${ref ? `"${ref}" is a movable reference` : 'no reference at all'}, not a full commit SHA`, uses, {
      ...(FIRST_PARTY.test(name) ? { severity: 'low' as const } : {}),
    });
  }
}

function checkImage(ctx: Ctx, node: Node, ref: string, where: string): void {
  if (ref.includes('${{') || /@sha256:[0-9a-f]{64}$/i.test(ref)) return;
  hit(ctx, 'ci-container-no-digest', node, `${where} runs image "${ref}" by tag, not by digest`, ref);
}

/** Per step: uses (pinning, known compromised), run/script (injection, GITHUB_ENV). */
function checkSteps(ctx: Ctx, steps: Node[], triggers: Set<string>, where: string): void {
  const { file, doc } = ctx;
  const privileged = [...triggers].some((t) => PRIVILEGED_TRIGGERS.has(t));
  steps.forEach((step, index) => {
    if (!isMap(step)) return;
    const label = `${where} step ${getStr(file, doc, step, 'name') ?? getStr(file, doc, step, 'id') ?? index + 1}`;
    const uses = getNode(file, doc, step, 'uses');
    if (uses) checkUses(ctx, uses, label);
    const scripts: Node[] = [];
    const run = getNode(file, doc, step, 'run');
    if (run) scripts.push(run);
    const usesName = stepUses(ctx, step)?.name.toLowerCase();
    if (usesName === 'actions/github-script') {
      const script = getNode(file, doc, getNode(file, doc, step, 'with'), 'script');
      if (script) scripts.push(script);
    }
    for (const script of scripts) {
      const source = str(file, doc, script) ?? '';
      const injected = [...source.matchAll(UNTRUSTED_EXPRESSION)];
      for (const m of injected) {
        hit(ctx, 'ci-script-injection', lineNodeAt(ctx, script, m[0]), `${label} expands ${m[1]} into its script: whoever writes that text can run commands in the job`, m[0]);
      }
      if (WRITES_ENV.test(source) && (injected.length > 0 || privileged)) {
        const target = WRITES_ENV.exec(source)![3];
        hit(
          ctx,
          'ci-env-injection',
          lineNodeAt(ctx, script, WRITES_ENV.exec(source)![0]),
          injected.length > 0
            ? `${label} writes untrusted text (${injected[0]![1]}) to ${target}`
            : `${label} writes to ${target} in a workflow triggered by ${[...triggers].filter((t) => PRIVILEGED_TRIGGERS.has(t)).join(', ')} (data from the pull request or its artifacts)`,
          `${label}:${target}`,
        );
      }
    }
  });
}

/** A pseudo-node whose range starts at the first occurrence of `needle` inside `node` (for its line). */
function lineNodeAt(ctx: Ctx, node: Node, needle: string): { range: [number, number, number] } | Node {
  const range = (node as { range?: [number, number, number] }).range;
  if (!range) return node;
  const at = ctx.text.indexOf(needle, range[0]);
  return at >= 0 && at <= range[2] ? { range: [at, at, at] } : node;
}

function checkUntrustedCheckout(ctx: Ctx, steps: Node[], job: string, triggers: Set<string>): void {
  const { file, doc } = ctx;
  const trigger = [...triggers].filter((t) => PRIVILEGED_TRIGGERS.has(t)).join(', ');
  for (const step of steps) {
    const uses = stepUses(ctx, step);
    if (uses?.name.toLowerCase() === 'actions/checkout') {
      const withNode = getNode(file, doc, step, 'with');
      for (const key of ['ref', 'repository']) {
        const value = getNode(file, doc, withNode, key);
        const text = str(file, doc, value) ?? '';
        if (PR_CODE_REF.test(text) || (key === 'repository' && /pull_request\.head\.repo/.test(text))) {
          hit(ctx, 'ci-untrusted-checkout', value, `job "${job}" (${trigger}) checks out the pull request's code (${key}: ${text}) with the base repository's token and secrets`, `${job}:${text}`);
        }
      }
    }
    const run = getNode(file, doc, step, 'run');
    const source = str(file, doc, run) ?? '';
    const m = /gh\s+pr\s+checkout|git\s+fetch\s+\S+\s+(\+?refs\/)?pull\/|git\s+(checkout|switch)\s+.*github\.(head_ref|event\.pull_request\.head)/.exec(source);
    if (run && m) hit(ctx, 'ci-untrusted-checkout', lineNodeAt(ctx, run, m[0]), `job "${job}" (${trigger}) fetches the pull request's code in a script with the base repository's token and secrets`, `${job}:${m[0]}`);
  }
}

const WORKSPACE_PATH = /^\s*(\.\/?|\*|\*\*|\.\/\*\*?|\$\{\{\s*github\.workspace\s*\}\}\/?)\s*$/m;

function checkPersistedCredentials(ctx: Ctx, steps: Node[], job: string): void {
  const { file, doc } = ctx;
  const uploadsWorkspace = steps.some((step) => {
    const uses = stepUses(ctx, step)?.name.toLowerCase();
    if (uses !== 'actions/upload-artifact' && uses !== 'actions/upload-pages-artifact') return false;
    const path = getStr(file, doc, getNode(file, doc, step, 'with'), 'path') ?? (uses === 'actions/upload-pages-artifact' ? '_site' : '');
    return WORKSPACE_PATH.test(path);
  });
  if (!uploadsWorkspace) return;
  for (const step of steps) {
    if (stepUses(ctx, step)?.name.toLowerCase() !== 'actions/checkout') continue;
    const persist = getStr(file, doc, getNode(file, doc, step, 'with'), 'persist-credentials');
    if (persist !== 'false') {
      hit(ctx, 'ci-persisted-credentials', getNode(file, doc, step, 'uses'), `job "${job}" keeps the checkout token in .git/config and uploads the whole workspace as an artifact`, `${job}:checkout`);
    }
  }
}

function checkCaches(ctx: Ctx, steps: Node[], job: string): void {
  const { file, doc } = ctx;
  for (const step of steps) {
    const uses = stepUses(ctx, step);
    if (!uses) continue;
    const name = uses.name.toLowerCase();
    const withNode = getNode(file, doc, step, 'with');
    const cacheInput = getStr(file, doc, withNode, 'cache');
    const restores =
      name === 'actions/cache' ||
      name === 'actions/cache/restore' ||
      (CACHING_SETUP.test(name) && cacheInput !== undefined && cacheInput !== '' && cacheInput !== 'false');
    if (restores) {
      hit(ctx, 'ci-cache-in-privileged-job', getNode(file, doc, step, 'uses'), `job "${job}" holds a privileged token or trigger and restores a cache (${uses.name}) that a less trusted run could have written`, `${job}:${name}`);
    }
  }
}

export const ciCheck: PolicyCheck = {
  id: CI_SCANNER_ID,
  version: CI_SCANNER_VERSION,
  rules: CI_RULES,
  selects: (path) => isWorkflowPath(path) || isActionPath(path),
  check: checkCiFile,
};

export const CI_DOCS = DOCS;
