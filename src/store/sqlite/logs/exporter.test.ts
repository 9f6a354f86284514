import Database from 'better-sqlite3';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../testing/helpers.js';
import type { ExportWindow } from './export-worker.js';
import { exportInWorkers } from './exporter.js';

const rows = 20_000;
let file = '';

beforeAll(() => {
  file = join(tempDir('wh-export-'), 'logs.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE logs (id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, service TEXT NOT NULL, level INTEGER NOT NULL, message TEXT NOT NULL, context TEXT, trace_id TEXT, user_id TEXT, hostname TEXT, process_id INTEGER, source TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO logs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (let id = 1; id <= rows; id++) insert.run(id, 1_780_000_000_000 + id, `svc-${id % 3}`, (id % 5) + 1, `message ${id} ${'x'.repeat(id % 200)}`, null, null, null, null, null, 'http');
  })();
  db.close();
});

/** Windows of `size` ids over every row, newest first, as the store makes them. */
function windows(size: number, where = ''): ExportWindow[] {
  const out: ExportWindow[] = [];
  for (let hi = rows; hi >= 1; hi -= size) out.push({ sql: `SELECT * FROM logs WHERE id BETWEEN ? AND ?${where} ORDER BY id DESC`, args: [Math.max(1, hi - size + 1), hi] });
  return out;
}

async function text(w: ExportWindow[]): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of exportInWorkers(file, undefined, 'csv', w)) chunks.push(c);
  return Buffer.concat(chunks).toString();
}

async function ids(w: ExportWindow[]): Promise<number[]> {
  return (await text(w)).trim().split('\n').map((line) => Number(line.split(',')[0]));
}

describe('exports on worker threads', () => {
  it('delivers the windows in order though two threads take them in turn', async () => {
    // 40 windows of 500 ids: each thread runs 20, far ahead of what it may send unacknowledged.
    const got = await ids(windows(500));
    expect(got).toEqual(Array.from({ length: rows }, (_, i) => rows - i));
  });

  it('keeps the order with windows that hold nothing, and with a single window', async () => {
    const got = await ids(windows(700, ' AND service = \'svc-1\''));
    expect(got).toEqual(Array.from({ length: rows }, (_, i) => rows - i).filter((id) => id % 3 === 1));
    expect(await ids(windows(rows))).toHaveLength(rows);
    expect(await text([])).toBe('');
  });

  it('fails the export with the worker\'s error instead of ending it short', async () => {
    const bad = [...windows(5_000).slice(0, 2), { sql: 'SELECT * FROM no_such_table', args: [] }];
    await expect(ids(bad)).rejects.toThrow(/export failed: no such table/);
  });
});
