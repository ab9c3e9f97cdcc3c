// Deployment-file checks (category `misconfig`): Dockerfiles, Kubernetes manifests (multi-document,
// Helm-rendered output, kustomize bases), docker-compose files, and plain-HTTP calls between
// services in configuration and code. Pure functions of one file's text (plus one whole-set rule:
// namespaces without a NetworkPolicy).
import type { Document, Node } from 'yaml';
import type { FileCheckResult, Hit, PolicyCheck } from '../policy/policy.js';
import { AliasBudgetError, entries, getBool, getKeyNode, getNode, getStr, items, lineOf, readYaml, str, type YamlFile, isMap, isScalar } from '../policy/yaml-tree.js';
import { classifySecretName } from '../gatehouse-secrets/rules.js';
import { hasStandInWord } from '../gatehouse-secrets/value-checks.js';
import { DEPLOY_RULES } from './rules.js';
import { JVM_TEST_SOURCE_SET } from '../jvm-test-source-sets.js';
import { isEndToEndTestFile } from '../test-paths.js';

export const DEPLOY_SCANNER_ID = 'gatehouse-deploy';
export const DEPLOY_SCANNER_VERSION = '1.0.0';
export const DEPLOY_DOCS = 'docs/policy-checks.md';

/** Values that are not secrets: references, placeholders, booleans, empty. */
const NOT_A_SECRET_VALUE = /^(\$\{?[A-Za-z_][A-Za-z0-9_]*(:?[-?][^}]*)?\}?|\$\(.*\)|<.*>|\{\{.*\}\}|true|false|yes|no|none|null|changeme|example|xxx+|\*+|-|)$/i;

/**
 * An env / ARG / ENV name that holds a credential. The secret scanner's judgement of the name, so the
 * two scanners agree (SECRET_STORE, TOKEN_TTL, API_KEY_HEADER and AWS_ACCESS_KEY_ID name no secret);
 * a bare "key" (STRIPE_KEY) is too weak a name here, as it always was.
 */
function namesACredential(key: string): boolean {
  if (/_(FILE|PATH|DIR|URL|NAME|ID)$/i.test(key)) return false;
  const kind = classifySecretName(key);
  return kind !== undefined && kind !== 'weak-key';
}

/**
 * A credential written inline: not a reference, a boolean or empty, and no stand-in word ("dummy",
 * "changeme", "your-token-here") the secret scanner also skips. A well-known default ("postgres")
 * still counts: it is a real, weak credential.
 */
function isInlineCredential(value: string): boolean {
  const v = value.trim();
  return !NOT_A_SECRET_VALUE.test(v) && !hasStandInWord(v);
}

export function isDockerfilePath(path: string): boolean {
  const name = path.split('/').pop() ?? '';
  return /^(Dockerfile|Containerfile)(\.[\w.-]+)?$/.test(name) || /\.(dockerfile|containerfile)$/i.test(name);
}

export function isComposePath(path: string): boolean {
  const name = path.split('/').pop() ?? '';
  return /^(docker-)?compose([.-][\w.-]+)?\.ya?ml$/i.test(name);
}

const CODE_OR_CONFIG = /\.(js|mjs|cjs|ts|py|go|java|kt|rb|php|cs|rs|ya?ml|json|toml|ini|conf|cfg|properties|env)$|(^|\/)\.env(\.[\w-]+)?$/i;
const TEST_OR_DOCS_DIR = /(^|\/)(test|tests|__tests__|spec|e2e|cypress|fixtures?|testdata|docs?|examples?)\//i;
const isTestOrDocs = (path: string) => TEST_OR_DOCS_DIR.test(`/${path}`) || JVM_TEST_SOURCE_SET.test(path);
/** Development containers: what they run never reaches production. */
const DEV_ONLY = /(^|\/)\.devcontainer\//i;

function looksLikeKubernetes(head: string): boolean {
  return /^apiVersion\s*:/m.test(head) && /^kind\s*:/m.test(head);
}

// ---------------------------------------------------------------- Dockerfile

