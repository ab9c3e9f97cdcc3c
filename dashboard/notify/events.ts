// Notification events and payloads, as pure functions: what a new critical or KEV-listed finding on
// the default branch, or an SLA breach, becomes in a webhook body (Slack-compatible or plain JSON),
// and how the body is signed. Only named fields of a finding go out: never its message, fix text,
// code or secret preview, so no secret value can reach a receiver.
import { createHmac } from 'node:crypto';
import type { Finding, Severity } from '../../src/findings/finding.js';
import { whereText } from '../store/rows.js';
import type { FindingRow, NotableFinding } from '../store/types.js';

export const NOTIFY_EVENTS = ['new-critical', 'new-kev', 'kev-listed', 'sla-breach'] as const;
type NotifyEventKind = (typeof NOTIFY_EVENTS)[number];

export interface NotifyEvent {
  event: NotifyEventKind;
  service: string;
  fingerprint: string;
  /** Start of the finding's open period (part of the dedup key: a reopened finding is a new event). */
  openedAt: string;
  severity: Severity;
  category: Finding['category'];
  ruleId: string;
  title: string;
  where: string;
  kev: { cve: string; dueDate: string | null; ransomware: 'known' | 'unknown' } | null;
  epss: { probability: number; percentile: number } | null;
  /** For `sla-breach`: the due date that passed. */
  slaDueAt: string | null;
}

/** The dedup key: the same finding is never notified twice for the same event and open period. */
export function notificationKey(e: Pick<NotifyEvent, 'event' | 'service' | 'fingerprint' | 'openedAt'>): string {
  return `${e.event}|${e.service}|${e.fingerprint}|${e.openedAt}`;
}

function kevOf(k: Finding['kev'] | FindingRow['kev']): NotifyEvent['kev'] {
  return k ? { cve: k.cve, dueDate: k.dueDate ?? null, ransomware: k.ransomware } : null;
}

function epssOf(e: Finding['epss'] | FindingRow['epss']): NotifyEvent['epss'] {
  return e ? { probability: e.probability, percentile: e.percentile } : null;
}

/** An ingest's notable finding as an event. */
export function eventFromNotable(n: NotableFinding): NotifyEvent {
  const f = n.finding;
  return {
    event: n.event,
    service: n.service,
    fingerprint: n.fingerprint,
    openedAt: n.openedAt,
    severity: f.severity,
    category: f.category,
    ruleId: f.ruleId,
    title: f.title,
    where: whereText(f),
    kev: kevOf(f.kev),
    epss: epssOf(f.epss),
    slaDueAt: null,
  };
}

/** An open finding past its SLA as an event. */
export function eventFromBreach(row: FindingRow): NotifyEvent {
  return {
    event: 'sla-breach',
    service: row.service,
    fingerprint: row.fingerprint,
    openedAt: row.openedAt,
    severity: row.severity,
    category: row.category,
    ruleId: row.ruleId,
    title: row.title,
    where: row.where,
    kev: kevOf(row.kev),
    epss: epssOf(row.epss),
    slaDueAt: row.slaDueAt,
  };
}

type WebhookFormat = 'slack' | 'json';

const HEADLINE: Record<NotifyEventKind, string> = {
  'new-critical': 'New critical finding',
  'new-kev': 'New finding on the CISA KEV list',
  'kev-listed': 'Open finding now on the CISA KEV list',
  'sla-breach': 'SLA breached',
};

/** Slack's three escapes (&, <, >), so tool text cannot mention (<!channel>) or link. */
function slackText(text: string): string {
  return text.slice(0, 300).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function findingUrl(base: string | undefined, e: NotifyEvent): string | undefined {
  if (!base) return undefined;
  return `${base.replace(/\/+$/, '')}/services/${encodeURIComponent(e.service)}/findings/${encodeURIComponent(e.fingerprint)}`;
}

/** Lines listed in a Slack message; the rest are counted. */
const SLACK_MAX_LINES = 20;

/** The webhook body for a batch of events. `dashboardUrl`: the public base URL for links. */
export function buildPayload(format: WebhookFormat, events: readonly NotifyEvent[], sentAt: Date, dashboardUrl?: string): Record<string, unknown> {
  if (format === 'json') {
    return {
      schema: 'gatehouse/notification',
      version: 1,
      sentAt: sentAt.toISOString(),
      events: events.map((e) => ({ ...e, url: findingUrl(dashboardUrl, e) ?? null })),
    };
  }
  const lines = events.slice(0, SLACK_MAX_LINES).map((e) => {
    const url = findingUrl(dashboardUrl, e);
    const title = slackText(e.title || e.ruleId);
    const extra = [
      e.kev ? `KEV${e.kev.ransomware === 'known' ? ' (ransomware)' : ''}${e.kev.dueDate ? `, due ${e.kev.dueDate}` : ''}` : undefined,
      e.epss ? `EPSS ${(e.epss.probability * 100).toFixed(1)}% (p${Math.round(e.epss.percentile * 100)})` : undefined,
      e.slaDueAt ? `SLA due ${e.slaDueAt.slice(0, 10)}` : undefined,
    ].filter(Boolean);
    return `• *${HEADLINE[e.event]}* in *${slackText(e.service)}*: ${e.severity} ${url ? `<${url}|${title}>` : title} (${slackText(e.ruleId)}, ${slackText(e.where)})${extra.length ? ` · ${extra.join(' · ')}` : ''}`;
  });
  if (events.length > SLACK_MAX_LINES) lines.push(`…and ${events.length - SLACK_MAX_LINES} more`);
  const kinds = [...new Set(events.map((e) => e.event))];
  const summary = `Gatehouse: ${events.length} ${kinds.length === 1 ? HEADLINE[kinds[0]].toLowerCase() : 'notification'}${events.length === 1 ? '' : 's'}`;
  return { text: `${summary}\n${lines.join('\n')}` };
}

/** `sha256=<hex>` of HMAC-SHA256(secret, "<timestamp>.<body>"): what X-Gatehouse-Signature carries. */
export function signBody(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}
