// The repository a CLI scan names in `source.repository`, so the dashboard can tell this
// repository's services from same-named services of others (every repository has a `(root)`).
// From a git remote URL only the host and path are kept: a remote may carry a credential
// (`https://gitlab-ci-token:...@host/g/p.git`), which never reaches the report.

/** A repository name: path segments of URL-safe characters (`owner/name`, `host/group/sub/name`). */
const NAME = /^[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/;
const MAX_NAME = 200;
/** GitHub's `owner/name`, as GITHUB_REPOSITORY and the action's reports carry it. */
const GITHUB_NAME = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/;
const GITHUB_HOSTS = new Set(['github.com', 'www.github.com']);

/** `name` when it is a repository name the report may carry, else undefined. */
export function validRepositoryName(name: string): string | undefined {
  return name.length <= MAX_NAME && NAME.test(name) && !name.split('/').some((s) => s === '.' || s === '..') ? name : undefined;
}

/** `host` and the path of a remote URL (scheme URL or scp-like `user@host:path`); undefined for a local path. */
function hostAndPath(remote: string): { host: string; path: string } | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(remote);
  if (scheme) {
    const protocol = scheme[1]!.toLowerCase();
    if (!['https', 'http', 'ssh', 'git', 'git+ssh', 'ssh+git'].includes(protocol)) return undefined;
    let url: URL;
    try {
      url = new URL(remote);
    } catch {
      return undefined;
    }
    // username, password, port, query and fragment are dropped; only the host and path are kept.
    return url.hostname ? { host: url.hostname, path: decodeSafe(url.pathname) ?? '' } : undefined;
  }
  // scp-like `[user@]host:path` (git's rule: a colon before any slash); `C:\x` and `./a:b` are paths.
  // Without a user, a host is named only with a dot (`gitlab.example.com:g/p`), not `x:y`.
  const scp = /^([^@/:]+@)?([A-Za-z0-9.-]+):(?!\/\/)(.+)$/.exec(remote);
  if (scp && (scp[1] !== undefined || scp[2]!.includes('.'))) return { host: scp[2]!, path: scp[3]! };
  return undefined;
}

function decodeSafe(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

/**
 * The repository name of a git remote URL: `owner/name` for github.com (the name the action sends,
 * so a laptop push and a CI push of one repository agree), `host/path` elsewhere
 * (`gitlab.com/group/sub/project`); undefined for a local path or anything unparseable.
 */
export function repositoryFromRemote(remote: string): string | undefined {
  const parts = hostAndPath(remote.trim());
  if (!parts) return undefined;
  const host = parts.host.toLowerCase();
  const path = parts.path.replace(/^\/+/, '').replace(/\/+$/, '').replace(/\.git$/i, '');
  if (!path) return undefined;
  if (GITHUB_HOSTS.has(host)) return GITHUB_NAME.test(path) ? path : undefined;
  return validRepositoryName(`${host}/${path}`);
}

/**
 * The repository a scan names: `GITHUB_REPOSITORY` when set (a `gatehouse scan` in a GitHub
 * workflow without the action), else the `origin` remote's name (`remoteUrl` reads it), else none.
 */
export function scannedRepository(env: NodeJS.ProcessEnv, remoteUrl: () => string | undefined): string | undefined {
  const fromEnv = env.GITHUB_REPOSITORY?.trim();
  if (fromEnv && GITHUB_NAME.test(fromEnv)) return fromEnv;
  const remote = remoteUrl();
  return remote === undefined ? undefined : repositoryFromRemote(remote);
}
