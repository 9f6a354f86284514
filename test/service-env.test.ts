// What a supervised service gets from the hub: WHEELHOUSE_URL and an ingest-only token, so
// it can ship its own logs (wheelhouse/pino) and nothing more.
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, waitFor } from '../src/testing/helpers.js';
import { startTestHub, type TestHub } from '../src/testing/hub-inprocess.js';

let t: TestHub | undefined;
afterAll(async () => t?.close());

describe('service environment', () => {
  it('lets a service send logs with its ingest-only token, and nothing else', async () => {
    t = await startTestHub({ shipper: { command: [process.execPath, fixture('ship-log.mjs')], stop: { grace: '1s' } } });
    const auth = { authorization: `Bearer ${t.token}` };
    const line = await waitFor('the status line', async () => {
      const res = await t!.fetch('/api/logs?service=shipper&q=ingest', { headers: auth });
      const body = (await res.json()) as { logs: { message: string }[] };
      return body.logs.find((l) => l.message.startsWith('ingest '))?.message;
    });
    expect(line).toBe('ingest 200 services 403');
    const own = (await (await t.fetch('/api/logs?service=shipper&source=http', { headers: auth })).json()) as { logs?: unknown[]; error?: unknown };
    expect(own.error).toBeDefined(); // "source" is not a filter: a clear 400, not ignored
    const shipped = (await (await t.fetch('/api/logs?service=shipper&q=itself', { headers: auth })).json()) as { logs: { source: string }[] };
    expect(shipped.logs.map((l) => l.source)).toEqual(['http']);
  });
});
