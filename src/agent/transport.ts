/**
 * How the agent talks to the hub: POST /api/metrics/report over one kept-alive connection
 * (http, or https with the agent's client certificate), the body gzip'd. node:http rather
 * than fetch: fetch cannot present a client certificate without loading undici's own agent.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import type * as Https from 'node:https';
import { gzipSync } from 'node:zlib';

/** Where and as whom to report. */
export interface TransportOptions {
  /** The hub's base URL: http://hub:5004 (API key) or https://hub:5443 (the agents' TLS listener). */
  hub: string;
  apiKey?: string;
  /** PEM texts: the client certificate and key, and the CA that signed the hub's certificate. */
  tls?: { cert?: string; key?: string; ca?: string };
  timeoutMs?: number;
  userAgent: string;
}

/** The hub's answer. */
export interface Answer {
  status: number;
  /** Seconds, from Retry-After. */
  retryAfterS: number | null;
  body: string;
}

/** A connection to the hub's report endpoint. */
export class Transport {
  private readonly url: URL;
  private readonly agent: HttpAgent;
  private readonly secure: boolean;
  private readonly https: typeof Https | undefined;
  /** Bytes of the last request body as sent (gzip'd). */
  lastBodyBytes = 0;

  constructor(private readonly opts: TransportOptions) {
    this.url = new URL('/api/metrics/report', opts.hub.replace(/\/+$/, '') + '/');
    this.secure = this.url.protocol === 'https:';
    if (!this.secure && this.url.protocol !== 'http:') throw new Error(`--hub must be an http:// or https:// URL (got ${opts.hub})`);
    const keepAlive = { keepAlive: true, maxSockets: 1, keepAliveMsecs: 10_000 };
    // node:https (and OpenSSL's TLS state) only when it is used: a few MB of resident memory.
    this.https = this.secure ? (process.getBuiltinModule('node:https') as typeof Https) : undefined;
    this.agent = this.https ? new this.https.Agent({ ...keepAlive, ...opts.tls }) : new HttpAgent(keepAlive);
  }

  /** The gzip'd body of a batch (also what the benchmark counts as bytes on the wire). */
  static encode(json: string): Buffer {
    return gzipSync(json, { level: 6 });
  }

  /** Sends a JSON body; rejects on a network failure or timeout, resolves with any HTTP answer. */
  send(json: string): Promise<Answer> {
    const body = Transport.encode(json);
    this.lastBodyBytes = body.length;
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      'content-length': body.length,
      'user-agent': this.opts.userAgent,
    };
    if (this.opts.apiKey) headers['x-api-key'] = this.opts.apiKey;
    const request: (url: URL, o: RequestOptions, cb: (res: IncomingMessage) => void) => ReturnType<typeof httpRequest> = this.https?.request ?? httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(this.url, { method: 'POST', headers, agent: this.agent, timeout: this.opts.timeoutMs ?? 10_000 }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const ra = Number(res.headers['retry-after']);
          resolve({ status: res.statusCode ?? 0, retryAfterS: Number.isFinite(ra) && ra >= 0 ? ra : null, body: Buffer.concat(chunks).toString('utf8') });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`no answer from ${this.url.origin} within ${(this.opts.timeoutMs ?? 10_000) / 1000} s`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Closes the kept-alive connection. */
  close(): void {
    this.agent.destroy();
  }
}
