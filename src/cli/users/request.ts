/** The calls the shared HubClient does not make: any method, with or without the token, answering headers too. */
import { answerError, HubError, unreachable } from '../client.js';
import type { HubAddress } from '../context.js';

/** A successful answer. */
export interface HubAnswer<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** Calls the hub; throws HubError for a non-2xx answer and AppError when it cannot be reached. */
export async function hubCall<T>(address: HubAddress, method: string, path: string, body?: unknown, opts: { anonymous?: boolean } = {}): Promise<HubAnswer<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (address.token && !opts.anonymous) headers.authorization = `Bearer ${address.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`${address.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw unreachable(address, err);
  }
  const text = await res.text();
  if (!res.ok) throw opts.anonymous ? plainError(res.status, text) : answerError(address, res.status, text);
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
}

/** The session secret in a Set-Cookie answer. */
export function sessionSecretOf(headers: Headers): string | undefined {
  for (const line of headers.getSetCookie()) {
    const m = /^wh_session=([^;]+)/.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

// Without a token there is no "token from …" to explain: the hub's message as it is.
function plainError(status: number, text: string): HubError {
  try {
    const e = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
    return new HubError(status, e?.code ?? 'internal', e?.message ?? `HTTP ${status}`);
  } catch {
    return new HubError(status, 'internal', `the hub answered ${status} with a body that is not JSON`);
  }
}
