// The disk buffer: order, bounds with counted drops, acknowledgement, and recovery after a crash.
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../testing/helpers.js';
import { DiskBuffer } from './buffer.js';

const rec = (i: number): string => JSON.stringify({ i });
const ids = (lines: string[]): number[] => lines.map((l) => (JSON.parse(l) as { i: number }).i);

/** Reads everything out of the buffer, acknowledging as it goes. */
function drain(b: DiskBuffer, batch = 7): number[] {
  const out: number[] = [];
  for (;;) {
    const lines = b.peek(batch);
    if (lines.length === 0) return out;
    out.push(...ids(lines));
    b.ack(lines.length);
  }
}

describe('disk buffer', () => {
  it('gives records back in order across segments, in batches no larger than a segment', () => {
    const b = DiskBuffer.open(tempDir('wh-buf-'), { maxRecords: 1000, maxBytes: 1e6, segmentRecords: 5 });
    for (let i = 0; i < 23; i++) b.append([rec(i)]);
    expect(b.count).toBe(23);
    expect(b.peek(100).length).toBe(5);
    expect(drain(b)).toEqual([...Array(23).keys()]);
    expect(b.count).toBe(0);
    expect(b.bytes).toBe(0);
    b.close();
  });

  it('drops the oldest records beyond the count bound, one by one, and counts them', () => {
    const dir = tempDir('wh-buf-');
    const b = DiskBuffer.open(dir, { maxRecords: 10, maxBytes: 1e6, segmentRecords: 4 });
    for (let i = 0; i < 25; i++) b.append([rec(i)]);
    expect(b.count).toBe(10);
    expect(b.dropped).toBe(15);
    expect(drain(b, 3)).toEqual([15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
    b.close();
    // The drop count outlives the process.
    expect(DiskBuffer.open(dir, { maxRecords: 10, maxBytes: 1e6 }).dropped).toBe(15);
  });

  it('drops by bytes too', () => {
    const b = DiskBuffer.open(tempDir('wh-buf-'), { maxRecords: 1000, maxBytes: 100, segmentRecords: 50 });
    for (let i = 0; i < 30; i++) b.append([rec(i)]); // 9 or 10 bytes each
    expect(b.bytes).toBeLessThanOrEqual(100);
    expect(b.count + b.dropped).toBe(30);
    expect(drain(b).at(-1)).toBe(29);
  });

  it('reopens where it was: acknowledged records stay gone, the rest keep their order', () => {
    const dir = tempDir('wh-buf-');
    const b = DiskBuffer.open(dir, { maxRecords: 1000, maxBytes: 1e6, segmentRecords: 4 });
    for (let i = 0; i < 10; i++) b.append([rec(i)]);
    b.ack(b.peek(3).length);
    b.close();
    const again = DiskBuffer.open(dir, { maxRecords: 1000, maxBytes: 1e6, segmentRecords: 4 });
    expect(again.count).toBe(7);
    again.append([rec(10)]);
    expect(drain(again)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.seg'))).toEqual([]);
  });

  it('cuts a torn last line (a crash mid-write) and keeps every whole record', () => {
    const dir = tempDir('wh-buf-');
    const b = DiskBuffer.open(dir, { maxRecords: 1000, maxBytes: 1e6, segmentRecords: 50 });
    b.append([rec(0), rec(1)]);
    b.close();
    const seg = readdirSync(dir).find((f) => f.endsWith('.seg'))!;
    appendFileSync(join(dir, seg), '{"i":2');
    const again = DiskBuffer.open(dir, { maxRecords: 1000, maxBytes: 1e6 });
    expect(again.count).toBe(2);
    expect(readFileSync(join(dir, seg), 'utf8').endsWith('}\n')).toBe(true);
    again.append([rec(3)]);
    expect(drain(again)).toEqual([0, 1, 3]);
  });
});
