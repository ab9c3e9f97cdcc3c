// Admin: create and revoke tokens (a new token is shown once, here, and never again) and read the
// audit log of admin actions. Every form carries the session's CSRF token.
import type { FC } from 'hono/jsx';
import { formatDateTime } from '../components/format.js';
import { Alerts, Layout, type ViewerInfo } from '../components/layout.js';
import type { AuditEntry, TokenInfo } from '../store/types.js';

export interface AdminPageProps {
  viewer: ViewerInfo;
  tokens: TokenInfo[];
  audit: AuditEntry[];
  now: Date;
  /** Just created: the value is shown once. */
  created?: { id: string; label: string; role: string; token: string };
  notice?: string;
  error?: string;
  /** The audit log's filter: one action family (`triage`), or every entry. */
  auditAction?: string;
}

/** The audit log's filter links: every entry, or one family of actions. */
export const AUDIT_FAMILIES = ['triage', 'token', 'session', 'scan'] as const;

export const AdminPage: FC<AdminPageProps> = ({ viewer, tokens, audit, now, created, notice, error, auditAction }) => (
  <Layout title="Admin" viewer={viewer} active="admin">
    <h1>Admin</h1>
    <Alerts error={error} notice={notice} />
    {created ? (
      <section class="alert new-token" aria-labelledby="new-token-h">
        <h2 id="new-token-h">New {created.role} token “{created.label}”</h2>
        <p>Copy it now: it is stored hashed and will not be shown again.</p>
        <input class="token-value mono" type="text" readonly value={created.token} aria-label="new token" />
      </section>
    ) : null}

    <section aria-labelledby="create-h">
      <h2 id="create-h">Create a token</h2>
      <form method="post" action="/admin/tokens" class="inline-form">
        <input type="hidden" name="_csrf" value={viewer.csrfToken} />
        <label>
          Label
          <input name="label" required maxlength={100} placeholder="ci payments" />
        </label>
        <label>
          Role
          <select name="role">
            <option value="ingest">ingest (upload scans)</option>
            <option value="viewer">viewer (read pages and API)</option>
            <option value="triager">triager (read, and triage findings)</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <label>
          Services (ingest only, comma-separated; empty = all)
          <input name="services" placeholder="payments, orders" />
        </label>
        <label>
          Expires in days (empty = never)
          <input name="expiresInDays" type="number" min="1" max="3650" />
        </label>
        <button type="submit">Create token</button>
      </form>
    </section>

    <section aria-labelledby="tokens-h">
      <h2 id="tokens-h">Tokens</h2>
      <table class="data tokens">
        <thead>
          <tr>
            <th>Label</th>
            <th>Role</th>
            <th>Services</th>
            <th>Created</th>
            <th>Last used</th>
            <th>Expires</th>
            <th>Status</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((t) => {
            const expired = t.expiresAt !== null && Date.parse(t.expiresAt) <= now.getTime();
            const status = t.revokedAt ? 'revoked' : expired ? 'expired' : 'active';
            return (
              <tr data-token={t.id} class={status !== 'active' ? 'inactive' : undefined}>
                <td>
                  {t.label}
                  {t.id === viewer.tokenId ? <span class="marker">you</span> : null}
                </td>
                <td>{t.role}</td>
                <td>{t.role === 'ingest' ? (t.services.length > 0 ? t.services.join(', ') : 'all') : '—'}</td>
                <td>{formatDateTime(t.createdAt)}</td>
                <td>{formatDateTime(t.lastUsedAt)}</td>
                <td>{t.expiresAt ? formatDateTime(t.expiresAt) : 'never'}</td>
                <td>
                  <span class={`token-status token-${status}`}>{status}</span>
                </td>
                <td>
                  {status === 'active' ? (
                    <form method="post" action={`/admin/tokens/${encodeURIComponent(t.id)}/revoke`}>
                      <input type="hidden" name="_csrf" value={viewer.csrfToken} />
                      <button type="submit" class="danger">
                        Revoke
                      </button>
                    </form>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>

    <section aria-labelledby="audit-h">
      <h2 id="audit-h">Audit log</h2>
      <nav class="filters" aria-label="Audit log filter">
        <span>Show:</span>
        {auditAction === undefined ? <strong aria-current="page">everything</strong> : <a href="/admin#audit-h">everything</a>}
        {AUDIT_FAMILIES.map((f) =>
          f === auditAction ? (
            <strong aria-current="page">{f}</strong>
          ) : (
            <a href={`/admin?action=${f}#audit-h`}>{f}</a>
          ),
        )}
      </nav>
      {audit.length === 0 ? (
        <p class="muted">{auditAction === undefined ? 'No admin actions yet.' : `No ${auditAction} entries.`}</p>
      ) : (
        <table class="data audit">
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>Action</th>
              <th>Detail</th>
            </tr>
          </thead>
          <tbody>
            {audit.map((e) => (
              <tr>
                <td class="nowrap">{formatDateTime(e.at)}</td>
                <td>{e.actor}</td>
                <td class="mono nowrap">{e.action}</td>
                <td class="mono small">{describeDetail(e.detail)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  </Layout>
);

/** `key=value` pairs, in a stable order, for the audit table. */
function describeDetail(detail: Record<string, unknown>): string {
  return Object.keys(detail)
    .sort()
    .map((k) => `${k}=${typeof detail[k] === 'string' ? detail[k] : JSON.stringify(detail[k])}`)
    .join(' ');
}
