import { describe, expect, it } from 'vitest';
import { nameOf, parseSeriesKey, seriesKey, seriesKeyProblem } from './series.js';

describe('series keys', () => {
  it.each([
    ['up', {}, 'up'],
    ['cpu', { b: '2', a: '1' }, 'cpu{a="1",b="2"}'],
    ['http:requests_total', { code: '200' }, 'http:requests_total{code="200"}'],
    ['x', { empty: '', a: '1' }, 'x{a="1"}'],
    ['x', { path: 'C:\\tmp', q: 'say "hi"', nl: 'a\nb' }, 'x{nl="a\\nb",path="C:\\\\tmp",q="say \\"hi\\""}'],
    ['x', { city: 'Zürich 東京 🚀' }, 'x{city="Zürich 東京 🚀"}'],
  ])('%s %j is %s, and parses back', (name, labels, key) => {
    expect(seriesKey(name, labels)).toBe(key);
    const nonEmpty = Object.fromEntries(Object.entries(labels).filter(([, v]) => v !== ''));
    expect(parseSeriesKey(key)).toEqual({ name, labels: nonEmpty });
    expect(seriesKeyProblem(key)).toBeNull();
    expect(nameOf(key)).toBe(name);
  });

  it.each([
    ['9lives', /invalid metric name/],
    ['a-b', /invalid metric name/],
    ['', /invalid metric name/],
  ])('refuses the metric name %j', (name, problem) => {
    expect(() => seriesKey(name)).toThrow(problem);
    expect(seriesKeyProblem(name)).toMatch(problem);
  });

  it('refuses invalid label names', () => {
    expect(() => seriesKey('x', { '1a': 'v' })).toThrow(/invalid label name "1a"/);
    expect(() => seriesKey('x', { 'a:b': 'v' })).toThrow(/invalid label name/);
  });

  it.each([
    ['x{b="2",a="1"}', /not canonical.*write "x\{a="1",b="2"\}"/],
    ['x{a="",b="2"}', /not canonical.*write "x\{b="2"\}"/],
    ['x{}', /not canonical.*write "x"/],
    ['x{a="1"', /must end with "\}"/],
    ['x{a=1}', /value must be in double quotes/],
    ['x{a="1}', /unterminated value/],
    ['x{a="1",}', /trailing ","/],
    ['x{a="1"b="2"}', /expected ","/],
    ['x{a="1",a="2"}', /appears twice/],
    ['x{a="\\t"}', /invalid escape/],
    ['x{1a="1"}', /invalid label name/],
    ['x{a="nul\u0000"}', /must not contain NUL/],
  ])('names the problem of %j', (key, problem) => {
    expect(seriesKeyProblem(key)).toMatch(problem);
  });
});
