/** The calls the shared HubClient does not make: any method, with or without the token, answering headers too. */
import type { IncomingHttpHeaders } from 'node:http';
import { answerError, callHub, HubError, parseAnswer } from '../client.js';
import type { HubAddress } from '../context.js';

/** A successful answer. */
export interface HubAnswer<T> {
  status: number;
  headers: IncomingHttpHeaders;
  body: T;
}

/** Calls the hub; throws HubError for a non-2xx answer and AppError when it cannot be reached. */
export async function hubCall<T>(address: HubAddress, method: string, path: string, body?: unknown, opts: { anonymous?: boolean } = {}): Promise<HubAnswer<T>> {
  const res = await callHub(address, method, path, body, opts);
  if (res.status < 200 || res.status > 299) throw opts.anonymous ? plainError(res.status, res.text) : answerError(address, res.status, res.text);
  return { status: res.status, headers: res.headers, body: parseAnswer<T>(res) };
}

/** The session secret in a Set-Cookie answer. */
export function sessionSecretOf(headers: IncomingHttpHeaders): string | undefined {
  for (const line of headers['set-cookie'] ?? []) {
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
