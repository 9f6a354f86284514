import { describe, expect, it } from 'vitest';
import { Exposition, formatValue, labelText, ProcessMetrics } from './exposition.js';
import { parseText } from './scrape/parse.js';

describe('exposition text', () => {
  it('writes families sorted, each with HELP and TYPE once, samples together and deduplicated', () => {
    const e = new Exposition();
    e.add('b_total', 'counter', 'B things.\nSecond line with \\', 2, { z: '1', a: 'x"y\\z\nw' });
    e.add('a', 'gauge', 'A.', 1);
    e.add('b_total', 'counter', 'ignored', 3, { a: 'other' });
    e.add('b_total', 'counter', 'ignored', 4, { a: 'other' });
    e.add('bad name', 'gauge', 'skipped', 1);
    expect(e.toString()).toBe(
      [
        '# HELP a A.',
        '# TYPE a gauge',
        'a 1',
        '# HELP b_total B things.\\nSecond line with \\\\',
        '# TYPE b_total counter',
        'b_total{a="x\\"y\\\\z\\nw",z="1"} 2',
        'b_total{a="other"} 3',
        '',
      ].join('\n'),
    );
    // What we write, our parser reads back.
    const back = parseText(e.toString());
    expect(back.errors).toEqual([]);
    expect(back.samples[1]!.labels).toEqual({ a: 'x"y\\z\nw', z: '1' });
  });

  it.each([
    [1.5, '1.5'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
    [1e21, '1e+21'],
  ])('formats %s as %s', (v, text) => {
    expect(formatValue(v)).toBe(text);
  });

  it('drops invalid and reserved label names', () => {
    expect(labelText({ ok: '1', '1bad': '2', __reserved: '3' })).toBe('{ok="1"}');
    expect(labelText({})).toBe('');
  });

  it('reports the process\'s own figures', async () => {
    const p = new ProcessMetrics();
    p.start();
    await new Promise((r) => setTimeout(r, 100));
    const e = new Exposition();
    p.collect(e);
    p.stop();
    const names = parseText(e.toString()).samples.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds', 'nodejs_eventloop_lag_p99_seconds']));
  });
});
