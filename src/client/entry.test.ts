// Client-side entries: pino records to hub entries, clamped to the hub's limits; retry timing.
import { describe, expect, it } from 'vitest';
import { defaultLimits, depthExceeds, validateEntry } from '../logs/entry.js';
import { encodeEntry, fromPino, timestampOf } from './entry.js';
import { backoffDelay, parseRetryAfter } from './retry.js';

const decode = (json: string) => JSON.parse(json) as Record<string, unknown>;

describe('pino records', () => {
  it.each([
    [10, 'DEBUG'],
    [20, 'DEBUG'],
    [30, 'INFO'],
    [40, 'WARNING'],
    [50, 'ERROR'],
    [60, 'CRITICAL'],
    [35, 'INFO'],
    ['warn', 'WARNING'],
    ['nonsense', 'INFO'],
  ])('level %s becomes %s', (level, name) => {
    expect(decode(encodeEntry(fromPino({ level, msg: 'x' }), { service: 'svc' })).level).toBe(name);
  });

  it('maps the known keys to fields and keeps the rest as context', () => {
    const err = { type: 'Error', message: 'boom', stack: 'Error: boom\n    at f (a.js:1:1)' };
    const record = { level: 50, time: Date.UTC(2024, 10, 22, 10, 30), pid: 4242, hostname: 'web-1', msg: 'failed', traceId: 'abc', userId: 7, name: 'api', order: { id: 3 }, err };
    const entry = decode(encodeEntry(fromPino(record), { service: 'shop' }));
    expect(entry).toEqual({
      timestamp: '2024-11-22T10:30:00.000Z',
      service_name: 'shop',
      level: 'ERROR',
      message: 'failed',
      trace_id: 'abc',
      user_id: '7',
      hostname: 'web-1',
      process_id: 4242,
      context: { name: 'api', order: { id: 3 }, err },
    });
  });

  it('honours custom message and error keys, and falls back to the error message', () => {
    expect(fromPino({ level: 30, message: 'custom' }, { messageKey: 'message', errorKey: 'err' }).message).toBe('custom');
    expect(fromPino({ level: 50, error: { message: 'from error' } }, { messageKey: 'msg', errorKey: 'error' }).message).toBe('from error');
    expect(fromPino({ level: 30 }).message).toBe('');
  });

  it.each([
    ['epoch ms', 1_732_271_400_000, '2024-11-22T10:30:00.000Z'],
    ['epoch seconds', 1_732_271_400, '2024-11-22T10:30:00.000Z'],
    ['ISO text', '2024-11-22T11:30:00+01:00', '2024-11-22T10:30:00.000Z'],
  ])('reads the time as %s', (_label, time, iso) => {
    expect(decode(encodeEntry(fromPino({ level: 30, time, msg: 'x' }), { service: 'svc' })).timestamp).toBe(iso);
  });
});

describe('entries within the hub limits', () => {
  it('keeps Error instances with their stack, and survives bigints and cycles', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const cause = new TypeError('inner');
    const entry = decode(encodeEntry({ message: 'x', context: { err: new Error('outer', { cause }), big: 10n, cyclic } }, { service: 'svc' }));
    const ctx = entry.context as { err: Record<string, unknown>; big: string; cyclic: Record<string, unknown> };
    expect(ctx.err).toMatchObject({ type: 'Error', message: 'outer', stack: expect.stringContaining('entry.test.ts'), cause: { type: 'TypeError', message: 'inner' } });
    expect(ctx.big).toBe('10');
    expect(ctx.cyclic).toEqual({ a: 1, self: '[Circular]' });
  });

  it('clamps what the hub would refuse, so the entry is accepted', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 20; i++) deep = { deep };
    const entry = decode(
      encodeEntry({ message: 'é'.repeat(defaultLimits.maxMessageBytes), context: { deep, big: 'x'.repeat(defaultLimits.maxContextBytes) }, trace_id: 't'.repeat(500), service_name: 'my service!' }, { service: 'svc' }),
    );
    expect(depthExceeds(entry.context, defaultLimits.maxContextDepth)).toBe(false);
    expect(entry.service_name).toBe('my-service-');
    expect(validateEntry(entry, defaultLimits, Date.now())).toMatchObject({ ok: true });
  });

  it('puts the timestamp where timestampOf reads it', () => {
    const json = encodeEntry({ message: 'x', timestamp: '2024-11-22T10:30:00Z' }, { service: 'svc' });
    expect(timestampOf(json)).toBe('2024-11-22T10:30:00.000Z');
  });
});

describe('retry timing', () => {
  it.each([
    [1, 0, 50],
    [1, 1, 100],
    [3, 1, 400],
    [20, 1, 1000],
  ])('retry %i with random %d waits %i ms (min 100, max 1000)', (attempt, random, ms) => {
    expect(backoffDelay(attempt, 100, 1000, () => random)).toBe(ms);
  });

  it.each([
    ['2', 2000],
    ['0.5', 500],
    [new Date(Date.now() + 60_000).toUTCString(), 60_000],
    ['soon', undefined],
    [null, undefined],
  ])('Retry-After %s is %s ms', (value, ms) => {
    const got = parseRetryAfter(value);
    if (ms === undefined) expect(got).toBeUndefined();
    else expect(got).toBeGreaterThan(ms - 2000);
  });
});
