// A local stand-in for the GitHub REST API on 127.0.0.1, for the action's tests and benchmark.
// It answers only the endpoints the action uses, and checks EVERY request (method + path template,
// path and query parameters, JSON body) and every response it sends against GitHub's official
// OpenAPI description (@octokit/openapi). Anything unknown or invalid is recorded as a violation and
// answered with an error, so the stand-in cannot drift from the real API unnoticed.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const require = createRequire(import.meta.url);
const SPEC_FILE = require.resolve('@octokit/openapi/generated/api.github.com.json');
const SPEC_ID = 'https://api.github.com/openapi.json';

interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Record<string, unknown>;
}
interface OpenApiOperation {
  operationId: string;
  parameters?: ({ $ref: string } | OpenApiParameter)[];
  requestBody?: { required?: boolean; content: Record<string, { schema: unknown }> };
  responses: Record<string, unknown>;
}
interface OpenApiSpec {
  paths: Record<string, Record<string, OpenApiOperation | unknown>>;
  components: { parameters: Record<string, OpenApiParameter>; examples: Record<string, { value: unknown }> };
}

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  pathParams: string[];
  operation: OpenApiOperation;
}

/** Parsed once per process: the spec is 13 MB. */
let loaded: { spec: OpenApiSpec; ajv: Ajv; routes: Route[] } | undefined;
function loadSpec(): { spec: OpenApiSpec; ajv: Ajv; routes: Route[] } {
  if (loaded) return loaded;
  const spec = JSON.parse(readFileSync(SPEC_FILE, 'utf8')) as OpenApiSpec;
  // OpenAPI 3.0 schemas: `nullable` is understood by ajv; descriptive keywords (example, x-github) are not errors.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  const addFormats = addFormatsModule as unknown as (a: Ajv) => Ajv;
  addFormats(ajv);
  ajv.addSchema(spec as object, SPEC_ID);
  const routes: Route[] = [];
  for (const [template, item] of Object.entries(spec.paths)) {
    const pathParams: string[] = [];
    const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{([^}]+)\\?\}/g, (_m, name: string) => {
      pathParams.push(name);
      return '([^/]+)';
    });
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'patch', 'put', 'delete'].includes(method)) continue;
      routes.push({ method: method.toUpperCase(), template, pattern: new RegExp(`^${source}$`), pathParams, operation: op as OpenApiOperation });
    }
  }
  // Literal segments beat parameters (`/issues/comments/{id}` vs `/issues/{issue_number}/comments`).
  routes.sort((a, b) => a.pathParams.length - b.pathParams.length);
  loaded = { spec, ajv, routes };
  return loaded;
}

