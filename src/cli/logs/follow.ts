/**
 * `wheelhouse logs --follow`: new entries from the hub's live tail (GET /api/logs/stream,
 * a WebSocket), with reconnects. After every (re)connect the gap is filled over HTTP while
 * streamed entries wait in a buffer, so nothing is lost across a hub restart; every entry
 * goes through one gate that prints it only if its id is above the highest printed so far,
 * so nothing is printed twice.
 */
import WebSocket from 'ws';
import type { LogEntry } from '../../logs/index.js';
import { answerError, HubError, unreachable, type HubClient } from '../client.js';
import type { HubAddress } from '../context.js';
import { fetchNewest, maxTail } from './query.js';

/** What following needs. */
export interface FollowOptions {
  address: HubAddress;
  client: HubClient;
  /** The filter as the API's query parameters. */
  params: Record<string, string>;
  /** Only entries stamped at or after this time (the stream does not filter by time). */
  since?: number;
  /** The highest id already printed (or known to exist when nothing was printed). */
  lastId: number;
  /** Prints entries, oldest first. */
  print(entries: LogEntry[]): void;
  /** Prints a notice about the connection (not an entry). */
  notice(text: string): void;
  /** Following stops when this aborts. */
  signal: AbortSignal;
}

/** How often the connection is checked with a ping; no pong by the next check ends it. */
const heartbeatMs = 15_000;
const maxBackoffMs = 10_000;

/**
 * Follows until `signal` aborts, then resolves. Rejects when retrying cannot help: the first
 * connection fails, or the hub refuses the request (bad token, bad filter). A lost
 * connection is retried with backoff (0.25 s doubling to 10 s) for as long as it takes.
 */
export function follow(opts: FollowOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    let lastId = opts.lastId;
    let ws: WebSocket | null = null;
    /** Streamed entries held back while a catch-up runs; null when printing directly. */
    let held: LogEntry[] | null = null;
    let everReady = false;
    let lost = false;
    let attempt = 0;
    let retry: NodeJS.Timeout | undefined;
    let heartbeat: NodeJS.Timeout | undefined;
    let done = false;

    const gate = (entries: LogEntry[]): void => {
      if (done) return;
      const fresh = entries.filter((e) => e.id > lastId && (opts.since === undefined || Date.parse(e.timestamp) >= opts.since)).sort((a, b) => a.id - b.id);
      if (fresh.length === 0) return;
      lastId = fresh.at(-1)!.id;
      opts.print(fresh);
    };

    const finish = (err?: unknown): void => {
      if (done) return;
      done = true;
      clearTimeout(retry);
      clearInterval(heartbeat);
      opts.signal.removeEventListener('abort', onAbort);
      // terminate, not close: Ctrl-C must not wait for a closing handshake with a hub that may be gone.
      ws?.terminate();
      ws = null;
      if (err === undefined) resolve();
      else reject(err);
    };
    const onAbort = (): void => finish();
    if (opts.signal.aborted) return resolve();
    opts.signal.addEventListener('abort', onAbort);

    /** The connection `socket` is gone (closed, refused, or failed its catch-up). */
    const disconnected = (socket: WebSocket, reason: string): void => {
      if (done || ws !== socket) return;
      ws = null;
      held = null;
      clearInterval(heartbeat);
      socket.terminate();
      if (!everReady) return finish(unreachable(opts.address, new Error(`live tail: ${reason}`)));
      if (!lost) opts.notice(`connection to the hub lost (${reason}); reconnecting…`);
      lost = true;
      const delay = Math.min(maxBackoffMs, 250 * 2 ** attempt) * (0.8 + Math.random() * 0.4);
      attempt += 1;
      retry = setTimeout(connect, delay);
    };

    const catchUp = async (socket: WebSocket): Promise<void> => {
      try {
        const { entries, more } = await fetchNewest(opts.client, opts.params, maxTail, lastId);
        if (done || ws !== socket) return;
        if (more) opts.notice(`more than ${maxTail} entries arrived while disconnected; showing the newest ${maxTail}`);
        gate(entries);
        const waiting = held ?? [];
        held = null;
        gate(waiting);
      } catch (err) {
        // The hub refusing the request will not change by retrying; anything else might.
        if (err instanceof HubError && err.status >= 400 && err.status < 500) return finish(err);
        disconnected(socket, (err as Error).message);
      }
    };

    const connect = (): void => {
      if (done) return;
      const headers: Record<string, string> = {};
      if (opts.address.token) headers.authorization = `Bearer ${opts.address.token}`;
      const socket = new WebSocket(`${opts.address.url.replace(/^http/i, 'ws')}/api/logs/stream?${new URLSearchParams(opts.params)}`, { headers, handshakeTimeout: 10_000 });
      ws = socket;
      let alive = true;
      socket.on('unexpected-response', (req, res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          req.destroy();
          const status = res.statusCode ?? 0;
          if (status >= 400 && status < 500) return finish(answerError(opts.address, status, body));
          disconnected(socket, `HTTP ${status}`);
        });
        res.on('error', () => disconnected(socket, `HTTP ${res.statusCode}`));
      });
      socket.on('message', (data) => {
        let msg: { type?: string; entries?: LogEntry[] };
        try {
          msg = JSON.parse(String(data)) as typeof msg;
        } catch {
          return;
        }
        if (msg.type === 'ready') {
          if (lost) opts.notice('reconnected');
          everReady = true;
          lost = false;
          attempt = 0;
          held = [];
          void catchUp(socket);
        } else if (msg.type === 'entries' && Array.isArray(msg.entries)) {
          if (held) held.push(...msg.entries);
          else gate(msg.entries);
        }
      });
      socket.on('pong', () => (alive = true));
      socket.on('open', () => {
        clearInterval(heartbeat);
        heartbeat = setInterval(() => {
          if (!alive) return disconnected(socket, 'no answer to ping');
          alive = false;
          socket.ping();
        }, heartbeatMs);
      });
      let lastError = 'connection closed';
      socket.on('error', (err) => {
        lastError = reasonOf(err);
      });
      socket.on('close', () => disconnected(socket, lastError));
    };

    connect();
  });
}

function reasonOf(err: Error): string {
  const code = (err as { code?: string }).code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET') return 'connection reset';
  return code ?? err.message;
}