export function checkDockerfile(text: string): Hit[] {
  const hits: Hit[] = [];
  // Join continuation lines but remember where each instruction starts.
  const instructions: { line: number; op: string; args: string }[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let body = lines[i]!;
    if (/^\s*(#|$)/.test(body)) continue;
    while (/\\\s*$/.test(body) && i + 1 < lines.length) {
      i++;
      const next = lines[i]!;
      body = body.replace(/\\\s*$/, ' ') + (/^\s*#/.test(next) ? '' : next);
    }
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(body);
    if (m) instructions.push({ line: start + 1, op: m[1]!.toUpperCase(), args: m[2]!.trim() });
  }
  const stages = new Set<string>();
  let lastFrom: { line: number; image: string } | undefined;
  let lastUser: { line: number; user: string } | undefined;
  for (const ins of instructions) {
    switch (ins.op) {
      case 'FROM': {
        const parts = ins.args.split(/\s+/).filter((p) => !p.startsWith('--'));
        const image = parts[0] ?? '';
        const alias = /\bAS\s+(\S+)/i.exec(ins.args)?.[1];
        lastFrom = { line: ins.line, image };
        lastUser = undefined;
        if (image && image !== 'scratch' && !stages.has(image.toLowerCase()) && !image.includes('$')) {
          const [name, tag] = splitImage(image);
          if (!tag || tag === 'latest') {
            hits.push({ rule: 'docker-unpinned-base', line: ins.line, message: `base image "${image}" ${tag ? 'is latest' : 'has no version tag'}: the build changes under you`, match: `FROM ${name}` });
          }
        }
        if (alias) stages.add(alias.toLowerCase());
        break;
      }
      case 'USER':
        lastUser = { line: ins.line, user: ins.args.split(/\s+/)[0] ?? '' };
        break;
      case 'ENV':
      case 'ARG':
        for (const [key, value] of envPairs(ins.args)) {
          if (!namesACredential(key) || value.startsWith('/') || !isInlineCredential(value)) continue;
          hits.push({ rule: 'docker-secret-in-image', line: ins.line, message: `${ins.op} ${key} sets a credential-looking value in the image (kept in its history)`, match: `${ins.op} ${key}` });
        }
        break;
      case 'ADD': {
        const url = ins.args.split(/\s+/).find((a) => /^https?:\/\//i.test(a));
        if (url && !/--checksum=/.test(ins.args)) hits.push({ rule: 'docker-add-url', line: ins.line, message: `ADD downloads ${url} without a checksum`, match: `ADD ${url}` });
        break;
      }
      case 'RUN':
        if (/\b(curl|wget)\b[^|;&]*\|\s*(sudo\s+)?(ba|z|da)?sh\b/.test(ins.args) || /\b(ba)?sh\s+-c\s+["']?\$\((curl|wget)\b/.test(ins.args)) {
          hits.push({ rule: 'docker-curl-pipe-shell', line: ins.line, message: 'RUN pipes a download straight into a shell', match: ins.args });
        }
        break;
    }
  }
  if (lastFrom && lastFrom.image !== 'scratch' && !/distroless.*nonroot|:nonroot\b/i.test(lastFrom.image)) {
    const user = lastUser?.user.split(':')[0] ?? '';
    if (!lastUser) hits.push({ rule: 'docker-root-user', line: lastFrom.line, message: `the final stage (${lastFrom.image}) sets no USER: the container runs as root`, match: `FROM ${lastFrom.image} no USER` });
    else if (user === 'root' || user === '0') hits.push({ rule: 'docker-root-user', line: lastUser.line, message: 'the final stage switches to USER root', match: 'USER root' });
  }
  return hits;
}

function splitImage(image: string): [string, string | undefined, boolean] {
  const [withoutDigest, digest] = image.split('@');
  const lastSlash = withoutDigest!.lastIndexOf('/');
  const colon = withoutDigest!.lastIndexOf(':');
  const hasTag = colon > lastSlash;
  const name = hasTag ? withoutDigest!.slice(0, colon) : withoutDigest!;
  // A digest pins the image whatever the tag says.
  if (digest) return [name, 'digest', true];
  return [name, hasTag ? withoutDigest!.slice(colon + 1) : undefined, false];
}

function envPairs(args: string): [string, string][] {
  if (/^\S+\s+[^=]*$/.test(args) && !args.includes('=')) {
    // legacy `ENV KEY value`
    const [key, ...rest] = args.split(/\s+/);
    return [[key!, rest.join(' ').replace(/^["']|["']$/g, '')]];
  }
  const out: [string, string][] = [];
  for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)(?:=("[^"]*"|'[^']*'|\S*))?/g)) {
    out.push([m[1]!, (m[2] ?? '').replace(/^["']|["']$/g, '')]);
  }
  return out;
}

// ---------------------------------------------------------------- Kubernetes

interface K8sFacts {
  workloads: { namespace: string; line: number }[];
  policies: string[];
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod', 'ReplicationController']);

interface K8sCtx {
  file: YamlFile;
  doc: Document.Parsed;
  hits: Hit[];
}

function podSpecOf(ctx: K8sCtx, kind: string, root: Node): Node | undefined {
  const { file, doc } = ctx;
  const spec = getNode(file, doc, root, 'spec');
  if (kind === 'Pod') return spec;
  if (kind === 'CronJob') return getNode(file, doc, getNode(file, doc, getNode(file, doc, getNode(file, doc, spec, 'jobTemplate'), 'spec'), 'template'), 'spec');
  return getNode(file, doc, getNode(file, doc, spec, 'template'), 'spec');
}

export function checkKubernetes(_path: string, text: string): FileCheckResult {
  const file = readYaml(text);
  const notes = file.problems.filter((p) => p.startsWith('duplicate key'));
  if (file.broken) {
    if (/\{\{[-\s]?[^}]*\}\}/.test(text)) return { hits: [], notes: [], skipped: 'a Helm/Go template, not YAML: not checked (scan the output of `helm template` instead)' };
    return { hits: [], notes: [], skipped: `not valid YAML, not checked (${file.problems[0]})` };
  }
  const facts: K8sFacts = { workloads: [], policies: [] };
  const hits: Hit[] = [];
  try {
    for (const doc of file.docs) {
      const ctx: K8sCtx = { file, doc, hits };
      const root = doc.contents;
      if (!isMap(root)) continue;
      const kind = getStr(file, doc, root, 'kind') ?? '';
      const name = getStr(file, doc, getNode(file, doc, root, 'metadata'), 'name') ?? '(unnamed)';
      const namespace = getStr(file, doc, getNode(file, doc, root, 'metadata'), 'namespace') ?? '';
      const what = `${kind} "${name}"`;
      if (kind === 'List') continue;
      if (WORKLOAD_KINDS.has(kind)) {
        const pod = podSpecOf(ctx, kind, root);
        if (pod) {
          facts.workloads.push({ namespace, line: lineOf(file, root) });
          checkPod(ctx, pod, what);
        }
      } else if (kind === 'NetworkPolicy') {
        facts.policies.push(namespace);
      } else if (kind === 'Service') {
        const type = getNode(file, doc, getNode(file, doc, root, 'spec'), 'type');
        const value = str(file, doc, type);
        if (value === 'LoadBalancer' || value === 'NodePort') {
          const ranges = getNode(file, doc, getNode(file, doc, root, 'spec'), 'loadBalancerSourceRanges');
          if (!(value === 'LoadBalancer' && items(file, doc, ranges).length > 0)) {
            hits.push({ rule: 'k8s-exposed-service', line: lineOf(file, type), message: `${what} is type ${value}: reachable from outside the cluster`, match: `${what}:${value}` });
          }
        }
      } else if (kind === 'Role' || kind === 'ClusterRole') {
        for (const rule of items(file, doc, getNode(file, doc, root, 'rules'))) {
          for (const key of ['apiGroups', 'resources', 'verbs']) {
            const list = getNode(file, doc, rule, key);
            if (items(file, doc, list).some((n) => str(file, doc, n) === '*')) {
              hits.push({ rule: 'k8s-wildcard-rbac', line: lineOf(file, list), message: `${what} grants "*" in ${key}`, match: `${what}:${key}` });
            }
          }
        }
      } else if (kind === 'RoleBinding' || kind === 'ClusterRoleBinding') {
        const ref = getNode(file, doc, getNode(file, doc, root, 'roleRef'), 'name');
        if (str(file, doc, ref) === 'cluster-admin') hits.push({ rule: 'k8s-cluster-admin-binding', line: lineOf(file, ref), message: `${what} binds cluster-admin`, match: what });
      } else if (kind === 'ServiceAccount') {
        // Counted with the pods: a ServiceAccount that opts out makes its pods quiet (not tracked across files).
      }
    }
  } catch (err) {
    if (err instanceof AliasBudgetError) return { hits: [], notes, skipped: `not checked: ${err.message} (an alias bomb?)` };
    throw err;
  }
  return { hits, notes, facts };
}

function checkPod(ctx: K8sCtx, pod: Node, what: string): void {
  const { file, doc, hits } = ctx;
  const podSc = getNode(file, doc, pod, 'securityContext');
  for (const key of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (getBool(file, doc, pod, key) === true) hits.push({ rule: 'k8s-host-namespace', line: lineOf(file, getNode(file, doc, pod, key)), message: `${what} sets ${key}: true`, match: `${what}:${key}` });
  }
  for (const volume of items(file, doc, getNode(file, doc, pod, 'volumes'))) {
    const hostPath = getNode(file, doc, volume, 'hostPath');
    if (hostPath) {
      const p = getStr(file, doc, hostPath, 'path') ?? '?';
      hits.push({ rule: 'k8s-host-path', line: lineOf(file, hostPath), message: `${what} mounts the node's ${p} (hostPath volume "${getStr(file, doc, volume, 'name') ?? ''}")`, match: `${what}:${p}` });
    }
  }
  if (getBool(file, doc, pod, 'automountServiceAccountToken') !== false) {
    hits.push({ rule: 'k8s-sa-token-automount', line: lineOf(file, pod), message: `${what} mounts its service account token (automountServiceAccountToken is not false)`, match: what });
  }
  const podNonRoot = getBool(file, doc, podSc, 'runAsNonRoot') === true || Number(getStr(file, doc, podSc, 'runAsUser') ?? 0) > 0;
  const containers = [
    ...items(file, doc, getNode(file, doc, pod, 'containers')).map((c) => ({ c, init: false })),
    ...items(file, doc, getNode(file, doc, pod, 'initContainers')).map((c) => ({ c, init: true })),
  ];
  for (const { c, init } of containers) {
    const cname = `${what} ${init ? 'init container' : 'container'} "${getStr(file, doc, c, 'name') ?? '?'}"`;
    const sc = getNode(file, doc, c, 'securityContext');
    const anchor = sc ?? getNode(file, doc, c, 'name') ?? c;
    // Point at the key at fault when it is written, else at the securityContext (or the container).
    const at = (key: string) => getNode(file, doc, sc, key) ?? anchor;
    const nonRoot = getBool(file, doc, sc, 'runAsNonRoot');
    const uid = getStr(file, doc, sc, 'runAsUser');
    if (!(nonRoot === true || (uid !== undefined && Number(uid) > 0) || (podNonRoot && nonRoot !== false && uid !== '0'))) {
      hits.push({ rule: 'k8s-run-as-root', line: lineOf(file, at('runAsNonRoot')), message: `${cname} may run as root (no runAsNonRoot: true or runAsUser above 0)`, match: cname });
    }
    if (getBool(file, doc, sc, 'privileged') === true) hits.push({ rule: 'k8s-privileged', line: lineOf(file, getNode(file, doc, sc, 'privileged')), message: `${cname} is privileged`, match: cname });
    if (getBool(file, doc, sc, 'allowPrivilegeEscalation') !== false) {
      hits.push({ rule: 'k8s-privilege-escalation', line: lineOf(file, at('allowPrivilegeEscalation')), message: `${cname} does not set allowPrivilegeEscalation: false`, match: cname });
    }
    if (getBool(file, doc, sc, 'readOnlyRootFilesystem') !== true) {
      hits.push({ rule: 'k8s-writable-root-fs', line: lineOf(file, at('readOnlyRootFilesystem')), message: `${cname} has a writable root filesystem`, match: cname });
    }
    const add = getNode(file, doc, getNode(file, doc, sc, 'capabilities'), 'add');
    const added = items(file, doc, add).map((n) => str(file, doc, n) ?? '').filter((n) => n && n.toUpperCase() !== 'NET_BIND_SERVICE');
    if (added.length > 0) {
      const dangerous = added.some((n) => /^(ALL|SYS_ADMIN|NET_ADMIN|SYS_PTRACE|SYS_MODULE|DAC_READ_SEARCH|NET_RAW)$/i.test(n));
      hits.push({ rule: 'k8s-added-capabilities', line: lineOf(file, add), message: `${cname} adds capabilities ${added.join(', ')}`, match: `${cname}:${added.join(',')}`, ...(dangerous ? { severity: 'high' as const } : {}) });
    }
    const limits = getNode(file, doc, getNode(file, doc, c, 'resources'), 'limits');
    if (!getNode(file, doc, limits, 'memory') || !getNode(file, doc, limits, 'cpu')) {
      const missing = ['cpu', 'memory'].filter((k) => !getNode(file, doc, limits, k));
      hits.push({ rule: 'k8s-no-resource-limits', line: lineOf(file, getKeyNode(file, doc, c, 'resources') ?? anchor), message: `${cname} has no ${missing.join(' or ')} limit`, match: cname });
    }
    const imageNode = getNode(file, doc, c, 'image');
    const image = str(file, doc, imageNode);
    if (image && !image.includes('{{') && !image.includes('$')) {
      const [imgName, tag] = splitImage(image);
      if (!tag || tag === 'latest') hits.push({ rule: 'k8s-latest-image', line: lineOf(file, imageNode), message: `${cname} runs image "${image}" ${tag ? '(latest)' : 'without a version'}`, match: `${cname}:${imgName}` });
    }
    for (const env of items(file, doc, getNode(file, doc, c, 'env'))) {
      const key = getStr(file, doc, env, 'name') ?? '';
      const valueNode = getNode(file, doc, env, 'value');
      const value = str(file, doc, valueNode);
      if (value !== undefined && namesACredential(key) && isInlineCredential(value) && !/^(https?:\/\/|\/)/.test(value)) {
        hits.push({ rule: 'k8s-inline-secret-env', line: lineOf(file, valueNode), message: `${cname} sets ${key} inline in the manifest`, match: `${cname}:${key}` });
      }
    }
  }
}

function finishNetworkPolicies(files: readonly { path: string; facts: unknown }[]): { path: string; hit: Hit }[] {
  const policies = new Set<string>();
  const first = new Map<string, { path: string; line: number }>();
  for (const { path, facts } of files) {
    const f = facts as K8sFacts;
    for (const ns of f.policies) policies.add(ns);
    for (const w of f.workloads) if (!first.has(w.namespace)) first.set(w.namespace, { path, line: w.line });
  }
  const out: { path: string; hit: Hit }[] = [];
  for (const [ns, where] of first) {
    if (policies.has(ns)) continue;
    const label = ns ? `namespace "${ns}"` : 'the namespace these manifests deploy to';
    out.push({ path: where.path, hit: { rule: 'k8s-namespace-no-networkpolicy', line: where.line, message: `${label} has workloads and no NetworkPolicy among the scanned manifests: every pod can reach every other`, match: `namespace:${ns}` } });
  }
  return out;
}

// ---------------------------------------------------------------- docker-compose

const DATABASE_IMAGE = /(^|\/)(postgres|postgis|mysql|mariadb|mongo|redis|valkey|elasticsearch|opensearch|memcached|cassandra|couchdb|neo4j|clickhouse|influxdb|rabbitmq|kafka|zookeeper|etcd|minio)([:@]|$)/i;

/** A compose file's result, with the lines of its own health checks (see ownHealthcheckHosts). */
interface ComposeCheckResult extends FileCheckResult {
  ownHealthchecks?: OwnHosts;
}

/** Per line: host names that are the calling service itself there (a call to them never leaves it). */
type OwnHosts = Map<number, Set<string>>;

/**
 * A compose health check runs inside its own container: `curl http://config-server:8888` in
 * config-server's `healthcheck.test` calls itself, no traffic between services (seen on
 * spring-petclinic-microservices). Its own names: the service key, `container_name`, `hostname`.
 */
function ownHealthcheckHosts(file: YamlFile, doc: Document.Parsed, service: string, def: Node, into: OwnHosts): void {
  const test = getNode(file, doc, getNode(file, doc, def, 'healthcheck'), 'test');
  if (!test) return;
  const names = [service, getStr(file, doc, def, 'container_name'), getStr(file, doc, def, 'hostname')]
    .filter((n): n is string => n !== undefined && n !== '').map((n) => n.toLowerCase());
  for (const part of isScalar(test) ? [test] : items(file, doc, test)) {
    const line = lineOf(file, part);
    const own = into.get(line) ?? new Set<string>();
    for (const n of names) own.add(n);
    into.set(line, own);
  }
}

export function checkCompose(text: string): ComposeCheckResult {
  const file = readYaml(text);
  const notes = file.problems.filter((p) => p.startsWith('duplicate key'));
  if (file.broken) return { hits: [], notes: [], skipped: `not valid YAML, not checked (${file.problems[0]})` };
  const hits: Hit[] = [];
  const ownHealthchecks: OwnHosts = new Map();
  const doc = file.docs[0];
  if (!doc) return { hits, notes };
  try {
    for (const [service, def] of entries(file, doc, getNode(file, doc, doc.contents, 'services'))) {
      if (!isMap(def)) continue;
      const what = `compose service "${service}"`;
      ownHealthcheckHosts(file, doc, service, def, ownHealthchecks);
      if (getBool(file, doc, def, 'privileged') === true) hits.push({ rule: 'compose-privileged', line: lineOf(file, getNode(file, doc, def, 'privileged')), message: `${what} is privileged`, match: what });
      for (const key of ['network_mode', 'pid', 'ipc']) {
        const node = getNode(file, doc, def, key);
        if (str(file, doc, node) === 'host') hits.push({ rule: 'compose-host-network', line: lineOf(file, node), message: `${what} sets ${key}: host`, match: `${what}:${key}` });
      }
      const environment = getNode(file, doc, def, 'environment');
      const pairs: [string, string | undefined, Node | undefined][] = isMap(environment)
        ? entries(file, doc, environment).map(([k, v]) => [k, str(file, doc, v), v])
        : items(file, doc, environment).map((n) => {
            const text = str(file, doc, n) ?? '';
            const eq = text.indexOf('=');
            return eq < 0 ? [text, undefined, n] : [text.slice(0, eq), text.slice(eq + 1), n];
          });
      for (const [key, value, node] of pairs) {
        if (value !== undefined && namesACredential(key) && isInlineCredential(value)) {
          hits.push({ rule: 'compose-secret-env', line: lineOf(file, node), message: `${what} sets ${key} inline in the compose file`, match: `${what}:${key}` });
        }
      }
      const image = getStr(file, doc, def, 'image') ?? '';
      if (DATABASE_IMAGE.test(image)) {
        for (const port of items(file, doc, getNode(file, doc, def, 'ports'))) {
          const spec = isScalar(port) ? String(port.value) : `${getStr(file, doc, port, 'host_ip') ?? ''}:${getStr(file, doc, port, 'published') ?? ''}`;
          const parts = spec.split(':');
          const boundToLoopback = parts.length >= 3 && /^(127\.0\.0\.1|localhost|\[?::1\]?)$/.test(parts[0]!);
          const published = parts.length >= 2 && parts[parts.length - 2] !== '';
          if (published && !boundToLoopback) {
            hits.push({ rule: 'compose-db-published', line: lineOf(file, port), message: `${what} (${image}) publishes ${spec} on every interface of the host`, match: `${what}:${spec}` });
          }
        }
      }
    }
  } catch (err) {
    if (err instanceof AliasBudgetError) return { hits: [], notes, skipped: `not checked: ${err.message} (an alias bomb?)` };
    throw err;
  }
  return { hits, notes, ownHealthchecks };
}

// ---------------------------------------------------------------- plain HTTP between services

// Userinfo (`http://user:pass@host`) is skipped to the host; a host cut short by a template (`{{`) is not a host.
// .NET service discovery's `https+http://catalog-api` asks for https first: not a plain-HTTP call.
const HTTP_URL = /(?<!https\+)\bhttp:\/\/(?:[^\s/@"'`]*@)?([A-Za-z0-9_.-]+)(?::\d+)?(?!\{\{|[A-Za-z0-9_.-]|:?\{\{)/g;
const PRIVATE_IP = /^(10\.\d+\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|192\.168\.\d+\.\d+)$/;
// 10.0.2.2 is the Android emulator's alias of the developer's own machine (eShop's MAUI app).
const LOCAL_HOST = /^(localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|host\.docker\.internal|10\.0\.2\.2|example|www)$/i;

/** A host name that is another service of the system: a bare service name, cluster DNS, a private IP. */
export function isInternalHost(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (LOCAL_HOST.test(h)) return false;
  if (PRIVATE_IP.test(h)) return true;
  if (/\.(svc|svc\.cluster\.local|cluster\.local|internal|local|lan|consul|intranet|corp)$/.test(h)) return !/\.example\./.test(h);
  // A bare name with a letter and no dot (`orders-api`, `billing`) is a service name in compose or k8s DNS.
  return !h.includes('.') && /[a-z]/.test(h) && h.length > 1;
}

const SERVER_WITHOUT_TLS: { pattern: RegExp; what: string }[] = [
  { pattern: /\bhttp\.createServer\s*\(/, what: 'http.createServer' },
  { pattern: /\bhttp\.ListenAndServe\s*\(/, what: 'http.ListenAndServe' },
  { pattern: /\bHTTPServer\s*\(\s*\(\s*["'](0\.0\.0\.0|)["']/, what: 'HTTPServer on all interfaces' },
];

// A plain server that is the other branch of a choice with a TLS one: `opts ? https.createServer(...) :
// http.createServer(...)`, or `if cert != "" { ListenAndServeTLS } else { ListenAndServe }` (fastify's
// lib/server.js): TLS when configured, not a plain server. Only code counts (comments and strings
// dropped), and only an alternative: a TLS server started beside a plain one (an admin port on https,
// the API on http) leaves the plain one plain.
const TLS_SERVER = /\bhttps\.createServer\s*\(|\bhttp2\.createSecureServer\s*\(|\bListenAndServeTLS\s*\(|\bServeTLS\s*\(/;
const TLS_CHOICE_LINES = 3;
const TERNARY_OF_SERVERS = /\?[^;?]*\b(?:https?|http2)\.\w+\s*\([^;]*:\s*(?:https?|http2)\.\w+\s*\(/;

/** A line's code: string literals emptied, line and one-line block comments dropped, comment-only lines blank. */
function codeOf(line: string): string {
  if (/^\s*(?:\/\/|#|\*|\/\*)/.test(line)) return '';
  return line
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`/g, '""')
    .replace(/\/\*.*?\*\//g, '')
    .replace(/\/\/.*$/, '');
}

// The second branch's server start right after `else` (`} else {`, `else log.Fatal(`), with at most a
// wrapping call, a `return` or the package (`http.`) between: an `else` of another statement does not
// pair the two.
const ELSE_THEN_SERVER = /\belse\s*\{?\s*(?:return\s+)?(?:[\w.]+\(\s*)?(?:return\s+)?(?:\w+\.)?$/;
// An early return: `if (tls) return https.createServer(...)` then `return http.createServer(...)`.
const RETURNS_SERVER = /\breturn\s+(?:[\w.]+\(\s*)?(?:\w+\.)?$/;

/** The plain server at `index` is one branch of a choice whose other branch starts a TLS server. */
function tlsAlternative(lines: readonly string[], index: number, plain: RegExp): boolean {
  for (let j = Math.max(0, index - TLS_CHOICE_LINES); j <= Math.min(lines.length - 1, index + TLS_CHOICE_LINES); j++) {
    if (j === index || !TLS_SERVER.test(codeOf(lines[j]!))) continue;
    const [first, second] = j < index ? [j, index] : [index, j];
    const between = lines.slice(first, second + 1).map(codeOf).join('\n');
    if (TERNARY_OF_SERVERS.test(between)) return true;
    // The text before the second server start, from the first start on.
    const secondLine = codeOf(lines[second]!);
    const secondStart = (second === index ? plain : TLS_SERVER).exec(secondLine)?.index ?? 0;
    const before = [...lines.slice(first, second).map(codeOf), secondLine.slice(0, secondStart)].join('\n');
    if (ELSE_THEN_SERVER.test(before)) return true;
    const firstLine = codeOf(lines[first]!);
    const firstStart = (first === index ? plain : TLS_SERVER).exec(firstLine)?.index ?? 0;
    if (j < index && RETURNS_SERVER.test(firstLine.slice(0, firstStart)) && RETURNS_SERVER.test(before)) return true;
  }
  return false;
}

export function checkPlainHttp(path: string, text: string, ownHosts?: OwnHosts): Hit[] {
  const hits: Hit[] = [];
  const isCode = /\.(js|mjs|cjs|ts|py|go|java|kt|rb|php|cs|rs)$/i.test(path);
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    if (line.length > 2000) return; // minified or data: not configuration a person wrote
    // A commented-out example (`# url: http://remote1/push` in a values.yaml) is not configuration.
    if (/^\s*(#|\/\/|\*|--)/.test(line)) return;
    for (const m of line.matchAll(HTTP_URL)) {
      const host = m[1]!;
      if (!isInternalHost(host) || ownHosts?.get(index + 1)?.has(host.toLowerCase())) continue;
      hits.push({ rule: 'plain-http-internal', line: index + 1, message: `plain-HTTP call to internal service "${host}" (${m[0]}): traffic between services travels unencrypted`, match: m[0] });
    }
    if (isCode && !/^\s*(\/\/|#|\*)/.test(line)) {
      for (const s of SERVER_WITHOUT_TLS) {
        if (s.pattern.test(line) && !tlsAlternative(lines, index, s.pattern)) hits.push({ rule: 'plain-http-server', line: index + 1, message: `${s.what} serves the API without TLS`, match: line.trim() });
      }
    }
  });
  return hits;
}

// ---------------------------------------------------------------- dispatch

export function checkDeployFile(path: string, text: string): FileCheckResult {
  const hits: Hit[] = [];
  const notes: string[] = [];
  let result: ComposeCheckResult | undefined;
  if (isDockerfilePath(path)) hits.push(...checkDockerfile(text));
  else if (isComposePath(path)) result = checkCompose(text);
  else if (/\.ya?ml$/i.test(path) && (looksLikeKubernetes(text.slice(0, 65536)) || /^---/m.test(text) && /^kind\s*:/m.test(text))) {
    if (/(^|\/)templates\//.test(path) && /\{\{/.test(text)) {
      return { hits: plainHttpUnlessTest(path, text), notes, skipped: 'a Helm chart template (Go template, not YAML): not checked as a manifest (scan the output of `helm template` instead)' };
    }
    result = checkKubernetes(path, text);
  }
  if (result) {
    hits.push(...result.hits);
    notes.push(...result.notes);
    if (result.skipped) return { hits: hits.concat(plainHttpUnlessTest(path, text)), notes, skipped: result.skipped };
  }
  hits.push(...plainHttpUnlessTest(path, text, result?.ownHealthchecks));
  return { hits: lowOutsideProduction(path, hits), notes, ...(result?.facts !== undefined ? { facts: result.facts } : {}) };
}

/**
 * Files that never reach production (dev containers, tests, docs, examples) are still checked and
 * reported, but count as `low`: a `POSTGRES_PASSWORD: postgres` in `.devcontainer/compose.yaml` is
 * a local default, not a leak that should fail the gate (seen on rails/rails).
 */
function lowOutsideProduction(path: string, hits: Hit[]): Hit[] {
  if (!DEV_ONLY.test(`/${path}`) && !isTestOrDocs(path) && !isEndToEndTestFile(path)) return hits;
  return hits.map((h) => ({ ...h, severity: 'low' }));
}

function plainHttpUnlessTest(path: string, text: string, ownHosts?: OwnHosts): Hit[] {
  if (isTestOrDocs(path) || /(\.|_|-)(test|spec)\.[a-z]+$/i.test(path) || /(^|\/)(package-lock|yarn|pnpm-lock)\b/.test(path)) return [];
  return checkPlainHttp(path, text, ownHosts);
}

export const deployCheck: PolicyCheck = {
  id: DEPLOY_SCANNER_ID,
  version: DEPLOY_SCANNER_VERSION,
  rules: DEPLOY_RULES,
  selects: (path, head) => isDockerfilePath(path) || isComposePath(path) || CODE_OR_CONFIG.test(path) || looksLikeKubernetes(head),
  check: checkDeployFile,
  finish: finishNetworkPolicies,
};
