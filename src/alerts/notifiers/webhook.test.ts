// The webhook channel against a local receiver that checks the documented body and verifies the signature as a receiver would.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryError } from './channel.js';
import { createChannel } from './registry.js';
import { renderTest } from './render.js';
import { answer, firingPair, spec, startReceiver, type Receiver } from './testing/fixtures.js';
import type { WebhookBody } from './webhook.js';

let rx: Receiver | undefined;
afterEach(async () => rx?.close());
const ctx = { fetch };
const signal = () => AbortSignal.timeout(5_000);

/** What a receiver does: HMAC the raw body with the shared secret, compare in constant time. */
function verify(secret: string, rawBody: string, header: string | undefined): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`);
  const got = Buffer.from(header ?? '');
  return got.length === expected.length && timingSafeEqual(got, expected);
}

describe('webhook channel', () => {
  it('POSTs the documented body with a verifiable HMAC-SHA256 signature and timestamp', async () => {
    rx = await startReceiver();
    const channel = createChannel(spec({ name: 'hook', type: 'webhook', url: `${rx.url}/hooks/wh?token=abc`, secret: 's3cret' }), ctx);
    const n = firingPair();
    await channel.send(n, signal());
    const [req] = rx.requests;
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe('/hooks/wh?token=abc');
    expect(req!.headers['content-type']).toBe('application/json');
    expect(verify('s3cret', req!.raw, req!.headers['x-wheelhouse-signature'] as string)).toBe(true);
    expect(verify('wrong', req!.raw, req!.headers['x-wheelhouse-signature'] as string)).toBe(false);
    const body = req!.json as WebhookBody;
    expect(Number(req!.headers['x-wheelhouse-timestamp'])).toBe(Math.floor(Date.parse(body.sentAt) / 1000));
    expect(req!.headers['x-wheelhouse-delivery']).toBe(n.id);
    expect(req!.headers['x-wheelhouse-event']).toBe('firing');
    expect(body).toEqual({
      version: 1,
      id: n.id,
      status: 'firing',
      title: '[FIRING:2] HighCPU host=web-1',
      groupLabels: { host: 'web-1' },
      alerts: [
        {
          fingerprint: 'fp-cpu-web1',
          rule: 'HighCPU',
          state: 'firing',
          severity: 'critical',
          labels: { host: 'web-1', severity: 'critical' },
          annotations: { summary: 'CPU at 93.25% on web-1 (threshold 80)' },
          value: 93.25,
          startsAt: '2024-05-01T10:05:00.000Z',
          endsAt: null,
        },
        expect.objectContaining({ fingerprint: 'fp-cpu-web1-core3', severity: 'warning', value: 88.5 }),
      ],
      hubUrl: 'http://hub.example:8400',
      sentAt: expect.any(String),
    });
    // A tampered body no longer verifies.
    expect(verify('s3cret', req!.raw.replace('93.25', '13.25'), req!.headers['x-wheelhouse-signature'] as string)).toBe(false);
  });

  it('sends no signature without a secret, and marks test sends with status "test"', async () => {
    rx = await startReceiver();
    await createChannel(spec({ name: 'hook', type: 'webhook', url: rx.url }), ctx).send(renderTest('hook', ''), signal());
    const [req] = rx.requests;
    expect(req!.headers['x-wheelhouse-signature']).toBeUndefined();
    expect(req!.json).toMatchObject({ version: 1, status: 'test', alerts: [{ rule: 'WheelhouseTest', severity: 'info', labels: { channel: 'hook' } }] });
  });

  it.each([
    [500, true],
    [503, true],
    [408, true],
    [429, true],
    [400, false],
    [401, false],
    [404, false],
    [410, false],
    [301, false],
  ])('classifies HTTP %i as transient=%s', async (status, transient) => {
    rx = await startReceiver((_r, res) => answer(res, status, { error: 'nope' }, status === 301 ? { location: 'http://elsewhere.example/' } : {}));
    const err = await createChannel(spec({ name: 'hook', type: 'webhook', url: rx.url }), ctx).send(firingPair(), signal()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).transient).toBe(transient);
    expect((err as DeliveryError).message).toContain(`HTTP ${status}`);
  });

  it('reads Retry-After in seconds and as an HTTP date', async () => {
    rx = await startReceiver((_r, res, i) => answer(res, 429, {}, { 'retry-after': i === 0 ? '7' : new Date(Date.now() + 60_000).toUTCString() }));
    const channel = createChannel(spec({ name: 'hook', type: 'webhook', url: rx.url }), ctx);
    const first = (await channel.send(firingPair(), signal()).catch((e: unknown) => e)) as DeliveryError;
    expect(first.retryAfterMs).toBe(7_000);
    const second = (await channel.send(firingPair(), signal()).catch((e: unknown) => e)) as DeliveryError;
    expect(second.retryAfterMs).toBeGreaterThan(50_000);
    expect(second.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('reports a refused connection as transient, and an invalid URL as permanent with the URL masked', async () => {
    rx = await startReceiver();
    const url = rx.url;
    await rx.close();
    const refused = (await createChannel(spec({ name: 'hook', type: 'webhook', url }), ctx).send(firingPair(), signal()).catch((e: unknown) => e)) as DeliveryError;
    expect(refused.transient).toBe(true);
    expect(refused.message).toMatch(/ECONNREFUSED/);
    for (const bad of ['not a url', 'ftp://example.com/x', '']) {
      const channel = createChannel(spec({ name: 'hook', type: 'webhook', url: bad }), ctx);
      expect(channel.target).toBe('(invalid configuration)');
      const err = (await channel.send(firingPair(), signal()).catch((e: unknown) => e)) as DeliveryError;
      expect(err.transient).toBe(false);
      expect(err.message).toMatch(/invalid configuration of webhook channel "hook"/);
    }
    expect(createChannel(spec({ name: 'hook', type: 'webhook', url: 'https://user:pw@hooks.example.com/T1/B2/XYZ?k=v' }), ctx).target).toBe('https://hooks.example.com/***');
  });
});
