/**
 * The main-thread side of an export: up to `exportThreads` workers take the windows in turn
 * (worker i runs windows i, i + n, i + 2n, …) and their chunks are passed on in window
 * order, each acknowledged once taken. The workers are ended when the consumer stops early.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ExportFormat } from '../../../logs/export-format.js';
import type { ExportWindow, ExportWorkerData } from './export-worker.js';
import { workerUrl } from './worker-url.js';

/** Workers per export: two cores' worth of reading and writing while the main thread only forwards. */
const exportThreads = Math.max(1, Math.min(2, availableParallelism()));

type Outbound = { type: 'chunk'; data: ArrayBuffer; length: number } | { type: 'end' } | { type: 'error'; message: string };

/** One worker and the messages it sent that were not taken yet. */
class ExportThread {
  private readonly worker: Worker;
  private readonly inbox: Outbound[] = [];
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(data: ExportWorkerData) {
    this.worker = new Worker(workerUrl('export-worker'), { workerData: data });
    this.worker.on('message', (m: Outbound) => {
      if (m.type === 'error') this.failure = new Error(`export failed: ${m.message}`);
      else this.inbox.push(m);
      this.ring();
    });
    this.worker.on('error', (err) => {
      this.failure = err;
      this.ring();
    });
    this.worker.on('exit', (code) => {
      this.failure ??= new Error(`export worker exited with code ${code}`);
      this.ring();
    });
  }

  /** The next chunk of the current window, or undefined at its end. */
  async next(): Promise<Buffer | undefined> {
    while (true) {
      const m = this.inbox.shift();
      if (m) return m.type === 'chunk' ? Buffer.from(m.data, 0, m.length) : undefined;
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  taken(bytes: number): void {
    this.worker.postMessage(bytes);
  }

  async end(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }

  private ring(): void {
    this.wake?.();
    this.wake = undefined;
  }
}

/** The rows of `windows`, in order, serialized in `format` as chunks. */
export async function* exportInWorkers(rowsFile: string, ftsFile: string | undefined, format: ExportFormat, windows: ExportWindow[]): AsyncIterable<Buffer> {
  const n = Math.min(exportThreads, windows.length);
  const threads = Array.from({ length: n }, (_, i) => new ExportThread({ rowsFile, ftsFile, format, windows: windows.filter((_, w) => w % n === i) }));
  try {
    for (let w = 0; w < windows.length; w++) {
      const thread = threads[w % n]!;
      for (let chunk = await thread.next(); chunk; chunk = await thread.next()) {
        yield chunk;
        thread.taken(chunk.byteLength);
      }
    }
  } finally {
    await Promise.all(threads.map((t) => t.end()));
  }
}
