// One vulnerability in one package found by two tools in one scan is one finding that names both
// tools (trivy's CVE-2021-23337 and osv-scanner's GHSA-35jh-r3h4-6jhm for lodash 4.17.20).
//
// Two package findings are the same when they are in the same service and category, for the same
// package (ecosystem, name, installed version, lockfile folder or image) and share a vulnerability id
// (rule id or alias, canonical). Only findings of *different* tools merge: two findings of one tool
// are its own, deliberate distinction (two copies of a package in nested node_modules).
//
// The merged finding keeps the identity (fingerprint, rule id) of one of them, chosen so that a
// finding that was single-tool yesterday keeps its fingerprint: the one whose rule id is a CVE,
// else the first in tool order. Everything else is the union: aliases, tools, fixed versions,
// references, CWEs; the worse severity and the higher CVSS.
//
// A secret written inline in a deployment file (compose environment, Kubernetes env, Dockerfile
// ENV) is seen by the secret scanner and by the deployment check on the same line: one value, one
// finding. The secret finding keeps its identity (its fingerprint follows the value's history) and
// names both tools, the worse severity and both fixes.
//
// Two secret scanners (the embedded one beside gitleaks or trivy, for coverage) see the same value on
// the same line: one value, one finding. See mergeSecretScanners.
import { findingIds, isCve } from '../enrich/ids.js';
import type { Finding } from './finding.js';
import { SEVERITY_RANK } from './severity.js';

function packageKey(f: Finding): string | undefined {
  const pkg = f.location.package;
  if (!pkg || (f.category !== 'dependency' && f.category !== 'container')) return undefined;
  // npm audit v2 gives no installed version: it matches any version of the package in that file.
  // The lockfile's folder, not the file: package-lock.json and pnpm-lock.yaml beside it describe one install.
  const where = f.location.image ?? (f.location.path ?? '').replace(/[^/]*$/, '');
  return JSON.stringify([f.service, f.category, pkg.ecosystem.toLowerCase(), pkg.name.toLowerCase(), where]);
}

export function mergeAcrossTools(findings: readonly Finding[]): Finding[] {
  return mergeInlineSecrets(mergeSecretScanners(mergePackages(findings)));
}

function mergePackages(findings: readonly Finding[]): Finding[] {
  const groups = new Map<string, Finding[]>();
  const out: (Finding | undefined)[] = [];
  const slot = new Map<Finding, number>();
  for (const f of findings) {
    const key = packageKey(f);
    slot.set(f, out.length);
    out.push(f);
    if (key === undefined) continue;
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  for (const group of groups.values()) {
    if (group.length < 2 || new Set(group.map((f) => f.tool)).size < 2) continue;
    for (const cluster of clusters(group)) {
      if (cluster.length < 2) continue;
      const merged = mergeCluster(cluster);
      // The merged finding takes the place of the first of its parts; the others drop out.
      const places = cluster.map((f) => slot.get(f)!).sort((a, b) => a - b);
      out[places[0]!] = merged;
      for (const p of places.slice(1)) out[p] = undefined;
    }
  }
  return out.filter((f): f is Finding => f !== undefined);
}

/** Findings of one package joined when they share an id, tools differ and versions agree. */
function clusters(group: Finding[]): Finding[][] {
  const parent = group.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const ids = group.map((f) => new Set(findingIds(f)));
  const byId = new Map<string, number[]>();
  group.forEach((_, i) => {
    for (const id of ids[i]!) {
      const list = byId.get(id);
      if (list) list.push(i);
      else byId.set(id, [i]);
    }
  });
  // Each root's tools, so a cluster never holds two findings of one tool.
  const toolsOf = new Map<number, Set<string>>(group.map((f, i) => [i, new Set([f.tool])]));
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return;
    const ta = toolsOf.get(ra)!;
    const tb = toolsOf.get(rb)!;
    for (const t of tb) if (ta.has(t)) return;
    parent[rb] = ra;
    for (const t of tb) ta.add(t);
  };
  for (const members of byId.values()) {
    // The findings of this id by tool; the k-th of each tool are paired (linear, not all pairs: one
    // package copied in many places gives long lists).
    const byTool = new Map<string, number[]>();
    for (const m of members) {
      const list = byTool.get(group[m]!.tool);
      if (list) list.push(m);
      else byTool.set(group[m]!.tool, [m]);
    }
    if (byTool.size < 2) continue;
    const lists = [...byTool.values()];
    const first = lists[0]!;
    for (const other of lists.slice(1)) {
      for (let k = 0; k < Math.min(first.length, other.length); k++) {
        if (versionsAgree(group[first[k]!]!, group[other[k]!]!)) union(first[k]!, other[k]!);
      }
    }
  }
  const out = new Map<number, Finding[]>();
  group.forEach((f, i) => {
    const root = find(i);
    const list = out.get(root);
    if (list) list.push(f);
    else out.set(root, [f]);
  });
  return [...out.values()];
}

