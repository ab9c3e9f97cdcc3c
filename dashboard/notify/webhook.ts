// The webhook notifier: the edge that talks HTTP. Each batch of events (one ingest, one SLA sweep) is
// claimed in the store first (a key already stored, by this process or another, before or after a
// restart, is never sent again), then POSTed, signed, with retries and exponential backoff. It never
// blocks or fails an ingest: `notifyIngest` returns at once and every error ends in a log line and,
// when delivery is given up, an audit entry. The webhook URL (Slack's carries a token) and the
// signing secret never appear in a log line, an audit entry or a payload.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../../src/logger.js';
import type { AuthStore, NotableFinding, NotifyStore, ReadStore } from '../store/types.js';
import { buildPayload, eventFromBreach, eventFromNotable, notificationKey, NOTIFY_EVENTS, signBody, type NotifyEvent } from './events.js';

export const WebhookConfigSchema = z.object({
  /** http(s) URL of the receiver (a Slack incoming webhook, or any JSON endpoint). */
  url: z.url({ protocol: /^https?$/ }),
  /** `slack`: `{ text }` (Slack-compatible); `json`: `{ schema, version, sentAt, events }`. */
  format: z.enum(['slack', 'json']).default('slack'),
  /** Which events are sent (default all). */
  events: z.array(z.enum(NOTIFY_EVENTS)).min(1).default([...NOTIFY_EVENTS]),
  /** Tries per batch, the first included. */
  maxAttempts: z.number().int().min(1).max(10).default(5),
  /** Wait before the 2nd try; doubled before each next one. */
  backoffMs: z.number().int().min(0).max(600_000).default(2_000),
  /** Per request. */
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  /** How often open findings are checked for SLA breaches (0: never). */
  slaCheckMinutes: z.number().min(0).max(10_080).default(15),
  /** The dashboard's public base URL, for links to findings in messages. */
  dashboardUrl: z.url({ protocol: /^https?$/ }).optional(),
});
type WebhookConfig = z.output<typeof WebhookConfigSchema>;

interface WebhookNotifierDeps {
  config: WebhookConfig;
  /** HMAC-SHA256 key for X-Gatehouse-Signature (GATEHOUSE_WEBHOOK_SECRET); unsigned without one. */
  secret?: string;
  store: NotifyStore & Pick<AuthStore, 'addAudit'> & Pick<ReadStore, 'listFindings'>;
  logger: Logger;
  now?: () => Date;
  /** Injected for tests; default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

/** Events per POST (a big first SLA sweep goes out in several). */
const BATCH = 100;
/** Findings read per page by the SLA sweep. */
const SWEEP_PAGE = 500;

export interface WebhookNotifier {
  /** Fire and forget: claims and sends in the background; never throws, never waits. */
  notifyIngest(notable: readonly NotableFinding[]): void;
  /** Sends every open finding past its SLA not notified before; resolves when done (the timer calls it). */
  checkSlaBreaches(): Promise<void>;
  /** Starts the SLA timer (unref'd). */
  start(): void;
  /** Stops the timer and waits for deliveries in flight (at most `waitMs`). */
  close(waitMs?: number): Promise<void>;
  /** Resolves when nothing is in flight (tests). */
  idle(): Promise<void>;
}

/** The receiver's origin only: a Slack webhook URL's path is its secret. */
function target(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(webhook)';
  }
}

