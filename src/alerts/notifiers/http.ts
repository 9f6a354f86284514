/** One JSON POST for the HTTP channels, and the mapping of its outcome to DeliveryError. */
import { DeliveryError } from './channel.js';

/** What the receiver answered. */
export interface HttpReply {
  status: number;
  headers: Headers;
  /** The body, cut to 64 KB. */
  text: string;
}

const maxBody = 64 * 1024;

/**
 * POSTs `body` as JSON. Resolves with any answer (callers judge the status); rejects with a
 * transient DeliveryError when no answer came (refused, reset, DNS), or with the signal's
 * reason when it aborted. Redirects are not followed: a webhook that moved must be
 * reconfigured, not silently re-posted elsewhere.
 */
export async function postJson(fetchFn: typeof fetch, url: URL, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<HttpReply> {
  let res: Response;
  try {
    res = await fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'wheelhouse-notifier', ...headers },
      body,
      signal,
      redirect: 'manual',
    });
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    throw new DeliveryError(`network error: ${networkCause(err)}`, true);
  }
  let text: string;
  try {
    text = (await res.text()).slice(0, maxBody);
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    throw new DeliveryError(`network error reading the answer: ${networkCause(err)}`, true);
  }
  return { status: res.status, headers: res.headers, text };
}

/** undici hides the useful part ("connect ECONNREFUSED 127.0.0.1:9") in `cause`. */
function networkCause(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return cause.message?.includes(cause.code) ? cause.message : `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  return cause?.message ?? (err as Error).message ?? String(err);
}

/**
 * The DeliveryError for a non-2xx answer, or null for 2xx. 408, 429 and 5xx are transient
 * (Retry-After honoured); 3xx and other 4xx are permanent. `detail` replaces the body
 * snippet in the message (a service's own error field).
 */
export function statusError(reply: HttpReply, detail?: string, retryAfterMs?: number): DeliveryError | null {
  const { status } = reply;
  if (status >= 200 && status < 300) return null;
  const snippet = detail ?? reply.text.replace(/\s+/g, ' ').trim().slice(0, 200);
  const message = `HTTP ${status}${snippet ? `: ${snippet}` : ''}`;
  if (status >= 300 && status < 400) return new DeliveryError(`${message} (redirect to another URL; configure the final URL)`, false);
  const transient = status === 408 || status === 429 || status >= 500;
  return new DeliveryError(message, transient, transient ? (retryAfterMs ?? retryAfter(reply.headers)) : undefined);
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfter(headers: Headers, now = Date.now()): number | undefined {
  const raw = headers.get('retry-after')?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw) * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
