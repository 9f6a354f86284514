/** The CLI's HTTP client: every command that talks to a hub goes through here. */
import { AppError, type ErrorBody } from '../core/errors.js';
import type { HubAddress } from './context.js';

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
  constructor(private readonly address: HubAddress) {}

  /** GET a JSON resource. */
  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  /** POST a JSON body. */
  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.address.token) headers.authorization = `Bearer ${this.address.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${this.address.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new AppError(
        'hub/unreachable',
        `cannot reach the hub at ${this.address.url} (${cause === 'ECONNREFUSED' ? 'connection refused' : cause}). Start it with "wheelhouse up" (or "npm start"), or point WHEELHOUSE_URL at it.`,
      );
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      throw new HubError(res.status, 'internal', `the hub answered ${res.status} with a body that is not JSON`);
    }
    if (!res.ok) {
      const e = (parsed as ErrorBody | undefined)?.error;
      let message = e?.message ?? `HTTP ${res.status}`;
      if (res.status === 401 && !this.address.token) message += ` (no token: set WHEELHOUSE_TOKEN, or run on the hub's machine where ${this.address.tokenSource} is readable)`;
      else if (res.status === 401) message += ` (token from ${this.address.tokenSource})`;
      throw new HubError(res.status, e?.code ?? 'internal', message);
    }
    return parsed as T;
  }
}
