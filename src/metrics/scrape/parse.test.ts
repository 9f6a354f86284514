import { describe, expect, it } from 'vitest';
import { parseFloatToken, parseText, type Sample } from './parse.js';

const s = (name: string, labels: Record<string, string>, value: number, timestampMs?: number): Sample =>
  timestampMs === undefined ? { name, labels, value } : { name, labels, value, timestampMs };

describe('Prometheus text format: sample lines', () => {
  it.each<[string, string, Sample]>([
    ['a bare sample', 'up 1', s('up', {}, 1)],
    ['labels', 'http_requests_total{method="post",code="200"} 1027', s('http_requests_total', { method: 'post', code: '200' }, 1027)],
    ['a timestamp', 'http_requests_total{code="400"} 3 1395066363000', s('http_requests_total', { code: '400' }, 3, 1395066363000)],
    ['a negative timestamp', 'x 1 -1', s('x', {}, 1, -1)],
    ['colons in the name', 'job:rate5m:sum 0.5', s('job:rate5m:sum', {}, 0.5)],
    ['escapes in label values', String.raw`msdos_file_access_time_seconds{path="C:\\DIR\\FILE.TXT",error="Cannot find file:\n\"FILE.TXT\""} 1.458255915e9`,
      s('msdos_file_access_time_seconds', { path: 'C:\\DIR\\FILE.TXT', error: 'Cannot find file:\n"FILE.TXT"' }, 1.458255915e9)],
    ['unicode label values', 'x{city="Zürich",emoji="🚀"} 2', s('x', { city: 'Zürich', emoji: '🚀' }, 2)],
    ['an empty label set', 'x{} 2', s('x', {}, 2)],
    ['a trailing comma', 'x{a="1",} 2', s('x', { a: '1' }, 2)],
    ['blanks everywhere', '  \t x { a = "1" , b="2" }   7   123  ', s('x', { a: '1', b: '2' }, 7, 123)],
    ['no blank after the labels', 'x{a="1"}7', s('x', { a: '1' }, 7)],
    ['an empty label value', 'x{a=""} 1', s('x', { a: '' }, 1)],
    ['a comma and brace inside a value', 'x{a="1,}2"} 1', s('x', { a: '1,}2' }, 1)],
    ['exponent', 'x -1.5E-3', s('x', {}, -0.0015)],
    ['leading dot', 'x .5', s('x', {}, 0.5)],
    ['+Inf bucket', 'h_bucket{le="+Inf"} 10', s('h_bucket', { le: '+Inf' }, 10)],
    ['a CRLF line end', 'x 3\r', s('x', {}, 3)],
  ])('%s', (_what, line, expected) => {
    const r = parseText(line);
    expect(r.errors).toEqual([]);
    expect(r.samples).toEqual([expected]);
  });

  it.each([
    ['NaN', NaN],
    ['+Inf', Infinity],
    ['-Inf', -Infinity],
    ['inf', Infinity],
    ['Infinity', Infinity],
    ['nan', NaN],
    ['1e3', 1000],
    ['-0.25', -0.25],
    ['12', 12],
    ['1.', 1],
  ])('value %s', (token, value) => {
    expect(parseFloatToken(token)).toBe(value);
  });

  it.each(['0x10', '1_000', 'one', '', '1e', '--1', '1.2.3', 'Infx'])('refuses the value %j', (token) => {
    expect(parseFloatToken(token)).toBeUndefined();
  });

  it.each<[string, string, RegExp]>([
    ['a value missing', 'up', /missing value/],
    ['a bad value', 'up one', /invalid value "one"/],
    ['a bad timestamp', 'up 1 soon', /invalid timestamp "soon"/],
    ['a float timestamp', 'up 1 1.5', /invalid timestamp/],
    ['text after the timestamp', 'up 1 2 3', /unexpected text/],
    ['a bad name', '9up 1', /expected a metric name/],
    ['a dash in the name', 'up-time 1', /invalid character "-"/],
    ['an unquoted label value', 'x{a=1} 1', /value must be in double quotes/],
    ['an unterminated value', 'x{a="1} 1', /unterminated value/],
    ['an unterminated label set', 'x{a="1"', /unterminated label set|expected "," or "}"/],
    ['a missing =', 'x{a "1"} 1', /expected "="/],
    ['a bad label name', 'x{1a="1"} 1', /invalid label name/],
    ['a duplicate label', 'x{a="1",a="2"} 1', /appears twice/],
    ['a bad escape', 'x{a="\\t"} 1', /invalid escape/],
    ['__name__', 'x{__name__="y"} 1', /reserved/],
    ['a missing comma', 'x{a="1" b="2"} 1', /expected "," or "}"/],
    ['a bad TYPE', '# TYPE x histgram', /unknown type/],
    ['a TYPE without a name', '# TYPE', /invalid metric name/],
  ])('skips %s, naming it', (_what, line, message) => {
    const r = parseText(`before 1\n${line}\nafter 2\n`);
    expect(r.samples.map((x) => x.name)).toEqual(['before', 'after']);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.line).toBe(2);
    expect(r.errors[0]!.message).toMatch(message);
  });
});

