// Upload auth without long-lived keys: a GitHub Actions OIDC token (`permissions: id-token: write`,
// `core.getIDToken(audience)`), verified with jose against the issuer's JWKS, the issuer and the
// audience, then matched against an allowlist of repository / workflow / ref claims. A matching rule
// grants ingest for its services (or every service when the rule names none).
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import picomatch from 'picomatch';
import { z } from 'zod';

const OidcAllowRuleSchema = z.object({
  /** `owner/repo` claim; glob (`my-org/*`). */
  repository: z.string().min(1),
  /** Workflow file, matched against `workflow_ref` and `job_workflow_ref` without the `@ref` part
   * (`my-org/app/.github/workflows/gatehouse.yml`); glob; omitted = any workflow. */
  workflow: z.string().min(1).optional(),
  /** `ref` claim (`refs/heads/main`); glob; omitted = any ref. */
  ref: z.string().min(1).optional(),
  /** Services this rule may ingest for; omitted = every service. */
  services: z.array(z.string().min(1)).optional(),
});

export const OidcConfigSchema = z.object({
  /** GitHub: https://token.actions.githubusercontent.com/.well-known/jwks */
  jwksUrl: z.string().url(),
  /** GitHub: https://token.actions.githubusercontent.com */
  issuer: z.string().min(1),
  /** The audience the workflow asks for (`core.getIDToken('gatehouse')`). */
  audience: z.string().min(1),
  allow: z.array(OidcAllowRuleSchema).min(1),
  algorithms: z.array(z.string()).default(['RS256']),
  /**
   * Refs whose tokens may upload `kind: snapshot` (globs; default the usual default-branch names).
   * A snapshot moves every finding's lifecycle (absent = fixed), so a pull-request ref (or any other
   * branch) may upload PR scans only. `refs/pull/*` never qualifies, whatever this says.
   */
  snapshotRefs: z.array(z.string().min(1)).min(1).default(['refs/heads/main', 'refs/heads/master']),
});
export type OidcConfig = z.input<typeof OidcConfigSchema>;

interface OidcIdentity {
  /** `oidc:owner/repo@refs/heads/main (workflow path)` — for scans.ingested_by and the audit log. */
  actor: string;
  repository: string;
  /** Empty = every service. */
  services: string[];
  /** Rate-limit bucket: one per repository. */
  rateKey: string;
  /** The token's `ref` claim may upload snapshots (config `snapshotRefs`); else PR scans only. */
  maySnapshot: boolean;
}

type OidcResult = { ok: true; identity: OidcIdentity } | { ok: false; reason: string };

export interface OidcVerifier {
  verify(jwt: string): Promise<OidcResult>;
}

const GithubClaimsSchema = z.object({
  repository: z.string(),
  ref: z.string().optional(),
  workflow: z.string().optional(),
  workflow_ref: z.string().optional(),
  job_workflow_ref: z.string().optional(),
});

export function looksLikeJwt(value: string): boolean {
  return /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/.test(value);
}

export function createOidcVerifier(input: OidcConfig): OidcVerifier {
  const config = OidcConfigSchema.parse(input);
  const jwks = createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000 });
  const snapshotRef = picomatch(config.snapshotRefs);
  const rules = config.allow.map((rule) => ({
    rule,
    repository: picomatch(rule.repository),
    workflow: rule.workflow ? picomatch(rule.workflow) : undefined,
    ref: rule.ref ? picomatch(rule.ref) : undefined,
  }));
  return {
    async verify(jwt) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(jwt, jwks, {
          issuer: config.issuer,
          audience: config.audience,
          algorithms: config.algorithms,
        }));
      } catch (err) {
        return { ok: false, reason: describeJoseError(err) };
      }
      const claims = GithubClaimsSchema.safeParse(payload);
      if (!claims.success) return { ok: false, reason: 'OIDC token has no repository claim' };
      const c = claims.data;
      const workflows = [c.workflow_ref, c.job_workflow_ref].filter((w): w is string => !!w).map((w) => w.split('@')[0]);
      const match = rules.find(
        (r) =>
          r.repository(c.repository) &&
          (!r.workflow || workflows.some((w) => r.workflow!(w))) &&
          (!r.ref || (c.ref !== undefined && r.ref(c.ref))),
      );
      if (!match) {
        return {
          ok: false,
          reason: `OIDC token of ${c.repository} (ref ${c.ref ?? '?'}, workflow ${workflows[0] ?? '?'}) matches no allow rule`,
        };
      }
      return {
        ok: true,
        identity: {
          actor: `oidc:${c.repository}@${c.ref ?? '?'}${workflows[0] ? ` (${workflows[0]})` : ''}`,
          repository: c.repository,
          services: match.rule.services ?? [],
          rateKey: `oidc:${c.repository}`,
          maySnapshot: refMaySnapshot(c.ref, snapshotRef),
        },
      };
    },
  };
}

/** Pull-request refs (`refs/pull/7/merge`, `/head`) never write snapshots, whatever the config says. */
export function refMaySnapshot(ref: string | undefined, allowed: (ref: string) => boolean): boolean {
  if (ref === undefined || ref.startsWith('refs/pull/')) return false;
  return allowed(ref);
}

function describeJoseError(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'OIDC token expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `OIDC token claim "${err.claim}" is not accepted (${err.reason})`;
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'OIDC token signature does not verify';
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'OIDC token is signed by a key the JWKS does not list';
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'OIDC token algorithm is not allowed';
  if (err instanceof joseErrors.JWKSTimeout) return 'OIDC JWKS did not answer in time';
  if (err instanceof joseErrors.JOSEError) return `OIDC token rejected (${err.code})`;
  return `OIDC token rejected (${err instanceof Error ? err.message : String(err)})`;
}
