/**
 * The one interface every notification channel implements (one file per kind, see
 * registry.ts), the rendered notification they all receive, and the error they throw.
 */
import type { ChannelSpec } from '../../core/config/index.js';
import type { Severity } from '../../store/index.js';

/** One alert as channels (and the webhook body) see it. */
export interface AlertView {
  fingerprint: string;
  rule: string;
  state: 'pending' | 'firing' | 'resolved';
  severity: Severity;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  value: number | null;
  /** ISO 8601: when the alert fired (or started pending, if it never fired). */
  startsAt: string;
  /** ISO 8601: when it resolved; null while it is not resolved. */
  endsAt: string | null;
}

/** A notification ready for any channel: rendered once, shared by every channel it goes to. */
export interface RenderedNotification {
  /** Random id, the same for every attempt and channel: receivers may use it to drop duplicates. */
  id: string;
  /** 'test' only for `wheelhouse alerts test` / POST /api/channels/:name/test. */
  kind: 'firing' | 'resolved' | 'test';
  /** One line, e.g. "[FIRING:2] HighCPU host=web-1": subject, headline, preview. */
  title: string;
  groupLabels: Record<string, string>;
  alerts: AlertView[];
  /** Public base URL of the hub ('' when unknown). */
  hubUrl: string;
}

/**
 * A failed send. `transient` says whether trying again later may succeed (network errors,
 * timeouts, 5xx, 408, 429, SMTP 4xx) or not (other 4xx, SMTP 5xx, invalid configuration).
 * Messages never contain secrets (tokens, webhook paths, passwords).
 */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    message: string,
    readonly transient: boolean,
    /** The receiver asked to wait this long before the next attempt (Retry-After, retry_after). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * A configured destination. `send` resolves once the receiver accepted the notification and
 * rejects with a DeliveryError otherwise; it makes exactly one attempt (the delivery core
 * owns retries) and gives up promptly when `signal` aborts (timeout or hub stop), rejecting
 * with the signal's reason. A channel may be called concurrently (a test send beside a
 * queued delivery).
 */
export interface Channel {
  /** Where it sends, with secrets masked: for GET /api/channels and the logs. */
  readonly target: string;
  send(n: RenderedNotification, signal: AbortSignal): Promise<void>;
  /** Releases connections; called once when the notifier stops. */
  close?(): Promise<void>;
}

/** What a channel is built with besides its spec. */
export interface ChannelContext {
  fetch: typeof fetch;
}

/** Builds a channel from its spec; throws a permanent DeliveryError when the spec cannot work. */
export type ChannelFactory = (spec: ChannelSpec, ctx: ChannelContext) => Channel;

/** A permanent error for a spec that cannot work (missing field, bad URL). */
export function invalidConfig(spec: ChannelSpec, problem: string): DeliveryError {
  return new DeliveryError(`invalid configuration of ${spec.type} channel "${spec.name}": ${problem}`, false);
}

/** The spec's `url` as an http(s) URL, or an invalid-configuration error. */
export function httpUrl(spec: ChannelSpec, raw: string | null, field: string): URL {
  if (!raw) throw invalidConfig(spec, `"${field}" is missing`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidConfig(spec, `"${field}" is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidConfig(spec, `"${field}" must be an http or https URL`);
  return url;
}

/** Scheme and host only: webhook paths and queries often carry the secret (Slack, Discord). */
export function maskUrl(url: URL): string {
  const rest = url.pathname !== '/' || url.search ? '/***' : '';
  return `${url.protocol}//${url.host}${rest}`;
}