describe('Prometheus text format: whole texts', () => {
  it('reads HELP and TYPE, ignores other comments and blank lines, keeps histogram and summary series', () => {
    const text = [
      '# HELP http_requests_total The total number of HTTP requests.',
      '# TYPE http_requests_total counter',
      'http_requests_total{method="post",code="200"} 1027 1395066363000',
      '',
      '# A comment that is not HELP or TYPE',
      '#  TYPE  metric_without_timestamp_and_labels   gauge',
      'metric_without_timestamp_and_labels 12.47',
      '# HELP help_escapes Line one\\nline two with a \\\\ backslash',
      '# TYPE http_request_duration_seconds histogram',
      'http_request_duration_seconds_bucket{le="0.05"} 24054',
      'http_request_duration_seconds_bucket{le="+Inf"} 144320',
      'http_request_duration_seconds_sum 53423',
      'http_request_duration_seconds_count 144320',
      '# TYPE rpc_duration_seconds summary',
      'rpc_duration_seconds{quantile="0.5"} 4773',
      'rpc_duration_seconds{quantile="0.99"} NaN',
      'rpc_duration_seconds_sum 1.7560473e+07',
      'rpc_duration_seconds_count 2693',
      '# EOF',
    ].join('\n');
    const r = parseText(text);
    expect(r.errors).toEqual([]);
    expect(r.types).toEqual(
      new Map([
        ['http_requests_total', 'counter'],
        ['metric_without_timestamp_and_labels', 'gauge'],
        ['http_request_duration_seconds', 'histogram'],
        ['rpc_duration_seconds', 'summary'],
      ]),
    );
    expect(r.help.get('http_requests_total')).toBe('The total number of HTTP requests.');
    expect(r.help.get('help_escapes')).toBe('Line one\nline two with a \\ backslash');
    expect(r.samples.map((x) => x.name)).toEqual([
      'http_requests_total',
      'metric_without_timestamp_and_labels',
      'http_request_duration_seconds_bucket',
      'http_request_duration_seconds_bucket',
      'http_request_duration_seconds_sum',
      'http_request_duration_seconds_count',
      'rpc_duration_seconds',
      'rpc_duration_seconds',
      'rpc_duration_seconds_sum',
      'rpc_duration_seconds_count',
    ]);
    expect(r.samples[3]).toEqual(s('http_request_duration_seconds_bucket', { le: '+Inf' }, 144320));
    expect(r.samples[7]!.value).toBeNaN();
    expect(r.samples[8]!.value).toBe(17560473);
  });

  it('survives garbage: binary, HTML, very long lines, no final newline', () => {
    const text = ['<html><body>oops</body></html>', '\u0000\u0001\u0002', 'x'.repeat(100_000), '{a="1"} 1', 'ok 1', 'last{a="b"} 2'].join('\n');
    const r = parseText(text);
    expect(r.samples).toEqual([s('ok', {}, 1), s('last', { a: 'b' }, 2)]);
    expect(r.errors.map((e) => e.line)).toEqual([1, 2, 3, 4]);
    expect(r.errors[2]!.message.length).toBeLessThan(200);
    expect(parseText('').samples).toEqual([]);
    expect(parseText('\n\n\n').errors).toEqual([]);
  });

  it('parses a node_exporter-sized text quickly', () => {
    const lines: string[] = [];
    for (let i = 0; i < 5000; i++) lines.push(`node_cpu_seconds_total{cpu="${i % 64}",mode="m${i}"} ${i * 1.5}`);
    const text = lines.join('\n');
    const t0 = performance.now();
    const r = parseText(text);
    const ms = performance.now() - t0;
    expect(r.samples).toHaveLength(5000);
    // Generous: a scrape of this size is parsed in a few milliseconds.
    expect(ms).toBeLessThan(500);
  });
});
