// The delivery core through createNotifier: queues per channel, retries with backoff, the delivery log, faults.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { isAppError } from '../../core/errors.js';
import { tempDir, waitFor } from '../../testing/helpers.js';
import { openStore, type AlertRepo, type DeliveryRecord } from '../../store/index.js';
import { backoff, defaultDeliveryOptions } from './delivery.js';
import { createNotifier, type Notification, type NotifierDeps } from './index.js';
import { alert, answer, memoryAlertRepo, spec, startReceiver, type Receiver } from './testing/fixtures.js';
import { startSmtp, type TestSmtp } from './testing/smtp.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const rx = await startReceiver(...args);
  cleanup.push(() => rx.close());
  return rx;
}

/** Log lines at warn and above, parsed. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'warn' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { logger, lines };
}

/** A notifier with fast retries; `delays` records every backoff it asked for. */
function notifier(channels: NotifierDeps['channels'], over: Partial<NotifierDeps> = {}) {
  const repo = memoryAlertRepo();
  const delays: number[] = [];
  const { logger, lines } = capture();
  const n = createNotifier({
    channels,
    repo,
    logger,
    hubUrl: 'http://hub.example',
    delivery: {
      maxAttempts: 3,
      sleep: async (ms) => {
        delays.push(ms);
        await new Promise((r) => setTimeout(r, 2));
      },
    },
    ...over,
  });
  cleanup.push(() => n.stop());
  return { n, repo, delays, lines };
}

const note = (channels: string[], over: Partial<Notification> = {}): Notification => ({ kind: 'firing', groupLabels: { host: 'web-1' }, alerts: [alert()], channels, ...over });
const hook = (name: string, url: string, timeoutMs = 2_000) => spec({ name, type: 'webhook', url, timeoutMs });
const statuses = (records: DeliveryRecord[], channel: string) => records.filter((r) => r.channel === channel).map((r) => `${r.status}#${r.attempt}`);
const final = (repo: { records: DeliveryRecord[] }, channel: string) => () => repo.records.find((r) => r.channel === channel && r.status !== 'retrying');

