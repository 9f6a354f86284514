/**
 * Worker thread of an export: runs its share of the export's windows (SELECTs of whole rows,
 * newest first) on its own read-only connection, serializes the rows and hands each chunk
 * over, transferred rather than copied. Several of these run one export in parallel, window
 * by window in turn, so neither the hub's main thread nor one core bounds an export.
 *
 * Flow control: at most `creditBytes` of chunks are unacknowledged; the main thread
 * acknowledges a chunk once the response took it, so a slow client holds the workers, not memory.
 *
 * In: ack (bytes taken). Out: {type:'chunk', data, length} | {type:'end'} after each window |
 * {type:'error', message}.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { ExportWriter, type ExportFormat } from '../../../logs/export-format.js';
import type { LogTuple } from '../../index.js';

/** One SELECT of whole rows (logs.*), newest first. */
export interface ExportWindow {
  sql: string;
  args: unknown[];
}

/** What a worker is started with. */
export interface ExportWorkerData {
  rowsFile: string;
  /** Attached as `fts` when a window searches the full-text index. */
  ftsFile: string | undefined;
  format: ExportFormat;
  /** This worker's windows, in the order it must deliver them. */
  windows: ExportWindow[];
}

const rowsPerChunk = 4096;
const creditBytes = 16 << 20;

const { rowsFile, ftsFile, format, windows } = workerData as ExportWorkerData;
const port = parentPort!;
let unacked = 0;
let wake: (() => void) | undefined;
port.on('message', (bytes: number) => {
  unacked -= bytes;
  wake?.();
});

async function send(data: Buffer): Promise<void> {
  while (unacked > 0 && unacked + data.byteLength > creditBytes) await new Promise<void>((resolve) => (wake = resolve));
  unacked += data.byteLength;
  // ExportWriter allocates each chunk's memory on its own (never from the shared pool): it moves to the main thread uncopied.
  const bytes = data.byteOffset === 0 && data.buffer instanceof ArrayBuffer ? data.buffer : new Uint8Array(data).buffer;
  port.postMessage({ type: 'chunk', data: bytes, length: data.byteLength }, [bytes]);
}

async function run(): Promise<void> {
  const db = new Database(rowsFile, { readonly: true, fileMustExist: true });
  if (ftsFile) db.prepare('ATTACH DATABASE ? AS fts').run(ftsFile);
  const writer = new ExportWriter(format);
  try {
    for (const w of windows) {
      let batch: LogTuple[] = [];
      for (const row of db.prepare(w.sql).raw(true).iterate(...w.args) as Iterable<LogTuple>) {
        batch.push(row);
        if (batch.length === rowsPerChunk) {
          await send(writer.rows(batch));
          batch = [];
        }
      }
      if (batch.length > 0) await send(writer.rows(batch));
      port.postMessage({ type: 'end' });
    }
  } finally {
    db.close();
  }
}

run().catch((err: unknown) => port.postMessage({ type: 'error', message: (err as Error).message }));