function pointer(...segments: string[]): string {
  return `${SPEC_ID}#/${segments.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

export interface StandInComment {
  id: number;
  body: string;
  user: string;
  created_at: string;
  updated_at: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  operationId?: string;
  status: number;
  body?: string;
  authorization?: string;
}

export interface StandInOptions {
  owner: string;
  repo: string;
  /** Files of each pull request, by number. */
  pullFiles?: Record<number, string[]>;
  /** Existing comments per issue number. */
  comments?: Record<number, StandInComment[]>;
  /** Answer comment writes with 403, as GitHub does for a fork's read-only token. */
  forbidCommentWrites?: boolean;
  /** The token the client must send (`Authorization: token <t>` or `Bearer <t>`). */
  token?: string;
  /** Pull requests by number (`pulls/get`), with their head commit. */
  pulls?: Record<number, { headSha: string }>;
  /** Workflow-run artifacts (the fork-PR report hand-over); downloads redirect to a blob URL. */
  artifacts?: StandInArtifact[];
  /** Answer the next N valid requests with this error first (a flaky API, a secondary rate limit). */
  failNext?: { count: number; status: number; message: string; headers?: Record<string, string> };
}

export interface StandInArtifact {
  id: number;
  name: string;
  runId: number;
  headSha: string;
  /** The zip the download serves. */
  zip: Buffer;
  /** What the listing says (default: the zip's real sha256 and size). */
  digest?: string;
  sizeInBytes?: number;
}

export interface GitHubStandIn {
  url: string;
  requests: RecordedRequest[];
  /** Requests or responses that do not match GitHub's OpenAPI description. A test asserts this is empty. */
  violations: string[];
  comments: Map<number, StandInComment[]>;
  options: StandInOptions;
  close(): Promise<void>;
}

let nextCommentId = 1_000_000;

/** Some comments as earlier reviewers would leave them (to push ours onto a later page). */
export function otherComments(count: number): StandInComment[] {
  return Array.from({ length: count }, (_, i) => ({
    id: nextCommentId++,
    body: `Review note ${i + 1}: looks fine to me.`,
    user: 'a-reviewer',
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
  }));
}

export async function startGitHubStandIn(options: StandInOptions): Promise<GitHubStandIn> {
  const { spec, ajv, routes } = loadSpec();
  const requests: RecordedRequest[] = [];
  const violations: string[] = [];
  const comments = new Map<number, StandInComment[]>(
    Object.entries(options.comments ?? {}).map(([n, list]) => [Number(n), [...list]]),
  );
  const state = { url: '' };

  const validators = new Map<string, ValidateFunction>();
  function validatorFor(ref: string): ValidateFunction {
    let v = validators.get(ref);
    if (!v) {
      v = ajv.getSchema(ref);
      if (!v) throw new Error(`no schema at ${ref}`);
      validators.set(ref, v);
    }
    return v;
  }

  function resolveParam(p: { $ref: string } | OpenApiParameter): OpenApiParameter {
    if ('$ref' in p) return spec.components.parameters[p.$ref.split('/').pop() as string];
    return p;
  }

  function checkValue(where: string, param: OpenApiParameter, raw: string): void {
    const type = (param.schema?.type as string | undefined) ?? 'string';
    const value: unknown = type === 'integer' || type === 'number' ? Number(raw) : type === 'boolean' ? raw === 'true' : raw;
    if ((type === 'integer' && !Number.isInteger(value)) || (type === 'boolean' && raw !== 'true' && raw !== 'false')) {
      violations.push(`${where}: parameter ${param.name}=${raw} is not a ${type}`);
      return;
    }
    const v = ajv.compile(param.schema ?? {});
    if (!v(value)) violations.push(`${where}: parameter ${param.name}=${raw}: ${ajv.errorsText(v.errors)}`);
  }

  function send(res: ServerResponse, record: RecordedRequest, route: Route | undefined, status: number, body: unknown, headers: Record<string, string> = {}): void {
    record.status = status;
    if (route && status < 300) {
      const responseRef = pointer('paths', route.template, route.method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema');
      try {
        const v = validatorFor(responseRef);
        if (!v(body)) violations.push(`${route.method} ${route.template} response ${status}: ${ajv.errorsText(v.errors)}`);
      } catch (error) {
        violations.push(`${route.method} ${route.template}: the description has no ${status} JSON response (${String(error)})`);
      }
    }
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  }

  function commentJson(issueNumber: number, c: StandInComment): Record<string, unknown> {
    const example = structuredClone(spec.components.examples['issue-comment'].value) as Record<string, unknown>;
    const user = example.user as Record<string, unknown>;
    return {
      ...example,
      id: c.id,
      node_id: Buffer.from(`IssueComment${c.id}`).toString('base64'),
      url: `${state.url}/repos/${options.owner}/${options.repo}/issues/comments/${c.id}`,
      html_url: `https://github.com/${options.owner}/${options.repo}/pull/${issueNumber}#issuecomment-${c.id}`,
      issue_url: `${state.url}/repos/${options.owner}/${options.repo}/issues/${issueNumber}`,
      body: c.body,
      user: { ...user, login: c.user, type: c.user.endsWith('[bot]') ? 'Bot' : 'User' },
      created_at: c.created_at,
      updated_at: c.updated_at,
    };
  }

  function page<T>(items: T[], url: URL): { slice: T[]; link?: string } {
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100);
    const pageNo = Number(url.searchParams.get('page') ?? 1);
    const slice = items.slice((pageNo - 1) * perPage, pageNo * perPage);
    if (pageNo * perPage >= items.length) return { slice };
    const next = new URL(url.pathname, state.url);
    next.searchParams.set('per_page', String(perPage));
    next.searchParams.set('page', String(pageNo + 1));
    const last = new URL(next);
    last.searchParams.set('page', String(Math.ceil(items.length / perPage)));
    return { slice, link: `<${next}>; rel="next", <${last}>; rel="last"` };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', state.url);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname + url.search,
      status: 0,
      body: rawBody || undefined,
      authorization: req.headers.authorization,
    };
    requests.push(record);
    const where = `${record.method} ${url.pathname}`;

    // Artifact blobs live outside the REST API (Azure storage behind a signed URL in real life).
    const blob = /^\/_blobs\/(\d+)$/.exec(url.pathname);
    if (blob) {
      const artifact = options.artifacts?.find((a) => a.id === Number(blob[1]));
      record.status = artifact ? 200 : 404;
      res.writeHead(record.status, { 'content-type': 'application/zip' });
      res.end(artifact?.zip ?? '');
      return;
    }

    const route = routes.find((r) => r.method === record.method && r.pattern.test(url.pathname));
    if (!route) {
      violations.push(`${where}: no such endpoint in GitHub's REST description`);
      return send(res, record, undefined, 404, { message: 'Not Found' });
    }
    record.operationId = route.operation.operationId;

    // Parameters: path values and query strings against their declared schemas; no undeclared query keys.
    const match = route.pattern.exec(url.pathname) as RegExpExecArray;
    const params = (route.operation.parameters ?? []).map(resolveParam);
    const pathValues: Record<string, string> = {};
    route.pathParams.forEach((name, i) => (pathValues[name] = decodeURIComponent(match[i + 1])));
    for (const p of params) {
      if (p.in === 'path') checkValue(where, p, pathValues[p.name]);
      if (p.in === 'query') {
        const v = url.searchParams.get(p.name);
        if (v !== null) checkValue(where, p, v);
        else if (p.required) violations.push(`${where}: required query parameter ${p.name} missing`);
      }
    }
    for (const key of url.searchParams.keys()) {
      if (!params.some((p) => p.in === 'query' && p.name === key)) violations.push(`${where}: undeclared query parameter ${key}`);
    }
    // Body: JSON validated against the operation's request body schema.
    let body: unknown;
    if (route.operation.requestBody) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        violations.push(`${where}: body is not JSON`);
        return send(res, record, undefined, 400, { message: 'Problems parsing JSON' });
      }
      const v = validatorFor(pointer('paths', route.template, route.method.toLowerCase(), 'requestBody', 'content', 'application/json', 'schema'));
      if (!v(body)) {
        violations.push(`${where}: invalid body: ${ajv.errorsText(v.errors)}`);
        return send(res, record, undefined, 422, { message: 'Validation Failed' });
      }
    } else if (rawBody) {
      violations.push(`${where}: a body where the operation takes none`);
    }
    if (options.token && req.headers.authorization !== `token ${options.token}` && req.headers.authorization !== `Bearer ${options.token}`) {
      return send(res, record, undefined, 401, { message: 'Bad credentials' });
    }
    if (pathValues.owner !== undefined && (pathValues.owner !== options.owner || pathValues.repo !== options.repo)) {
      return send(res, record, undefined, 404, { message: 'Not Found' });
    }

    if (options.failNext && options.failNext.count > 0) {
      options.failNext.count--;
      return send(res, record, undefined, options.failNext.status, { message: options.failNext.message, documentation_url: 'https://docs.github.com/rest' }, options.failNext.headers);
    }
    const forbidden = {
      message: 'Resource not accessible by integration',
      documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
      status: '403',
    };
    switch (route.operation.operationId) {
      case 'pulls/list-files': {
        const files = options.pullFiles?.[Number(pathValues.pull_number)];
        if (!files) return send(res, record, undefined, 404, { message: 'Not Found' });
        const template = (spec.components.examples['diff-entry-items'].value as Record<string, unknown>[])[0];
        const all = files.map((filename) => ({ ...template, filename, status: 'modified', contents_url: `${state.url}/repos/x/y/contents/${filename}` }));
        const { slice, link } = page(all, url);
        return send(res, record, route, 200, slice, link ? { link } : {});
      }
      case 'issues/list-comments': {
        const n = Number(pathValues.issue_number);
        const list = comments.get(n) ?? [];
        const { slice, link } = page(list, url);
        return send(res, record, route, 200, slice.map((c) => commentJson(n, c)), link ? { link } : {});
      }
      case 'issues/create-comment': {
        if (options.forbidCommentWrites) return send(res, record, undefined, 403, forbidden);
        const n = Number(pathValues.issue_number);
        const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
        const c: StandInComment = { id: nextCommentId++, body: (body as { body: string }).body, user: 'github-actions[bot]', created_at: now, updated_at: now };
        comments.set(n, [...(comments.get(n) ?? []), c]);
        return send(res, record, route, 201, commentJson(n, c), { location: `${state.url}/repos/${options.owner}/${options.repo}/issues/comments/${c.id}` });
      }
      case 'issues/update-comment': {
        if (options.forbidCommentWrites) return send(res, record, undefined, 403, forbidden);
        const id = Number(pathValues.comment_id);
        for (const [n, list] of comments) {
          const c = list.find((x) => x.id === id);
          if (c) {
            c.body = (body as { body: string }).body;
            c.updated_at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
            return send(res, record, route, 200, commentJson(n, c));
          }
        }
        return send(res, record, undefined, 404, { message: 'Not Found' });
      }
      case 'actions/list-workflow-run-artifacts': {
        const template = (spec.components.examples['artifact-paginated'].value as { artifacts: Record<string, unknown>[] }).artifacts[0];
        const list = (options.artifacts ?? []).filter((a) => a.runId === Number(pathValues.run_id));
        const artifacts = list.map((a) => ({
          ...template,
          id: a.id,
          node_id: Buffer.from(`Artifact${a.id}`).toString('base64'),
          name: a.name,
          size_in_bytes: a.sizeInBytes ?? a.zip.length,
          url: `${state.url}/repos/${options.owner}/${options.repo}/actions/artifacts/${a.id}`,
          archive_download_url: `${state.url}/repos/${options.owner}/${options.repo}/actions/artifacts/${a.id}/zip`,
          digest: a.digest ?? `sha256:${createHash('sha256').update(a.zip).digest('hex')}`,
          workflow_run: { id: a.runId, repository_id: 1296269, head_repository_id: 1296270, head_branch: 'feature', head_sha: a.headSha },
        }));
        const { slice, link } = page(artifacts, url);
        return send(res, record, route, 200, { total_count: artifacts.length, artifacts: slice }, link ? { link } : {});
      }
      case 'pulls/get': {
        const pr = options.pulls?.[Number(pathValues.pull_number)];
        if (!pr) return send(res, record, undefined, 404, { message: 'Not Found' });
        const example = structuredClone(spec.components.examples['pull-request'].value) as { number: number; head: { sha: string }; requested_teams: unknown[] };
        // GitHub's own example lists a team without the `type` its schema requires: no teams here.
        example.requested_teams = [];
        example.number = Number(pathValues.pull_number);
        example.head.sha = pr.headSha;
        return send(res, record, route, 200, example);
      }
      case 'actions/download-artifact': {
        const artifact = options.artifacts?.find((a) => a.id === Number(pathValues.artifact_id));
        if (!artifact || pathValues.archive_format !== 'zip') return send(res, record, undefined, 404, { message: 'Not Found' });
        return send(res, record, route, 302, '', { location: `${state.url}/_blobs/${artifact.id}` });
      }
      default:
        violations.push(`${where}: ${route.operation.operationId} is a real endpoint the stand-in does not serve`);
        return send(res, record, undefined, 501, { message: 'not served by the stand-in' });
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      violations.push(`stand-in crashed: ${String(error)}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: state.url,
    requests,
    violations,
    comments,
    options,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