function versionsAgree(a: Finding, b: Finding): boolean {
  const va = a.location.package?.version ?? '';
  const vb = b.location.package?.version ?? '';
  return va === '' || vb === '' || va === vb;
}

function mergeCluster(cluster: Finding[]): Finding {
  const primary = cluster.find((f) => isCve(f.ruleId)) ?? [...cluster].sort((a, b) => a.tool.localeCompare(b.tool))[0]!;
  // The primary's lists first, so its own values keep their order.
  cluster = [primary, ...cluster.filter((f) => f !== primary)];
  const worst = cluster.reduce((w, f) => (SEVERITY_RANK[f.severity] > SEVERITY_RANK[w.severity] ? f : w), primary);
  const cvss = cluster.reduce<Finding['cvss']>((best, f) => (f.cvss && (!best || f.cvss.score > best.score) ? f.cvss : best), undefined);
  const ids = unique(cluster.flatMap((f) => findingIds(f)));
  const rawAliases = unique(cluster.flatMap((f) => [f.ruleId, ...(f.aliases ?? [])]));
  const aliases = unique([...ids, ...rawAliases]).filter((id) => id !== primary.ruleId);
  const pkg = primary.location.package!;
  const version = pkg.version || cluster.map((f) => f.location.package?.version ?? '').find((v) => v !== '') || '';
  const fixedVersions = unique(cluster.flatMap((f) => f.location.package?.fixedVersions ?? []));
  return {
    ...primary,
    severity: worst.severity,
    toolSeverity: worst.toolSeverity,
    ...(cvss ? { cvss } : {}),
    cwe: unique(cluster.flatMap((f) => f.cwe)),
    references: unique(cluster.flatMap((f) => f.references)),
    fixAvailable: cluster.some((f) => f.fixAvailable),
    fix: primary.fix ?? cluster.find((f) => f.fix)?.fix,
    location: { ...primary.location, package: { ...pkg, version, fixedVersions } },
    aliases,
    tools: unique(cluster.map((f) => f.tool)).sort(),
  };
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/** A deployment check's "credential written inline" hit (hard-coded credentials, CWE-798). */
function isInlineCredential(f: Finding): boolean {
  return f.category === 'misconfig' && f.cwe.includes('CWE-798');
}


function mergeInlineSecrets(findings: Finding[]): Finding[] {
  // Every line the value sits on: the secret scanner gives one finding for all of a file's copies.
  const secretAt = new Map<string, number>();
  findings.forEach((f, i) => {
    if (f.category !== 'secret' || f.location.path === undefined) return;
    for (const line of f.secret?.lines ?? (f.location.startLine !== undefined ? [f.location.startLine] : [])) {
      const key = JSON.stringify([f.service, f.location.path, line]);
      if (!secretAt.has(key)) secretAt.set(key, i);
    }
  });
  if (secretAt.size === 0) return findings;
  const out: (Finding | undefined)[] = [...findings];
  findings.forEach((f, i) => {
    if (!isInlineCredential(f) || f.location.path === undefined || f.location.startLine === undefined) return;
    const at = secretAt.get(JSON.stringify([f.service, f.location.path, f.location.startLine]));
    if (at === undefined || out[at]!.tool === f.tool) return;
    out[at] = foldInline(out[at]!, f);
    out[i] = undefined;
  });
  return out.filter((f): f is Finding => f !== undefined);
}

function foldInline(secret: Finding, inline: Finding): Finding {
  const fix = [secret.fix, inline.fix].filter((x): x is string => x !== undefined && x !== '').join(' ');
  // A secret the embedded scanner lowered as a test's keeps that judgement (a `secrets.context.test`
  // glob the deployment check does not read). Docs and examples are not: a deployment file there
  // (`k8s/templates/`, `demo/compose.yml`) may well be deployed, as the deployment check holds.
  const lowered = secret.secret?.ruleSeverity !== undefined && secret.secret.context === 'test';
  return foldIntoSecret(secret, inline, { severityFrom: lowered ? secret : worseOf(secret, inline), also: `${inline.ruleId}: ${inline.message}`, fix });
}

function worseOf(a: Finding, b: Finding): Finding {
  return SEVERITY_RANK[b.severity] > SEVERITY_RANK[a.severity] ? b : a;
}

/**
 * A secret finding that another tool's finding of the same value joins: the secret keeps its identity
 * and names both tools; cwe and references are the union.
 */
function foldIntoSecret(secret: Finding, other: Finding, how: { severityFrom: Finding; also: string; fix: string | undefined }): Finding {
  // Ignored inline only when both tools' own markers say so: one marker never silences the other tool.
  const inlineSuppressed = secret.inlineSuppressed === true && other.inlineSuppressed === true;
  const { inlineSuppressed: _dropped, ...rest } = secret;
  return {
    ...rest,
    ...(inlineSuppressed ? { inlineSuppressed } : {}),
    severity: how.severityFrom.severity,
    ...(how.severityFrom.toolSeverity !== undefined ? { toolSeverity: how.severityFrom.toolSeverity } : {}),
    message: `${secret.message} (also ${how.also})`,
    ...(how.fix ? { fix: how.fix } : {}),
    cwe: unique([...secret.cwe, ...other.cwe]),
    references: unique([...secret.references, ...other.references]),
    tools: unique([...(secret.tools ?? [secret.tool]), ...(other.tools ?? [other.tool])]).sort(),
  };
}

/** Every line a secret finding says its value sits on. */
function secretLines(f: Finding): readonly number[] {
  return f.secret?.lines ?? (f.location.startLine !== undefined ? [f.location.startLine] : []);
}

/** What a masked preview shows of the value (`ghp_****` -> `ghp_`; nothing for a short value). */
function shownPrefix(f: Finding): string {
  return (f.secretPreview ?? '').replace(/\*+$/, '');
}

/**
 * Two secret scanners' findings on one line of one file are one value when what their previews show
 * agrees (one is a prefix of the other, or either shows nothing). In doubt, two findings stay two: a
 * second value on that line (gitleaks' history mode reports older versions of a file) is never hidden.
 */
function sameSecret(a: Finding, b: Finding): boolean {
  const pa = shownPrefix(a);
  const pb = shownPrefix(b);
  return pa === '' || pb === '' || pa.startsWith(pb) || pb.startsWith(pa);
}

/** The embedded scanner keeps the identity (its fingerprint follows the value's history), then tool order. */
function secretToolRank(tool: string): string {
  return tool === 'gatehouse-secrets' ? '' : tool;
}

/**
 * gitleaks reports a value once per line, the embedded scanner once per file with every line
 * (`secret.lines`): each finding of another tool folds into the first kept finding of a different
 * tool that sits on one of its lines and agrees on the value. Findings of one tool never fold into
 * each other: two of them on one line are two values.
 */
function mergeSecretScanners(findings: Finding[]): Finding[] {
  const secrets = findings.filter((f) => f.category === 'secret' && f.location.path !== undefined && secretLines(f).length > 0);
  if (new Set(secrets.map((f) => f.tool)).size < 2) return findings;
  const order = [...secrets].sort((a, b) => secretToolRank(a.tool).localeCompare(secretToolRank(b.tool)));
  // Kept findings by the file and line they sit on; a merged finding replaces its first part.
  const keptAt = new Map<string, Finding[]>();
  const replaced = new Map<Finding, Finding | undefined>();
  const at = (f: Finding, line: number) => JSON.stringify([f.service, f.location.path, line]);
  for (const f of order) {
    const lines = secretLines(f);
    const into = lines
      .flatMap((line) => keptAt.get(at(f, line)) ?? [])
      .find((kept) => kept.tool !== f.tool && sameSecret(replaced.get(kept) ?? kept, f));
    if (into) {
      replaced.set(into, foldSecret(replaced.get(into) ?? into, f));
      replaced.set(f, undefined);
      continue;
    }
    for (const line of lines) {
      const list = keptAt.get(at(f, line));
      if (list) list.push(f);
      else keptAt.set(at(f, line), [f]);
    }
  }
  return findings.flatMap((f) => {
    if (!replaced.has(f)) return [f];
    const merged = replaced.get(f);
    return merged ? [merged] : [];
  });
}

function foldSecret(kept: Finding, other: Finding): Finding {
  // The embedded scanner lowers a generic rule where the value sits (a test, docs) as the config says;
  // gitleaks and trivy call every leak high without looking. Their word does not undo that judgement.
  const lowered = kept.secret?.ruleSeverity !== undefined;
  return foldIntoSecret(kept, other, { severityFrom: lowered ? kept : worseOf(kept, other), also: `${other.tool}: ${other.ruleId}`, fix: kept.fix ?? other.fix });
}
