/**
 * A small HTTP client for the hub's API over one keep-alive connection (node:http, no fetch:
 * its per-request overhead would show in millisecond latencies), timed from sending the
 * request to the last byte of the answer.
 */
import { Agent, request } from 'node:http';
import { now } from '../lib/clock.js';

/** A completed request: status, body and wall time in ms. */
export interface Answer {
  status: number;
  body: string;
  ms: number;
}

/** The hub's API with a bearer token. */
export class Api {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private readonly host: string;
  private readonly port: number;

  constructor(url: string, private readonly token: string) {
    const u = new URL(url);
    this.host = u.hostname;
    this.port = Number(u.port);
  }

  /** GET `path`, the whole answer. */
  async get(path: string): Promise<Answer> {
    let body = '';
    const r = await this.stream(path, (chunk) => (body += chunk.toString('utf8')));
    return { status: r.status, body, ms: r.ms };
  }

  /** GET `path` and parse the JSON answer; throws on any status but 200. */
  async json<T>(path: string): Promise<T> {
    const a = await this.get(path);
    if (a.status !== 200) throw new Error(`GET ${path}: HTTP ${a.status} ${a.body.slice(0, 300)}`);
    return JSON.parse(a.body) as T;
  }

  /** GET `path`, handing each chunk of the body to `onChunk` (streamed, never held whole). */
  stream(path: string, onChunk: (chunk: Buffer) => void): Promise<{ status: number; bytes: number; ms: number }> {
    const t0 = now();
    return new Promise((resolve, reject) => {
      const req = request({ host: this.host, port: this.port, path, method: 'GET', agent: this.agent, headers: { authorization: `Bearer ${this.token}` } }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          onChunk(chunk);
        });
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, ms: now() - t0 }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  /** Closes the kept-alive connection. */
  close(): void {
    this.agent.destroy();
  }
}
