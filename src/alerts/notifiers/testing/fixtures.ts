/** Test helpers for the notifiers: local receivers, an in-memory delivery log, sample alerts. Not part of the build. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChannelSpec } from '../../../core/config/index.js';
import type { AlertRecord, AlertRepo, DeliveryRecord } from '../../../store/index.js';
import { render } from '../render.js';
import type { RenderedNotification } from '../channel.js';

/** One request a receiver got. */
export interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** The raw body, exactly as sent (what a signature covers). */
  raw: string;
  json: unknown;
}

/** A local HTTP server recording every request; `reply` answers each (default 200 "ok"). */
export interface Receiver {
  url: string;
  requests: Received[];
  close(): Promise<void>;
}

/** Answers the n-th request (0-based); a reply that never ends `res` leaves the client waiting. */
export type Reply = (req: Received, res: ServerResponse, index: number) => unknown;

/** Starts a receiver on 127.0.0.1 and a free port. */
export async function startReceiver(reply: Reply = (_r, res) => res.end('ok')): Promise<Receiver> {
  const requests: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        json = undefined;
      }
      const r: Received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, json };
      const index = requests.push(r) - 1;
      void Promise.resolve(reply(r, res, index)).catch((err: unknown) => {
        res.statusCode = 599;
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers with `status`, a JSON body and headers. */
export function answer(res: ServerResponse, status: number, body: unknown = {}, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** An AlertRepo keeping only deliveries (in memory); the other methods are not used here. */
export function memoryAlertRepo(): AlertRepo & { records: DeliveryRecord[] } {
  const records: DeliveryRecord[] = [];
  const unused = async (): Promise<never> => {
    throw new Error('not part of the in-memory delivery log');
  };
  return {
    records,
    appendDelivery: async (d) => records.push({ ...d, id: records.length + 1, alerts: [...d.alerts] }),
    deliveries: async ({ channel, limit }) =>
      records
        .filter((d) => channel === undefined || d.channel === channel)
        .reverse()
        .slice(0, limit ?? 100),
    saveAlert: unused,
    active: unused,
    history: unused,
    createSilence: unused,
    silences: unused,
    expireSilence: unused,
    saveRule: unused,
    rules: unused,
    removeRule: unused,
  };
}

/** A channel spec with defaults for everything not given. */
export function spec(partial: Partial<ChannelSpec> & Pick<ChannelSpec, 'name' | 'type'>): ChannelSpec {
  return { url: null, secret: null, smtp: null, from: null, to: [], botToken: null, chatId: null, apiUrl: 'https://api.telegram.org', timeoutMs: 2_000, ...partial };
}

/** A firing alert record. */
export function alert(over: Partial<AlertRecord> = {}): AlertRecord {
  return {
    fingerprint: 'fp-cpu-web1',
    rule: 'HighCPU',
    state: 'firing',
    severity: 'critical',
    labels: { host: 'web-1', severity: 'critical' },
    annotations: { summary: 'CPU at 93.25% on web-1 (threshold 80)' },
    value: 93.25,
    started_at: '2024-05-01T10:00:00.000Z',
    fired_at: '2024-05-01T10:05:00.000Z',
    resolved_at: null,
    last_notified_at: null,
    updated_at: '2024-05-01T10:05:00.000Z',
    ...over,
  };
}

/** Two HighCPU alerts on web-1 (per-core), grouped by host: "[FIRING:2] HighCPU host=web-1". */
export function firingPair(hubUrl = 'http://hub.example:8400'): RenderedNotification {
  return render(
    {
      kind: 'firing',
      groupLabels: { host: 'web-1' },
      alerts: [alert(), alert({ fingerprint: 'fp-cpu-web1-core3', labels: { host: 'web-1', core: '3', severity: 'warning' }, severity: 'warning', value: 88.5, annotations: { summary: 'core 3 <busy> & "hot"' } })],
    },
    hubUrl,
  );
}