describe('delivery', () => {
  it('returns from dispatch at once and retries a 500: the log shows retrying then sent', async () => {
    const rx = await receiver((_r, res, i) => (i === 0 ? answer(res, 500, 'database is down') : res.end('ok')));
    const { n, repo } = notifier([hook('a', rx.url)]);
    n.dispatch(note(['a']));
    expect(rx.requests).toHaveLength(0); // nothing was sent before dispatch returned
    await waitFor('sent', final(repo, 'a'));
    expect(statuses(repo.records, 'a')).toEqual(['retrying#1', 'sent#2']);
    expect(repo.records[0]).toMatchObject({ channel: 'a', alerts: ['fp-cpu-web1'], kind: 'firing', error: expect.stringMatching(/^HTTP 500: database is down; next attempt in \d+ ms$/) });
    expect(repo.records[1]!.error).toBeNull();
    // Both attempts carried the same notification id, for receivers that deduplicate.
    expect(new Set(rx.requests.map((r) => r.headers['x-wheelhouse-delivery'])).size).toBe(1);
  });

  it('writes the attempts to a real SQLite delivery log, newest first', async () => {
    const store = await openStore({ kind: 'sqlite' }, tempDir('wh-notify-'));
    cleanup.push(() => store.close());
    const rx = await receiver((_r, res, i) => (i === 0 ? answer(res, 502, 'bad gateway') : res.end('ok')));
    const { n } = notifier([hook('a', rx.url), hook('b', rx.url)], { repo: store.alerts });
    n.dispatch(note(['a']));
    await waitFor('sent', async () => (await store.alerts.deliveries({ channel: 'a' }))[0]?.status === 'sent');
    const rows = await store.alerts.deliveries({ channel: 'a', limit: 10 });
    expect(rows.map((r) => [r.channel, r.kind, r.status, r.attempt, r.alerts])).toEqual([
      ['a', 'firing', 'sent', 2, ['fp-cpu-web1']],
      ['a', 'firing', 'retrying', 1, ['fp-cpu-web1']],
    ]);
    expect(rows[1]!.error).toMatch(/^HTTP 502: bad gateway; next attempt in \d+ ms$/);
    expect(await store.alerts.deliveries({ channel: 'b' })).toEqual([]);
  });

  it('times out a receiver that never answers, retries it, and meanwhile delivers to the other channel', async () => {
    const dead = await receiver(() => {}); // accepts the connection, never answers
    const ok = await receiver();
    const { n, repo } = notifier([hook('dead', dead.url, 300), hook('ok', ok.url)]);
    n.dispatch(note(['dead', 'ok']));
    n.dispatch(note(['ok'], { kind: 'resolved' }));
    await waitFor('the healthy channel', () => statuses(repo.records, 'ok').length === 2);
    // By ordering, not timing: both reached "ok" while "dead" is still at it (no final record, still queued).
    expect(statuses(repo.records, 'ok')).toEqual(['sent#1', 'sent#1']);
    expect(final(repo, 'dead')()).toBeUndefined();
    expect(n.channels().find((c) => c.name === 'dead')!.queued).toBe(1);
    const last = await waitFor('dead gives up', final(repo, 'dead'));
    expect(statuses(repo.records, 'dead')).toEqual(['retrying#1', 'retrying#2', 'failed#3']);
    expect(repo.records.find((r) => r.channel === 'dead')!.error).toMatch(/^timed out after 300 ms; next attempt in/);
    expect(last.error).toBe('timed out after 300 ms; gave up after 3 attempts');
    expect(dead.requests).toHaveLength(3);
  });

  it('gives up on a channel whose fetch ignores the abort signal (injected fetch)', async () => {
    const hang: typeof fetch = () => new Promise(() => {});
    const { n, repo } = notifier([hook('stuck', 'http://127.0.0.1:9/', 100)], { fetch: hang });
    n.dispatch(note(['stuck']));
    const last = await waitFor('failed', final(repo, 'stuck'));
    expect(last.error).toBe('timed out after 100 ms; gave up after 3 attempts');
  });

  it('waits as long as a 429 Retry-After asks, then sends', async () => {
    const rx = await receiver((_r, res, i) => (i === 0 ? answer(res, 429, 'slow down', { 'retry-after': '2' }) : res.end('ok')));
    const { n, repo, delays } = notifier([hook('a', rx.url)]);
    n.dispatch(note(['a']));
    await waitFor('sent', final(repo, 'a'));
    expect(delays).toEqual([2_000]);
    expect(statuses(repo.records, 'a')).toEqual(['retrying#1', 'sent#2']);
    expect(repo.records[0]!.error).toBe('HTTP 429: slow down; next attempt in 2000 ms');
  });

  it('fails at once when Retry-After is longer than allowed', async () => {
    const rx = await receiver((_r, res) => answer(res, 503, '', { 'retry-after': '3600' }));
    const { n, repo } = notifier([hook('a', rx.url)]);
    n.dispatch(note(['a']));
    const last = await waitFor('failed', final(repo, 'a'));
    expect(last).toMatchObject({ status: 'failed', attempt: 1, error: 'HTTP 503; the receiver asks to wait 3600 s, more than the 300 s allowed' });
  });

  it.each([
    ['a 400', async () => (await receiver((_r, res) => answer(res, 400, 'bad payload'))).url, 'HTTP 400: bad payload'],
    ['an invalid URL', async () => 'http//missing-colon', 'invalid configuration of webhook channel "a": "url" is not a valid URL'],
  ])('does not retry %s', async (_what, url, error) => {
    const { n, repo } = notifier([hook('a', await url())]);
    n.dispatch(note(['a']));
    await waitFor('failed', final(repo, 'a'));
    expect(repo.records).toEqual([expect.objectContaining({ status: 'failed', attempt: 1, error })]);
  });

  it('retries a refused connection with growing delays, then gives up', async () => {
    const rx = await receiver();
    const url = rx.url;
    await rx.close();
    const { n, repo, delays } = notifier([hook('a', url)], {});
    n.dispatch(note(['a']));
    const last = await waitFor('failed', final(repo, 'a'));
    expect(statuses(repo.records, 'a')).toEqual(['retrying#1', 'retrying#2', 'failed#3']);
    expect(last.error).toMatch(/^network error: .*ECONNREFUSED.*; gave up after 3 attempts$/);
    // Default base delay 4 s, doubled, ±50 % jitter.
    expect(delays).toHaveLength(2);
    expect(delays[0]).toBeGreaterThanOrEqual(2_000);
    expect(delays[0]).toBeLessThanOrEqual(4_000);
    expect(delays[1]).toBeGreaterThanOrEqual(4_000);
    expect(delays[1]).toBeLessThanOrEqual(8_000);
  });

  it('retries an SMTP 4xx and not an SMTP 5xx', async () => {
    const smtps: TestSmtp[] = [await startSmtp({ rcpt: (_a, i) => (i === 0 ? 451 : null) }), await startSmtp({ rcpt: () => 550 })];
    cleanup.push(() => Promise.all(smtps.map((s) => s.close())));
    const mail = (name: string, port: number) => spec({ name, type: 'email', smtp: { host: '127.0.0.1', port, secure: false, user: null, password: null }, from: 'a@example.com', to: ['b@example.com'] });
    const { n, repo } = notifier([mail('grey', smtps[0]!.port), mail('bounce', smtps[1]!.port)]);
    n.dispatch(note(['grey', 'bounce']));
    await waitFor('both done', () => final(repo, 'grey')() && final(repo, 'bounce')());
    expect(statuses(repo.records, 'grey')).toEqual(['retrying#1', 'sent#2']);
    expect(statuses(repo.records, 'bounce')).toEqual(['failed#1']);
    expect(smtps[0]!.mails).toHaveLength(1);
    expect(smtps[1]!.attempts).toBe(1);
  });

  it('keeps each channel in order and drops the oldest waiting notification past the queue limit', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const rx = await receiver(async (_r, res, i) => {
      if (i === 0) await gate;
      res.end('ok');
    });
    const { n, repo, lines } = notifier([hook('a', rx.url)], { delivery: { queueLimit: 2 } });
    const values = [1, 2, 3, 4, 5];
    for (const v of values) n.dispatch(note(['a'], { alerts: [alert({ fingerprint: `fp${v}`, value: v })] }));
    await waitFor('first request in flight', () => rx.requests.length === 1);
    expect(n.channels()).toEqual([{ name: 'a', type: 'webhook', target: rx.url, queued: 3, dropped: 2 }]);
    release();
    await waitFor('all sent', () => repo.records.filter((r) => r.status === 'sent').length === 3);
    expect(rx.requests.map((r) => (r.json as { alerts: { value: number }[] }).alerts[0]!.value)).toEqual([1, 4, 5]);
    expect(repo.records.filter((r) => r.status === 'failed')).toEqual([
      expect.objectContaining({ alerts: ['fp2'], attempt: 0, error: 'dropped: more than 2 notifications waiting for this channel' }),
      expect.objectContaining({ alerts: ['fp3'], attempt: 0 }),
    ]);
    expect(lines.filter((l) => l.msg === 'notification queue full: dropped the oldest waiting notification').map((l) => l.dropped)).toEqual([1, 2]);
    expect(n.channels()[0]).toMatchObject({ queued: 0, dropped: 2 });
  });

  it('goes on delivering when the delivery log cannot be written, and says so once', async () => {
    const rx = await receiver();
    const broken = { ...memoryAlertRepo(), appendDelivery: async () => Promise.reject(new Error('alerts.appendDelivery: not implemented yet')) } as AlertRepo;
    const { n, lines } = notifier([hook('a', rx.url)], { repo: broken });
    n.dispatch(note(['a']));
    n.dispatch(note(['a']));
    await waitFor('both delivered', () => rx.requests.length === 2);
    await waitFor('warned', () => lines.some((l) => l.msg === 'cannot write the delivery log; deliveries go on unlogged'));
    expect(lines.filter((l) => l.msg === 'cannot write the delivery log; deliveries go on unlogged')).toHaveLength(1);
  });

  it('stop() lets a queued delivery finish, and abandons a dead channel after the grace period', async () => {
    const dead = await receiver(() => {});
    const ok = await receiver((_r, res) => setTimeout(() => res.end('ok'), 50));
    const { n, repo } = notifier([hook('dead', dead.url, 60_000), hook('ok', ok.url)], { delivery: { stopTimeoutMs: 1_000 } });
    n.dispatch(note(['dead', 'ok']));
    n.dispatch(note(['dead']));
    await waitFor('dead attempt in flight', () => dead.requests.length === 1);
    await n.stop();
    expect(statuses(repo.records, 'ok')).toEqual(['sent#1']);
    expect(repo.records.filter((r) => r.channel === 'dead').map((r) => [r.status, r.attempt, r.error])).toEqual([
      ['failed', 1, 'abandoned: the notifier stopped'],
      ['failed', 0, 'abandoned: the notifier stopped before sending'],
    ]);
    n.dispatch(note(['ok']));
    expect(ok.requests).toHaveLength(1);
  });

  it('test() sends one marked message, reports failures without retrying, and refuses an unknown channel', async () => {
    const good = await receiver();
    const bad = await receiver((_r, res) => answer(res, 500, 'nope'));
    const { n, repo } = notifier([hook('good', good.url), hook('bad', bad.url)]);
    const ok = await n.test('good');
    expect(ok).toMatchObject({ channel: 'good', ok: true, error: null });
    expect(ok.ms).toBeGreaterThanOrEqual(0);
    expect(good.requests[0]!.json).toMatchObject({ status: 'test', hubUrl: 'http://hub.example' });
    expect(await n.test('bad')).toMatchObject({ channel: 'bad', ok: false, error: 'HTTP 500: nope' });
    expect(bad.requests).toHaveLength(1);
    expect(repo.records.map((r) => [r.channel, r.kind, r.status, r.attempt, r.alerts])).toEqual([
      ['good', 'test', 'sent', 1, []],
      ['bad', 'test', 'failed', 1, []],
    ]);
    const err = await n.test('nope').catch((e: unknown) => e);
    expect(isAppError(err) && err.status).toBe(404);
    expect((err as Error).message).toBe('unknown channel "nope"; configured: good, bad');
  });

  it('ignores channels it does not know and lists the configured ones with masked targets', async () => {
    const { n, lines } = notifier([
      hook('hook', 'https://hooks.example.com/secret/path?token=x'),
      spec({ name: 'tg', type: 'telegram', botToken: '1:secret', chatId: '5' }),
      spec({ name: 'mail', type: 'email', smtp: { host: 'smtp.example.com', port: 587, secure: false, user: 'u', password: 'pw' }, from: 'a@x', to: ['b@x'] }),
    ]);
    n.dispatch(note(['missing']));
    expect(lines.map((l) => l.msg)).toEqual(['notification for an unknown channel ignored']);
    expect(n.channels().map((c) => [c.name, c.type, c.target])).toEqual([
      ['hook', 'webhook', 'https://hooks.example.com/***'],
      ['tg', 'telegram', 'telegram chat 5 via api.telegram.org'],
      ['mail', 'email', 'smtp://smtp.example.com:587 → b@x'],
    ]);
    expect(JSON.stringify(n.channels())).not.toMatch(/secret|pw|token=/);
  });
});

describe('backoff', () => {
  it('doubles with ±50 % jitter up to the cap, and takes about two minutes over the default six attempts', () => {
    const at = (random: number) => [1, 2, 3, 4, 5].map((a) => backoff(a, { ...defaultDeliveryOptions, random: () => random }));
    expect(at(1)).toEqual([4_000, 8_000, 16_000, 32_000, 60_000]);
    expect(at(0)).toEqual([2_000, 4_000, 8_000, 16_000, 30_000]);
    expect(at(1).reduce((a, b) => a + b)).toBe(120_000);
    expect(defaultDeliveryOptions.maxAttempts).toBe(6);
    expect(backoff(1, defaultDeliveryOptions, 1_234)).toBe(1_234);
  });
});
