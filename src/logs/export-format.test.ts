import { describe, expect, it } from 'vitest';
import type { LogTuple } from '../store/index.js';
import { toLogEntry } from './entry.js';
import { ExportWriter, csvColumns, framed, type ExportFormat } from './export-format.js';

/** The whole export of `chunks`, as text. */
async function whole(format: ExportFormat, chunks: Buffer[]): Promise<string> {
  const out: Buffer[] = [];
  for await (const b of framed(format, (async function* () {
    yield* chunks;
  })())) out.push(b);
  return Buffer.concat(out).toString();
}

/** RFC 4180 parser: what a spreadsheet reads back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\n') row.push(cell), rows.push(row), (row = []), (cell = '');
    else cell += c;
  }
  return rows;
}

const tricky: LogTuple[] = [
  [7, Date.parse('2026-06-01T12:00:00.005Z'), 'api', 4, 'plain message', '{"a":1,"b":"x,y"}', 'tr-1', 'u1', 'host', 1234, 'http'],
  [6, Date.parse('2026-06-01T12:00:00.050Z'), 'api', 2, 'has "quotes", commas\nand lines\r\n', null, null, null, null, null, 'stdout'],
  [5, Date.parse('2026-06-01T12:00:01.999Z'), 'db', 5, '=HYPERLINK("evil")', '{"raw":"-1"}', '+trace', '@user', '-host', 0, 'file'],
  [4, Date.parse('1969-12-31T23:59:59.001Z'), 'db', 1, 'emoji 🚀 and 中文', '{}', '', 'u', 'h', 1, 'otlp'],
  [3, Date.parse('2026-06-01T12:00:01.100Z'), 'db', 3, '', 'not json', null, null, null, null, 'stderr'],
];

describe('ExportWriter', () => {
  it('writes CSV that parses back to the stored values, quoting only what needs it', async () => {
    const w = new ExportWriter('csv');
    const text = await whole('csv', [w.rows(tricky.slice(0, 2)), w.rows(tricky.slice(2))]);
    const [head, ...rows] = parseCsv(text);
    expect(head).toEqual([...csvColumns]);
    expect(rows).toHaveLength(tricky.length);
    rows.forEach((cells, i) => {
      const t = tricky[i]!;
      const e = toLogEntry({ id: t[0], ts: t[1], service: t[2], level: t[3], message: t[4], context: t[5], trace_id: t[6], user_id: t[7], hostname: t[8], process_id: t[9], source: t[10] });
      expect(cells).toEqual([String(e.id), e.timestamp, e.service_name, e.level, e.message, t[5] ?? '', e.trace_id ?? '', e.user_id ?? '', e.hostname ?? '', e.process_id === null ? '' : String(e.process_id), e.source]);
    });
    // Formula-looking cells are quoted so a spreadsheet shows them as text; plain ones are not.
    expect(text).toContain('"=HYPERLINK(""evil"")"');
    expect(text).toContain(',"+trace","@user","-host",');
    expect(text).toContain(',plain message,');
  });

  it('writes timestamps exactly as Date#toISOString, across seconds and before 1970', () => {
    const w = new ExportWriter('csv');
    const stamps = [0, 1, 999, 1000, 1001, -1, -999, -1000, -1001, Date.parse('2026-06-01T12:00:00Z'), 4102444799999];
    for (let i = 0; i < 200; i++) stamps.push(Math.floor(Math.random() * 4e12) - 1e12);
    const rows = stamps.map((ts, i): LogTuple => [i, ts, 's', 2, 'm', null, null, null, null, null, 'http']);
    const got = parseCsv(w.rows(rows).toString()).map((cells) => cells[1]);
    expect(got).toEqual(stamps.map((ts) => new Date(ts).toISOString()));
  });

  it('writes a JSON array of API entries, contexts parsed', async () => {
    const w = new ExportWriter('json');
    // Chunks from two writers (two threads) join into one valid array; empty chunks change nothing.
    const text = await whole('json', [w.rows([]), w.rows(tricky.slice(0, 3)), new ExportWriter('json').rows(tricky.slice(3))]);
    const parsed = JSON.parse(text) as unknown[];
    expect(parsed).toEqual(tricky.map((t) => toLogEntry({ id: t[0], ts: t[1], service: t[2], level: t[3], message: t[4], context: t[5], trace_id: t[6], user_id: t[7], hostname: t[8], process_id: t[9], source: t[10] })));
    expect(JSON.parse(await whole('json', []))).toEqual([]);
  });

  it('grows its buffer for rows far larger than usual', async () => {
    const big = 'x'.repeat(200_000) + '"' + '中'.repeat(50_000);
    const [, row] = parseCsv(await whole('csv', [new ExportWriter('csv').rows([[1, 0, 's', 2, big, null, null, null, null, null, 'http']])]));
    expect(row![4]).toBe(big);
  });
});
