// Every rule of the deployment-file checks: one sample where it fires (at the right line) and one
// safe sample where it stays quiet. The last test fails when a rule has no case here.
import { describe, expect, it } from 'vitest';
import { deployCheck } from '../../src/scanners/gatehouse-deploy/check.js';
import { DEPLOY_RULES } from '../../src/scanners/gatehouse-deploy/rules.js';
import { checkFile, checkFiles } from '../../src/scanners/policy/policy.js';

interface Case {
  path: string;
  vulnerable: string;
  line: number;
  safe: string;
}

const DIGEST = `sha256:${'b'.repeat(64)}`;
const SAFE_CONTAINER = `        - name: api
          image: registry.example.com/api:1.4.2@${DIGEST}
          securityContext:
            runAsNonRoot: true
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
          resources:
            limits: {cpu: 500m, memory: 256Mi}`;

/** A Deployment whose pod spec is `pod` (indented 6) with `containers` given. */
const deployment = (containers: string, pod = '      automountServiceAccountToken: false\n') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  template:
    spec:
${pod.replace(/^ {6}/gm, '      ')}      containers:
${containers}
`;

const CASES: Record<string, Case> = {
  'docker-root-user': { path: 'Dockerfile', vulnerable: 'FROM node:20.11-slim\nRUN npm ci\n', line: 1, safe: 'FROM node:20.11-slim\nRUN npm ci\nUSER 10001\n' },
  'docker-secret-in-image': { path: 'Dockerfile', vulnerable: 'FROM node:20.11\nENV API_TOKEN=4f9c2a7d1e8b\nUSER node\n', line: 2, safe: 'FROM node:20.11\nENV API_TOKEN_FILE=/run/secrets/api_token\nARG NPM_TOKEN\nUSER node\n' },
  'docker-add-url': { path: 'Dockerfile', vulnerable: 'FROM alpine:3.20\nADD https://example.com/tool.tgz /opt/\nUSER 1000\n', line: 2, safe: 'FROM alpine:3.20\nADD --checksum=sha256:abc https://example.com/tool.tgz /opt/\nUSER 1000\n' },
  'docker-unpinned-base': { path: 'svc/Dockerfile', vulnerable: 'FROM python:latest\nUSER 1000\n', line: 1, safe: 'FROM python:3.12-slim AS build\nFROM build\nUSER 1000\n' },
  'docker-curl-pipe-shell': { path: 'Dockerfile', vulnerable: 'FROM debian:12\nRUN apt-get update && \\\n    curl -fsSL https://get.example.sh | sh\nUSER 1000\n', line: 2, safe: 'FROM debian:12\nRUN curl -fsSLo i.sh https://get.example.sh && sha256sum -c i.sh.sha256 && sh i.sh\nUSER 1000\n' },
  'k8s-run-as-root': { path: 'k8s/api.yaml', vulnerable: deployment(SAFE_CONTAINER.replace('runAsNonRoot: true', 'runAsNonRoot: false')), line: 14, safe: deployment(SAFE_CONTAINER) },
  'k8s-privileged': { path: 'k8s/api.yaml', vulnerable: deployment(SAFE_CONTAINER.replace('readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: true\n            privileged: true')), line: 17, safe: deployment(SAFE_CONTAINER) },
  'k8s-privilege-escalation': { path: 'k8s/api.yaml', vulnerable: deployment(SAFE_CONTAINER.replace('            allowPrivilegeEscalation: false\n', '')), line: 14, safe: deployment(SAFE_CONTAINER) },
  'k8s-writable-root-fs': { path: 'k8s/api.yaml', vulnerable: deployment(SAFE_CONTAINER.replace('readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false')), line: 16, safe: deployment(SAFE_CONTAINER) },
  'k8s-added-capabilities': { path: 'k8s/api.yaml', vulnerable: deployment(SAFE_CONTAINER.replace('{drop: [ALL]}', '\n              add: [NET_ADMIN]')), line: 18, safe: deployment(SAFE_CONTAINER.replace('{drop: [ALL]}', '{drop: [ALL], add: [NET_BIND_SERVICE]}')) },
  'k8s-host-namespace': { path: 'k8s/api.yaml', vulnerable: deployment(SAFE_CONTAINER, '      automountServiceAccountToken: false\n      hostPID: true\n'), line: 10, safe: deployment(SAFE_CONTAINER, '      automountServiceAccountToken: false\n      hostPID: false\n') },
  'k8s-host-path': { path: 'k8s/api.yaml', vulnerable: deployment(SAFE_CONTAINER, '      automountServiceAccountToken: false\n      volumes:\n        - name: sock\n          hostPath: {path: /var/run/docker.sock}\n'), line: 12, safe: deployment(SAFE_CONTAINER, '      automountServiceAccountToken: false\n      volumes:\n        - name: tmp\n          emptyDir: {}\n') },
  'k8s-no-resource-limits': { path: 'k8s/api.yaml', vulnerable: deployment(SAFE_CONTAINER.replace('limits: {cpu: 500m, memory: 256Mi}', 'requests: {cpu: 100m}')), line: 18, safe: deployment(SAFE_CONTAINER) },
  'k8s-sa-token-automount': { path: 'k8s/api.yaml', vulnerable: deployment(SAFE_CONTAINER, '      serviceAccountName: api\n'), line: 9, safe: deployment(SAFE_CONTAINER) },
  'k8s-inline-secret-env': { path: 'k8s/api.yaml', vulnerable: deployment(`${SAFE_CONTAINER}\n          env:\n            - name: DB_PASSWORD\n              value: s3cr3t-Pa55w0rd-x9`), line: 22, safe: deployment(`${SAFE_CONTAINER}\n          env:\n            - name: DB_PASSWORD\n              valueFrom: {secretKeyRef: {name: db, key: password}}\n            - name: LOG_LEVEL\n              value: debug`) },
  'k8s-latest-image': { path: 'k8s/api.yaml', vulnerable: deployment(SAFE_CONTAINER.replace(`api:1.4.2@${DIGEST}`, 'api:latest')), line: 12, safe: deployment(SAFE_CONTAINER) },
  'k8s-exposed-service': { path: 'k8s/svc.yaml', vulnerable: 'apiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec:\n  type: NodePort\n', line: 5, safe: 'apiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec:\n  type: ClusterIP\n' },
  'k8s-wildcard-rbac': { path: 'k8s/rbac.yaml', vulnerable: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}\nrules:\n  - apiGroups: [""]\n    resources: ["*"]\n    verbs: [get]\n', line: 6, safe: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}\nrules:\n  - apiGroups: [""]\n    resources: [configmaps]\n    verbs: [get]\n' },
  'k8s-cluster-admin-binding': { path: 'k8s/rbac.yaml', vulnerable: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: b}\nroleRef:\n  kind: ClusterRole\n  name: cluster-admin\n', line: 6, safe: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: b}\nroleRef:\n  kind: ClusterRole\n  name: view\n' },
  'k8s-namespace-no-networkpolicy': {
    path: 'k8s/api.yaml',
    vulnerable: deployment(SAFE_CONTAINER),
    line: 1,
    safe: `${deployment(SAFE_CONTAINER)}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: shop}\nspec: {podSelector: {}, policyTypes: [Ingress]}\n`,
  },
  'compose-privileged': { path: 'docker-compose.yml', vulnerable: 'services:\n  app:\n    image: app:1.0\n    privileged: true\n', line: 4, safe: 'services:\n  app:\n    image: app:1.0\n    cap_add: [NET_BIND_SERVICE]\n' },
  'compose-host-network': { path: 'compose.yaml', vulnerable: 'services:\n  app:\n    image: app:1.0\n    network_mode: host\n', line: 4, safe: 'services:\n  app:\n    image: app:1.0\n    network_mode: bridge\n' },
  'compose-secret-env': { path: 'docker-compose.yml', vulnerable: 'services:\n  db:\n    image: app:1.0\n    environment:\n      - API_KEY=9f8e7d6c5b4a\n', line: 5, safe: 'services:\n  db:\n    image: app:1.0\n    environment:\n      - API_KEY=${API_KEY}\n      - POSTGRES_PASSWORD_FILE=/run/secrets/pw\n' },
  'compose-db-published': { path: 'docker-compose.yml', vulnerable: 'services:\n  db:\n    image: postgres:16\n    ports:\n      - "5432:5432"\n', line: 5, safe: 'services:\n  db:\n    image: postgres:16\n    ports:\n      - "127.0.0.1:5432:5432"\n' },
  'plain-http-internal': { path: 'src/client.js', vulnerable: 'const base = "https://api.stripe.com";\nconst orders = "http://orders-api:8080/v1";\n', line: 2, safe: 'const orders = "https://orders-api:8443/v1";\nconst local = "http://localhost:3000";\nconst docs = "http://www.w3.org/2000/svg";\n' },
  'plain-http-server': { path: 'src/server.js', vulnerable: "import http from 'node:http';\nhttp.createServer(app).listen(8080);\n", line: 2, safe: "import https from 'node:https';\nhttps.createServer(tls, app).listen(8443);\n" },
};

function ruleHits(c: Pick<Case, 'path'>, text: string, rule: string) {
  return checkFiles(deployCheck, new Map([[c.path, text]])).findings.filter((f) => f.ruleId === rule);
}

describe('deployment file rules', () => {
  for (const [rule, c] of Object.entries(CASES)) {
    it(`${rule}: fires on the vulnerable sample at line ${c.line}`, () => {
      const hits = ruleHits(c, c.vulnerable, rule);
      expect(hits.map((h) => h.line)).toContain(c.line);
    });
    it(`${rule}: stays quiet on the safe sample`, () => {
      expect(ruleHits(c, c.safe, rule)).toEqual([]);
    });
  }

  it('has a firing and a quiet case for every rule', () => {
    expect(Object.keys(CASES).sort()).toEqual(DEPLOY_RULES.map((r) => r.id).sort());
  });

  it('the safe Deployment is quiet on every rule (no noise from a hardened manifest)', () => {
    const text = CASES['k8s-namespace-no-networkpolicy']!.safe;
    expect(checkFiles(deployCheck, new Map([['k8s/api.yaml', text]])).findings).toEqual([]);
  });

  it('reads every document of a multi-document file (Helm-rendered output) with its own lines', () => {
    const rendered = `---\n# Source: chart/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {type: LoadBalancer}\n---\n# Source: chart/templates/svc2.yaml\napiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec: {type: NodePort}\n`;
    const hits = checkFile(deployCheck, 'rendered.yaml', rendered).findings.filter((f) => f.ruleId === 'k8s-exposed-service');
    expect(hits.map((h) => h.line)).toEqual([6, 12]);
  });

  it('plain HTTP: commented-out examples, userinfo and template-cut hosts are not internal calls (real false positives)', () => {
    const text = '# - url: http://remote1/push\nurl: http://admin:pw@proxy.example.com\nurl: http://prometheus-{{ .Release.Name }}:9090\nurl: http://orders:80\n';
    expect(ruleHits({ path: 'values.yaml' }, text, 'plain-http-internal').map((f) => f.line)).toEqual([4]);
  });

  it("plain HTTP: JVM integration-test source sets (Maven's src/it, Gradle's integrationTest) are tests, not services calling each other (nashtech-garage/yas)", () => {
    const props = 'keycloak.auth-server-url=http://identity\nyas.services.product=http://api.yas.local/product\n';
    for (const path of ['search/src/it/resources/application.properties', 'payment/src/integrationTest/resources/application.yml', 'payment/src/it/java/com/yas/payment/MediaServiceIT.java']) {
      expect(ruleHits({ path }, props, 'plain-http-internal'), path).toEqual([]);
    }
    expect(ruleHits({ path: 'search/src/main/resources/application.properties' }, props, 'plain-http-internal').map((f) => f.line)).toEqual([1, 2]);
    // An Italian locale folder is not a test folder.
    expect(ruleHits({ path: 'web/locales/it/config.json' }, '{"api": "http://orders:80"}\n', 'plain-http-internal')).toHaveLength(1);
  });

  it('plain HTTP server: one started as TLS when configured (a framework choosing https or http) is not a plain server (fastify/fastify)', () => {
    const chosen = ['const server = httpsOptions', '  ? https.createServer(httpsOptions, httpHandler)', '  : http.createServer(options.http, httpHandler)', 'server.keepAliveTimeout = 5000'].join('\n');
    expect(ruleHits({ path: 'lib/server.js' }, chosen, 'plain-http-server')).toEqual([]);
    const goChoice = ['if certFile != "" {', '\tlog.Fatal(http.ListenAndServeTLS(addr, certFile, keyFile, mux))', '} else {', '\tlog.Fatal(http.ListenAndServe(addr, mux))', '}'].join('\n');
    expect(ruleHits({ path: 'cmd/api/main.go' }, goChoice, 'plain-http-server')).toEqual([]);
    const goIfNot = ['if certFile == "" {', '\tlog.Fatal(http.ListenAndServe(addr, mux))', '} else {', '\tlog.Fatal(http.ListenAndServeTLS(addr, certFile, keyFile, mux))', '}'].join('\n');
    expect(ruleHits({ path: 'cmd/api/main.go' }, goIfNot, 'plain-http-server')).toEqual([]);
    // Not alternatives: the plain server stays reported (an adversarial review's cases).
    const plain = (lines: string[], path = 'src/server.js') => ruleHits({ path }, lines.join('\n'), 'plain-http-server').map((f) => f.line);
    expect(plain(['https.createServer(tls, admin).listen(8443);', ...Array(10).fill('// ...'), 'http.createServer(app).listen(8080);'])).toEqual([12]);
    expect(plain(['// TODO: move to https.createServer(tlsOptions, app) once certs are provisioned', 'http.createServer(app).listen(8080);'])).toEqual([2]);
    expect(plain(['https.createServer(tls, adminApp).listen(8443)', 'http.createServer(apiApp).listen(8080)'])).toEqual([2]);
    expect(plain(['log.info("later: https.createServer(opts, app)");', 'http.createServer(app).listen(8080);'])).toEqual([2]);
    expect(plain(['/**', ' * Switch to https.createServer(opts, app) later.', ' */', 'http.createServer(app).listen(8080);'])).toEqual([4]);
    expect(plain(['go func() { log.Fatal(http.ListenAndServeTLS(":8443", cert, key, mux)) }()', 'log.Fatal(http.ListenAndServe(":8080", mux))'], 'cmd/api/main.go')).toEqual([2]);
    // An else of another statement does not pair them (a second review's cases).
    expect(plain(['if (adminEnabled) https.createServer(tls, admin).listen(8443);', "else logger.info('admin off');", 'http.createServer(api).listen(8080);'])).toEqual([3]);
    // Early returns are alternatives.
    expect(plain(['if (tls) return https.createServer(tls, app);', 'return http.createServer(app);'])).toEqual([]);
    const goReturn = ['if cert != "" {', '\treturn http.ListenAndServeTLS(addr, cert, key, mux)', '}', 'return http.ListenAndServe(addr, mux)'].join('\n');
    expect(ruleHits({ path: 'cmd/api/main.go' }, goReturn, 'plain-http-server')).toEqual([]);
  });

  it("plain HTTP: .NET's https+http:// (https first) and the Android emulator's host alias are not internal calls (dotnet/eShop)", () => {
    const code = [
      'builder.Services.AddHttpClient<CatalogService>(o => o.BaseAddress = new("https+http://catalog-api"));',
      'internal static string Host = Android ? "http://10.0.2.2:11632/" : "http://localhost:11632/";',
      'builder.Services.AddGrpcClient<Basket.BasketClient>(o => o.Address = new("http://basket-api"));',
      'var other = "http://10.0.2.15:8080/";',
    ].join('\n');
    expect(ruleHits({ path: 'src/WebApp/Extensions.cs' }, code, 'plain-http-internal').map((f) => f.line)).toEqual([3, 4]);
  });

  it("plain HTTP: a compose health check calling its own container is not a call between services (spring-petclinic-microservices)", () => {
    const compose = [
      'services:',
      '  config-server:',
      '    image: springcommunity/spring-petclinic-config-server',
      '    healthcheck:',
      '      test: ["CMD", "curl", "-I", "http://config-server:8888"]',
      '  discovery:',
      '    container_name: discovery-server',
      '    healthcheck:',
      '      test:',
      '        - CMD-SHELL',
      '        - curl -f http://discovery-server:8761 || exit 1',
      '  gateway:',
      '    hostname: gw',
      '    healthcheck:',
      '      test: curl -f http://gw:8080/health && curl -f http://config-server:8888',
      '    environment:',
      '      CONFIG_URL: http://config-server:8888',
      '      SELF_URL: http://gateway:8080',
    ].join('\n');
    // Another service's URL in a health check, and any URL outside one, are still calls between services.
    expect(ruleHits({ path: 'docker-compose.yml' }, compose, 'plain-http-internal').map((f) => `${f.line} ${f.message.match(/"([^"]+)"/)?.[1]}`))
      .toEqual(['15 config-server', '17 config-server', '18 gateway']);
  });

  it('the identity of a secret hit never depends on its value (a dictionary cannot recover it from the hash)', () => {
    for (const rule of ['k8s-inline-secret-env', 'docker-secret-in-image', 'compose-secret-env']) {
      const c = CASES[rule]!;
      const value = /(s3cr3t-Pa55w0rd-x9|4f9c2a7d1e8b|9f8e7d6c5b4a)/.exec(c.vulnerable)?.[1];
      expect(value, rule).toBeDefined();
      const hash = (text: string) => checkFile(deployCheck, c.path, text).findings.filter((f) => f.ruleId === rule).map((f) => f.matchHash);
      const other = hash(c.vulnerable.replace(value!, 'another-Value-77x'));
      expect(other, rule).toHaveLength(1);
      expect(hash(c.vulnerable), rule).toEqual(other);
    }
  });

  it('files that never reach production (dev containers, tests, docs) are reported as low, the same file elsewhere keeps its severity', () => {
    const compose = 'services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: postgres\n';
    const severities = (path: string) => checkFile(deployCheck, path, compose).findings.filter((f) => f.ruleId === 'compose-secret-env').map((f) => f.severity);
    expect(severities('compose.yaml')).toEqual(['high']);
    expect(severities('.devcontainer/compose.yaml')).toEqual(['low']);
    expect(severities('test/fixtures/docker-compose.yml')).toEqual(['low']);
    expect(severities('cypress/docker-compose.yml')).toEqual(['low']);
    // Named for an end-to-end test run (src/scanners/test-paths.ts): redash's Cypress compose file.
    expect(severities('.ci/compose.cypress.yaml')).toEqual(['low']);
    expect(severities('docker-compose.e2e.yml')).toEqual(['low']);
    expect(severities('.ci/compose.ci.yaml')).toEqual(['high']);
    // Names the secret scanner reads as tests but deployments use (review31b): kept.
    expect(severities('deploy/compose-test.yaml')).toEqual(['high']);
    expect(severities('deploy/testing/compose.yaml')).toEqual(['high']);
  });

  it('inline secrets: names and stand-in values judged as the secret scanner judges them (real false positives)', () => {
    // retail-store-sample-app: DynamoDB-local stand-ins; dapr quickstarts: SECRET_STORE names a store.
    const compose = 'services:\n  cart:\n    image: cart:1.0\n    environment:\n      - AWS_ACCESS_KEY_ID=key\n      - AWS_SECRET_ACCESS_KEY=dummy\n      - TOKEN_TTL=3600\n      - POSTGRES_PASSWORD=docker\n      - ENCRYPTION_KEY=Qm9yZ2VzLTQ4MjE\n';
    expect(ruleHits({ path: 'compose.yaml' }, compose, 'compose-secret-env').map((f) => f.line)).toEqual([8, 9]);
    const k8s = deployment(`${SAFE_CONTAINER}\n          env:\n            - name: SECRET_STORE\n              value: "kubernetes"\n            - name: API_KEY_HEADER\n              value: X-Api-Key\n            - name: CLIENT_SECRET\n              value: wq8-Lm2pZ`);
    expect(ruleHits({ path: 'k8s/node.yaml' }, k8s, 'k8s-inline-secret-env')).toHaveLength(1);
    const docker = 'FROM node:20.11\nENV SECRET_PROVIDER=vault\nENV API_TOKEN=your-token-here\nENV SESSION_SECRET=4f9c2a7d1e8b\nUSER node\n';
    expect(ruleHits({ path: 'Dockerfile' }, docker, 'docker-secret-in-image').map((f) => f.line)).toEqual([4]);
  });

  it('never writes a secret value into a message', () => {
    const c = CASES['k8s-inline-secret-env']!;
    const hits = ruleHits(c, c.vulnerable, 'k8s-inline-secret-env');
    expect(JSON.stringify(hits)).not.toContain('s3cr3t-Pa55w0rd-x9');
    const d = CASES['docker-secret-in-image']!;
    expect(JSON.stringify(ruleHits(d, d.vulnerable, 'docker-secret-in-image'))).not.toContain('4f9c2a7d1e8b');
  });

  it('a gatehouse:ignore marker in a YAML comment covers the next line', () => {
    const text = 'services:\n  app:\n    image: app:1.0\n    # gatehouse:ignore compose-privileged needs /dev/kvm for the emulator\n    privileged: true\n';
    const hits = ruleHits({ path: 'compose.yml' }, text, 'compose-privileged');
    expect(hits[0]!.ignored).toEqual({ reason: 'needs /dev/kvm for the emulator' });
  });
});
