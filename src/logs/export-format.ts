/**
 * Serialization of log exports (GET /api/logs/export): CSV or a JSON array, written straight
 * from stored rows into one buffer per chunk. It runs once per exported row, hundreds of
 * thousands of times a second, so it writes bytes instead of building strings per cell.
 */
import type { LogRow, LogTuple } from '../store/index.js';
import { toLogEntry } from './entry.js';
import { levelName } from './levels.js';

/** The formats an export can take. */
export type ExportFormat = 'csv' | 'json';

/** CSV columns, named as the API's LogEntry fields. */
export const csvColumns = ['id', 'timestamp', 'service_name', 'level', 'message', 'context', 'trace_id', 'user_id', 'hostname', 'process_id', 'source'] as const;

/**
 * A whole export from row chunks (ExportWriter output, in order): the head, the rows, the
 * tail. JSON rows each start with a separator, so chunks made apart (on several threads)
 * join as they are; the one before the first row is dropped here.
 */
export async function* framed(format: ExportFormat, chunks: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  yield Buffer.from(format === 'csv' ? `${csvColumns.join(',')}\n` : '[');
  let first = true;
  for await (const chunk of chunks) {
    if (chunk.length === 0) continue;
    yield first && format === 'json' ? chunk.subarray(1) : chunk;
    first = false;
  }
  if (format === 'json') yield Buffer.from('\n]\n');
}

/** A stored row as a tuple. */
export function toTuple(r: LogRow): LogTuple {
  return [r.id, r.ts, r.service, r.level, r.message, r.context, r.trace_id, r.user_id, r.hostname, r.process_id, r.source];
}

const quote = 34;
const comma = 44;
const newline = 10;

/** Serializes rows of an export, chunk by chunk; chunks written by several writers join in any grouping (see framed). */
export class ExportWriter {
  private buf = Buffer.alloc(0);
  private at = 0;
  private second = Number.NaN;
  private secondIso = '';

  constructor(readonly format: ExportFormat) {}

  /** `rows` serialized (newest first, as given), as a buffer of its own (transferable to another thread). */
  rows(rows: readonly LogTuple[]): Buffer {
    this.buf = Buffer.allocUnsafeSlow(Math.max(4096, rows.length * 400));
    this.at = 0;
    for (const r of rows) {
      if (this.format === 'csv') this.csvRow(r);
      else this.text(`,\n${JSON.stringify(toLogEntry({ id: r[0], ts: r[1], service: r[2], level: r[3], message: r[4], context: r[5], trace_id: r[6], user_id: r[7], hostname: r[8], process_id: r[9], source: r[10] }))}`);
    }
    return this.buf.subarray(0, this.at);
  }

  private csvRow(r: LogTuple): void {
    this.text(`${r[0]},${this.timestamp(r[1])},`);
    this.cell(r[2]);
    this.text(`,${levelName(r[3])},`);
    this.cell(r[4]);
    this.byte(comma);
    this.cell(r[5]);
    this.byte(comma);
    this.cell(r[6]);
    this.byte(comma);
    this.cell(r[7]);
    this.byte(comma);
    this.cell(r[8]);
    this.text(`,${r[9] ?? ''},${r[10]}`);
    this.byte(newline);
  }

  /** One CSV cell: quoted when it holds a quote, comma or line break, or could start a spreadsheet formula. */
  private cell(v: string | null): void {
    if (v === null || v.length === 0) return;
    const c = v.charCodeAt(0);
    let q = v.indexOf('"');
    const plain = q === -1 && c !== 61 && c !== 43 && c !== 45 && c !== 64 && v.indexOf(',') === -1 && v.indexOf('\n') === -1 && v.indexOf('\r') === -1;
    if (plain) return this.text(v);
    this.byte(quote);
    let from = 0;
    for (; q !== -1; q = v.indexOf('"', q + 1)) {
      this.text(v.slice(from, q + 1));
      this.byte(quote);
      from = q + 1;
    }
    this.text(from === 0 ? v : v.slice(from));
    this.byte(quote);
  }

  /** ISO 8601 in UTC, as Date#toISOString, computed once per second of timestamps. */
  private timestamp(ts: number): string {
    const second = Math.floor(ts / 1000);
    if (second !== this.second) {
      this.second = second;
      this.secondIso = new Date(second * 1000).toISOString().slice(0, -4);
    }
    const ms = ts - second * 1000;
    return `${this.secondIso}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
  }

  private text(s: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    this.room(s.length * 3);
    this.at += this.buf.write(s, this.at);
  }

  private byte(b: number): void {
    this.room(1);
    this.buf[this.at++] = b;
  }

  private room(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.at + bytes));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }
}

/** Pages of rows serialized as export chunks (the stores that read rows as objects). */
export async function* formatPages(format: ExportFormat, pages: AsyncIterable<LogRow[]>): AsyncIterable<Buffer> {
  const writer = new ExportWriter(format);
  for await (const page of pages) yield writer.rows(page.map(toTuple));
}
