/** A local webhook receiver: records when each notification arrived and what it carried. */
import { createServer, type Server } from 'node:http';
import { epochMs } from '../lib/clock.js';

/** One received notification. */
export interface Arrival {
  /** Epoch ms (sub-millisecond) when the whole body had arrived. */
  at: number;
  status: string;
  hosts: string[];
  alertnames: string[];
}

/** The receiver. */
export class WebhookReceiver {
  readonly arrivals: Arrival[] = [];
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  /** Listens on a free loopback port. */
  static async start(): Promise<WebhookReceiver> {
    let self: WebhookReceiver | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const at = epochMs();
        res.writeHead(204).end();
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { status: string; alerts: { labels: Record<string, string> }[] };
          self!.arrivals.push({
            at,
            status: body.status,
            hosts: body.alerts.map((a) => a.labels.host ?? ''),
            alertnames: [...new Set(body.alerts.map((a) => a.labels.alertname ?? ''))],
          });
        } catch {
          self!.arrivals.push({ at, status: 'unparsable', hosts: [], alertnames: [] });
        }
        for (const w of self!.waiters.splice(0)) w();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    self = new WebhookReceiver(server, `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`);
    return self;
  }

  /** Resolves with the first arrival (from index `from` on) that `match` accepts; rejects after `timeoutMs`. */
  async waitFor(match: (a: Arrival) => boolean, timeoutMs: number, from = 0): Promise<Arrival> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.arrivals.slice(from).find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching webhook call within ${timeoutMs} ms`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => (clearTimeout(t), r()));
      });
    }
  }

  /** Stops listening. */
  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}
