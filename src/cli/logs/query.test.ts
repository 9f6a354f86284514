// Flags of `wheelhouse logs` to query parameters: times, levels, tail, and the usage errors naming the flag.
import { describe, expect, it } from 'vitest';
import { buildRequest, parseTime } from './query.js';

const now = Date.parse('2024-11-22T12:00:00Z');

describe('parseTime', () => {
  it.each([
    ['30s', now - 30_000],
    ['15m', now - 15 * 60_000],
    ['1h', now - 3_600_000],
    ['2d', now - 2 * 86_400_000],
    ['1w', now - 7 * 86_400_000],
    ['2024-11-22T10:30:00Z', Date.parse('2024-11-22T10:30:00Z')],
    ['2024-11-22T10:30:00.250Z', Date.parse('2024-11-22T10:30:00.250Z')],
    ['2024-11-22T16:00:00+05:30', Date.parse('2024-11-22T10:30:00Z')],
    ['2024-11-22 05:30-0500', Date.parse('2024-11-22T10:30:00Z')],
  ])('%s', (text, expected) => {
    expect(parseTime('--since', text, now, false)).toBe(expected);
  });

  it('reads a time without an offset as local time, or UTC when asked', () => {
    expect(parseTime('--since', '2024-11-22 10:30', now, false)).toBe(new Date(2024, 10, 22, 10, 30).getTime());
    expect(parseTime('--since', '2024-11-22', now, false)).toBe(new Date(2024, 10, 22).getTime());
    expect(parseTime('--since', '2024-11-22T10:30:00', now, true)).toBe(Date.parse('2024-11-22T10:30:00Z'));
  });

  it.each(['yesterday', '1h ago', '-1h', '', '2024-13-01', '2024-02-30', '2024-11-22T24:00:00Z', '2024-11-22T10:30:00+5'])('refuses %j, naming the flag', (text) => {
    expect(() => parseTime('--until', text, now, false)).toThrow(/^--until: invalid time/);
  });
});

describe('buildRequest', () => {
  it('maps the flags to the API parameters', () => {
    expect(buildRequest('codex', { level: 'warn', since: '1h', until: '30m', grep: 'timeout', trace: 'req-1', user: 'u@x', tail: '20' }, now)).toEqual({
      params: {
        service: 'codex',
        min_level: 'WARNING',
        start_time: '2024-11-22T11:00:00.000Z',
        end_time: '2024-11-22T11:30:00.000Z',
        q: 'timeout',
        trace_id: 'req-1',
        user_id: 'u@x',
      },
      tail: 20,
      since: now - 3_600_000,
    });
    expect(buildRequest(undefined, { onlyLevel: 'fatal' }, now)).toEqual({ params: { level: 'CRITICAL' }, tail: 50 });
  });

  it.each([
    [{ tail: '10001' }, /^--tail: expected a number from 0 to 10000/],
    [{ tail: '-1' }, /^--tail/],
    [{ tail: 'ten' }, /^--tail/],
    [{ level: 'LOUD' }, /^--level: unknown level "LOUD"/],
    [{ onlyLevel: 'x' }, /^--only-level: unknown level/],
    [{ since: '1h', until: '2h' }, /after --until/],
    [{ until: '1h', follow: true }, /--until cannot be combined with --follow/],
  ])('refuses %j as a usage error', (flags, message) => {
    let err: unknown;
    try {
      buildRequest(undefined, flags, now);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'request/invalid', message: expect.stringMatching(message) });
  });
});
