/**
 * Generic webhook: POSTs a stable, versioned JSON body (WebhookBody) to the configured URL.
 * With a `secret`, the raw body is signed: `X-Wheelhouse-Signature: sha256=<hex HMAC-SHA256
 * of the exact body bytes, keyed by the secret>`. `X-Wheelhouse-Timestamp` (Unix seconds)
 * equals the body's signed `sentAt`, so receivers can refuse stale replays;
 * `X-Wheelhouse-Delivery` is the notification id, the same on every retry.
 */
import { createHmac } from 'node:crypto';
import { httpUrl, maskUrl, type AlertView, type ChannelFactory, type RenderedNotification } from './channel.js';
import { postJson, statusError } from './http.js';

/** Version of WebhookBody; bumped only for incompatible changes (fields may be added). */
export const webhookVersion = 1;

/** The JSON body of every webhook POST. */
export interface WebhookBody {
  version: typeof webhookVersion;
  /** Notification id: the same on retries (deduplicate on it). */
  id: string;
  /** 'test' only for test sends. */
  status: 'firing' | 'resolved' | 'test';
  title: string;
  groupLabels: Record<string, string>;
  alerts: AlertView[];
  /** Public base URL of the hub, '' when not configured. */
  hubUrl: string;
  /** ISO 8601 time of this attempt. */
  sentAt: string;
}

/** The body for one attempt. */
export function webhookBody(n: RenderedNotification, sentAt: Date): WebhookBody {
  return { version: webhookVersion, id: n.id, status: n.kind, title: n.title, groupLabels: n.groupLabels, alerts: n.alerts, hubUrl: n.hubUrl, sentAt: sentAt.toISOString() };
}

/** "sha256=<hex>": HMAC-SHA256 of the raw body with the channel secret. */
export function signature(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')}`;
}

/** The webhook channel. */
export const webhookChannel: ChannelFactory = (spec, ctx) => {
  const url = httpUrl(spec, spec.url, 'url');
  return {
    target: maskUrl(url),
    async send(n, signal) {
      const sentAt = new Date();
      const body = JSON.stringify(webhookBody(n, sentAt));
      const headers: Record<string, string> = {
        'x-wheelhouse-event': n.kind,
        'x-wheelhouse-delivery': n.id,
        'x-wheelhouse-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
      };
      if (spec.secret) headers['x-wheelhouse-signature'] = signature(spec.secret, body);
      const err = statusError(await postJson(ctx.fetch, url, body, headers, signal));
      if (err) throw err;
    },
  };
};
