// The dashboard's triage decisions as suppressions: the action (when `dashboard-url` is set) reads
// GET /api/v1/triage with the credential it uploads with and hands the decisions to the engine as
// suppressions (scan.ts `suppressions`), so the PR gate obeys a false positive, an accepted risk
// (until its date, then it counts again) or a "not affected" decided on the dashboard. The answer is
// validated with the shared schema (src/report/triage.ts).
import type { SourcedSuppression } from '../gate/suppressions.js';
import type { Logger } from '../logger.js';
import { ROOT_SERVICE_NAME, DashboardServiceNames } from '../report/service-name.js';
import { TRIAGE_STATUS_LABELS, TriageResponseSchema, expiryDay, type TriageDecision } from '../report/triage.js';
import type { PushAuth } from './client.js';

export interface TriageFetchInput {
  dashboardUrl: string;
  auth: PushAuth;
  logger: Logger;
  /** Services to ask about (the engine's names); undefined: every service the credential may read. */
  services?: string[];
  /** The repository scanned (`owner/name`): its root service's decisions are the engine's `(root)` (service-name.ts). */
  repository?: string;
  /** Tests. */
  fetchImpl?: typeof fetch;
}

/** One decision as a suppression of exactly that finding (service + fingerprint). */
export function triageSuppression(d: TriageDecision): SourcedSuppression {
  const label = TRIAGE_STATUS_LABELS[d.status];
  return {
    id: `dashboard ${label}: ${d.ruleId} in ${d.service}`,
    fingerprint: d.fingerprint,
    service: d.service,
    reason: `${label}${d.justification ? ` (${d.justification.replaceAll('_', ' ')})` : ''}: ${d.reason}`,
    ...(d.owner ? { owner: d.owner } : {}),
    ...(d.expiresAt ? { expires: expiryDay(d.expiresAt) } : {}),
    source: 'dashboard',
    decidedBy: d.decidedBy,
  };
}

/** The triage decisions in force for these services, as suppressions. Throws on HTTP or schema errors. */
export async function fetchTriageSuppressions(input: TriageFetchInput): Promise<SourcedSuppression[]> {
  const root = input.dashboardUrl.endsWith('/') ? input.dashboardUrl : `${input.dashboardUrl}/`;
  const url = new URL('api/v1/triage', root);
  const names = new DashboardServiceNames(input.services ?? [ROOT_SERVICE_NAME], input.repository);
  for (const s of input.services ?? []) url.searchParams.append('service', names.dashboard(s));
  // Only this repository's services: a credential that reads several repositories must not bring
  // the decision on another repository's same-named service to an identical finding here.
  if (input.repository) url.searchParams.set('repository', input.repository);
  const authorization = input.auth.kind === 'token' ? `Bearer ${input.auth.token}` : `Bearer ${await input.auth.getIdToken(input.auth.audience)}`;
  const get = (u: URL) => (input.fetchImpl ?? fetch)(u, { headers: { authorization, accept: 'application/json' }, signal: AbortSignal.timeout(30_000) });
  let res = await get(url);
  if (res.status === 400 && input.repository && (await isUnknownRepositoryParameter(res))) {
    // A dashboard older than `?repository=`: its decisions on every service the credential reads, as before.
    input.logger.warning('the dashboard does not filter triage decisions by repository (upgrade it): the decisions on every service this credential reads apply');
    url.searchParams.delete('repository');
    res = await get(url);
  }
  // The dashboard's own error text, without control characters (it goes to a terminal and a log).
  if (!res.ok) throw new Error(`GET ${url.pathname}: HTTP ${res.status} ${(await res.text()).slice(0, 200).replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')}`);
  const body = TriageResponseSchema.parse(await res.json());
  input.logger.info(`dashboard triage: ${body.decisions.length} decision(s) in force${input.services ? ` for ${input.services.join(', ')}` : ''}`);
  return body.decisions.map((d) => triageSuppression({ ...d, service: names.engine(d.service) }));
}

/**
 * The decisions as suppressions, or none with a warning when they cannot be read (the action and
 * `gatehouse scan --dashboard`): the gate then counts every finding, the strict side.
 */
export async function triageSuppressionsOrWarn(input: TriageFetchInput): Promise<SourcedSuppression[] | undefined> {
  try {
    return await fetchTriageSuppressions(input);
  } catch (error) {
    // No message quotes the credential; should one ever do, it is masked here.
    const message = error instanceof Error ? error.message : String(error);
    const said = input.auth.kind === 'token' && input.auth.token.length > 0 ? message.replaceAll(input.auth.token, '****') : message;
    input.logger.warning(`reading the triage decisions from the dashboard failed (the gate counts every finding): ${said}`);
    return undefined;
  }
}

/**
 * A 400 naming `repository` as a key the dashboard does not know (a version before it), not one
 * refusing its value: only then is the read made again without the filter.
 */
async function isUnknownRepositoryParameter(res: Response): Promise<boolean> {
  try {
    const body = (await res.clone().json()) as { field?: unknown; error?: unknown };
    return body.field === 'repository' && typeof body.error === 'string' && /unrecognized key/i.test(body.error);
  } catch {
    return false;
  }
}