export function createWebhookNotifier(deps: WebhookNotifierDeps): WebhookNotifier {
  const { config, store, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref()));
  const where = target(config.url);
  const wanted = new Set(config.events);
  const inFlight = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  /** Never rejects: every failure becomes a log line. */
  const track = (p: Promise<void>) => {
    const guarded = p.catch((err: unknown) => logger.error(`webhook ${where}: ${clean(err)}`));
    inFlight.add(guarded);
    void guarded.finally(() => inFlight.delete(guarded));
  };

  /** An error's text without the URL or the secret in it. */
  const clean = (err: unknown): string => {
    let text = err instanceof Error ? `${err.message}${err.cause instanceof Error ? ` (${err.cause.message})` : ''}` : String(err);
    text = text.replaceAll(config.url, where);
    if (deps.secret) text = text.replaceAll(deps.secret, '****');
    return text.slice(0, 300);
  };

  async function post(body: string, delivery: string): Promise<{ ok: true } | { ok: false; retry: boolean; error: string }> {
    const timestamp = Math.floor(now().getTime() / 1000);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'gatehouse-dashboard',
      'x-gatehouse-delivery': delivery,
      'x-gatehouse-timestamp': String(timestamp),
    };
    if (deps.secret) headers['x-gatehouse-signature'] = signBody(deps.secret, timestamp, body);
    try {
      const res = await fetch(config.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(config.timeoutMs), redirect: 'error' });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { ok: true };
      // 408, 429 and 5xx may pass on a later try; any other answer will not.
      const retry = res.status === 408 || res.status === 429 || res.status >= 500;
      return { ok: false, retry, error: `HTTP ${res.status}` };
    } catch (err) {
      return { ok: false, retry: true, error: clean(err) };
    }
  }

  async function deliver(events: NotifyEvent[]): Promise<void> {
    const fresh = events.filter((e) => wanted.has(e.event));
    if (fresh.length === 0) return;
    const byKey = new Map(fresh.map((e) => [notificationKey(e), e]));
    const claimed = await store.claimNotifications([...byKey].map(([key, e]) => ({ key, event: e.event, service: e.service, fingerprint: e.fingerprint })), now());
    for (let i = 0; i < claimed.length; i += BATCH) {
      const keys = claimed.slice(i, i + BATCH);
      await deliverBatch(keys, keys.map((k) => byKey.get(k)!));
    }
  }

  async function deliverBatch(keys: string[], events: NotifyEvent[]): Promise<void> {
    const body = JSON.stringify(buildPayload(config.format, events, now(), config.dashboardUrl));
    const delivery = randomUUID();
    let attempt = 0;
    let last = '';
    for (;;) {
      attempt++;
      const r = await post(body, delivery);
      if (r.ok) {
        await store.finishNotifications(keys, { status: 'delivered', attempts: attempt }, now());
        logger.info(`webhook ${where}: delivered ${events.length} notification(s) (${summary(events)}) on try ${attempt}`);
        return;
      }
      last = r.error;
      if (!r.retry || attempt >= config.maxAttempts || closed) break;
      const wait = config.backoffMs * 2 ** (attempt - 1);
      logger.warning(`webhook ${where}: try ${attempt} of ${config.maxAttempts} failed (${r.error}); retrying in ${wait} ms`);
      await sleep(wait);
    }
    await store.finishNotifications(keys, { status: 'failed', attempts: attempt, error: last }, now());
    logger.error(`webhook ${where}: gave up after ${attempt} tries: ${events.length} notification(s) (${summary(events)}) not delivered: ${last}`);
    await store.addAudit(
      'system',
      'notify.failed',
      { target: where, attempts: attempt, error: last, delivery, events: events.map((e) => ({ event: e.event, service: e.service, fingerprint: e.fingerprint })) },
      now(),
    );
  }

  async function checkSlaBreaches(): Promise<void> {
    if (!wanted.has('sla-breach')) return;
    const at = now();
    const events: NotifyEvent[] = [];
    for (let offset = 0; ; offset += SWEEP_PAGE) {
      const page = await store.listFindings({ state: 'open', slaBreached: true, sort: 'age', limit: SWEEP_PAGE, offset }, at);
      events.push(...page.items.map(eventFromBreach));
      if (page.items.length < SWEEP_PAGE) break;
    }
    await deliver(events);
  }

  return {
    notifyIngest(notable) {
      if (closed || notable.length === 0) return;
      track(deliver(notable.map(eventFromNotable)));
    },
    async checkSlaBreaches() {
      const p = checkSlaBreaches();
      track(p);
      await p.catch(() => undefined);
    },
    start() {
      if (config.slaCheckMinutes <= 0 || timer) return;
      void this.checkSlaBreaches();
      timer = setInterval(() => void this.checkSlaBreaches(), config.slaCheckMinutes * 60_000);
      timer.unref();
    },
    async close(waitMs = 5_000) {
      closed = true;
      if (timer) clearInterval(timer);
      const wait = new Promise<void>((r) => setTimeout(r, waitMs).unref());
      await Promise.race([Promise.all(inFlight), wait]);
    },
    async idle() {
      while (inFlight.size > 0) await Promise.all(inFlight);
    },
  };
}

function summary(events: readonly NotifyEvent[]): string {
  const n = new Map<string, number>();
  for (const e of events) n.set(e.event, (n.get(e.event) ?? 0) + 1);
  return [...n].map(([k, v]) => `${v} ${k}`).join(', ');
}
