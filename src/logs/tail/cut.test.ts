import { describe, expect, it } from 'vitest';
import { cutLines } from './cut.js';
import { isDynamicPattern } from 'tinyglobby';
import { splitPattern } from './glob.js';
import { cursorKey, decodePosition, encodePosition } from './offsets.js';

describe('cutLines', () => {
  const cases: { name: string; text: string; max: number; final: boolean; lines: string[]; starts: number[]; consumed: number; split: boolean }[] = [
    { name: 'complete lines', text: 'a\nbb\n', max: 100, final: false, lines: ['a', 'bb'], starts: [10, 12], consumed: 5, split: false },
    { name: 'a partial last line waits', text: 'a\nbb', max: 100, final: false, lines: ['a'], starts: [10], consumed: 2, split: false },
    { name: 'only a partial line', text: 'abc', max: 100, final: false, lines: [], starts: [], consumed: 0, split: false },
    { name: 'final takes the partial line', text: 'a\nbb', max: 100, final: true, lines: ['a', 'bb'], starts: [10, 12], consumed: 4, split: false },
    { name: 'empty lines keep their offsets', text: '\n\nx\n', max: 100, final: false, lines: ['', '', 'x'], starts: [10, 11, 12], consumed: 4, split: false },
    { name: 'a line of exactly the limit', text: 'abcd\n', max: 4, final: false, lines: ['abcd'], starts: [10], consumed: 5, split: false },
    { name: 'a long line is cut in pieces', text: 'abcdefghij\n', max: 4, final: false, lines: ['abcd', 'efgh', 'ij'], starts: [10, 14, 18], consumed: 11, split: true },
    { name: 'a long unterminated line: full pieces go, the rest waits', text: 'abcdefghij', max: 4, final: false, lines: ['abcd', 'efgh'], starts: [10, 14], consumed: 8, split: true },
    { name: 'pieces end at character boundaries', text: 'aé€b\n', max: 4, final: false, lines: ['aé', '€b'], starts: [10, 13], consumed: 8, split: true },
  ];
  it.each(cases)('$name', (c) => {
    const out = cutLines(Buffer.from(c.text), 10, c.max, c.final);
    expect(out).toEqual({ lines: c.lines, starts: c.starts, consumed: c.consumed, split: c.split });
  });
});

describe('splitPattern', () => {
  it.each([
    ['/var/log/app/*.log', '/var/log/app', '*.log'],
    ['/var/log/**/x.log', '/var/log', '**/x.log'],
    ['/srv/{a,b}/out.log', '/srv', '{a,b}/out.log'],
    ['/*.log', '/', '*.log'],
    ['/var/log/app.log', '/var/log/app.log', undefined],
  ])('%s', (pattern, base, rest) => {
    expect(splitPattern(pattern, isDynamicPattern)).toEqual({ base, rest });
  });
});

describe('file positions', () => {
  it('round-trip and refuse garbage', () => {
    const p = { path: '/x/app.log', offset: 42, size: 50, head: { len: 42, sha: 'abc' } };
    expect(decodePosition(encodePosition(p))).toEqual(p);
    expect(decodePosition(undefined)).toBeUndefined();
    expect(decodePosition('{nope')).toBe('invalid');
    expect(decodePosition('{"offset":-1}')).toBe('invalid');
    expect(decodePosition('{"offset":7}')).toEqual({ path: '', offset: 7, size: 0, head: null });
    expect(cursorKey('api', '2049', '1234')).toBe('file:api:2049:1234');
  });
});
