/** The CLI's HTTP client: every command that talks to a hub goes through here. */
import { AppError, type ErrorBody } from '../core/errors.js';
import type { HubAddress } from './context.js';
import { exchange, type Answer } from './http.js';

/** An error answered by the hub, with its code and status. */
export class HubError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Calls the hub's API with the token. */
export class HubClient {
  private readonly address: Promise<HubAddress>;

  /** `address` may still be being worked out (hubAddress reads the config file only when it must). */
  constructor(address: HubAddress | Promise<HubAddress>) {
    this.address = Promise.resolve(address);
    // A bad config file rejects it; that is reported by the first request, and must not also
    // surface as an unhandled rejection when a command fails before it sends one.
    this.address.catch(() => {});
  }

  /** GET a JSON resource. */
  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  /** POST a JSON body. */
  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  /** DELETE a resource. */
  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const address = await this.address;
    const res = await callHub(address, method, path, body);
    if (res.status < 200 || res.status > 299) throw answerError(address, res.status, res.text);
    return parseAnswer<T>(res);
  }
}

/** Sends one request to the hub (with the address's token unless `anonymous`); throws AppError when it cannot be reached. */
export async function callHub(address: HubAddress, method: string, path: string, body?: unknown, opts: { anonymous?: boolean } = {}): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (address.token && !opts.anonymous) headers.authorization = `Bearer ${address.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  try {
    return await exchange(`${address.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw unreachable(address, err);
  }
}

/** The JSON body of a successful answer (undefined when empty). */
export function parseAnswer<T>(res: Answer): T {
  try {
    return (res.text ? JSON.parse(res.text) : undefined) as T;
  } catch {
    throw new HubError(res.status, 'internal', `the hub answered ${res.status} with a body that is not JSON`);
  }
}

/** The error for a hub that could not be reached at all (`err` from the socket). */
export function unreachable(address: HubAddress, err: unknown): AppError {
  const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code ?? (err as Error).message;
  return new AppError(
    'hub/unreachable',
    `cannot reach the hub at ${address.url} (${cause === 'ECONNREFUSED' ? 'connection refused' : cause}). Start it with "wheelhouse up" (or "npm start"), or point WHEELHOUSE_URL at it.`,
  );
}

/** The error for a hub's answer with a non-2xx `status` and body `text`; says where the token came from on a 401. */
export function answerError(address: HubAddress, status: number, text: string): HubError {
  let e: ErrorBody['error'] | undefined;
  try {
    e = text ? (JSON.parse(text) as ErrorBody | undefined)?.error : undefined;
  } catch {
    return new HubError(status, 'internal', `the hub answered ${status} with a body that is not JSON`);
  }
  let message = e?.message ?? `HTTP ${status}`;
  if (status === 401 && !address.token) message += ` (no token: set WHEELHOUSE_TOKEN, or run on the hub's machine where ${address.tokenSource} is readable)`;
  else if (status === 401) message += ` (token from ${address.tokenSource})`;
  return new HubError(status, e?.code ?? 'internal', message);
}
