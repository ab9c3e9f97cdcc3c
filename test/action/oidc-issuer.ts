// A stand-in for the GitHub Actions OIDC provider on 127.0.0.1: the runner's ID-token endpoint
// (ACTIONS_ID_TOKEN_REQUEST_URL, asked by `core.getIDToken(audience)` with the request token) and the
// issuer's JWKS, with a fresh RS256 key. Tokens carry GitHub's claims for the given repository.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export interface ActionsOidcStandIn {
  issuer: string;
  jwksUrl: string;
  /** ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN for the action's environment. */
  requestUrl: string;
  requestToken: string;
  /** Audiences the action asked for. */
  audiences: string[];
  close(): Promise<void>;
}

export async function startActionsOidc(claims: { repository: string; ref: string; workflowFile: string }): Promise<ActionsOidcStandIn> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'actions-1', alg: 'RS256', use: 'sig' };
  const requestToken = 'runtime-request-token-for-tests';
  const audiences: string[] = [];
  const state = { issuer: '' };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', state.issuer);
    if (url.pathname === '/.well-known/jwks') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
      return;
    }
    if (url.pathname === '/id-token' && req.headers.authorization === `Bearer ${requestToken}`) {
      const audience = url.searchParams.get('audience') ?? '';
      audiences.push(audience);
      const workflowRef = `${claims.repository}/.github/workflows/${claims.workflowFile}@${claims.ref}`;
      void new SignJWT({ repository: claims.repository, ref: claims.ref, workflow_ref: workflowRef, job_workflow_ref: workflowRef, sub: `repo:${claims.repository}:ref:${claims.ref}` })
        .setProtectedHeader({ alg: 'RS256', kid: 'actions-1' })
        .setIssuer(state.issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey)
        .then((value) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ value }));
        });
      return;
    }
    res.writeHead(url.pathname === '/id-token' ? 401 : 404);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer: state.issuer,
    jwksUrl: `${state.issuer}/.well-known/jwks`,
    requestUrl: `${state.issuer}/id-token?api-version=2.0`,
    requestToken,
    audiences,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
