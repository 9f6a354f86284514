/** The main-thread side of the full-text worker: start, notify, wait, stop. */
import Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import type { FtsWorkerData } from './fts-worker.js';

/** Controls one fts-worker thread. */
export class FtsIndexer {
  private readonly worker: Worker;
  private upTo = 0;
  private failure: string | undefined;
  private readonly waiters = new Set<() => void>();
  private closed: Promise<void> | undefined;
  private readonly knownSlices = new Set<string>();

  /** Creates the full-text file in WAL mode, so the reader can attach it before the worker runs. */
  static prepareFile(file: string): void {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE IF NOT EXISTS fts_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL)');
    db.close();
  }

  constructor(rowsFile: string, ftsFile: string) {
    const data: FtsWorkerData = { rowsFile, ftsFile };
    const { url, execArgv } = workerEntry();
    this.worker = new Worker(url, { workerData: data, execArgv });
    this.worker.on('message', (m: { type: string; upTo?: number; message?: string }) => {
      if (m.type === 'indexed') {
        this.upTo = Math.max(this.upTo, m.upTo!);
        for (const w of [...this.waiters]) w();
      } else if (m.type === 'error') {
        this.failure = m.message;
      }
    });
    this.worker.on('error', (err) => {
      this.failure = err.message;
    });
    // The hub must be able to exit while the worker idles.
    this.worker.unref();
  }

  /** The highest id the index covers. */
  get indexedUpTo(): number {
    return this.upTo;
  }

  /** The last indexing error, if any (the store reports it in its health). */
  get error(): string | undefined {
    return this.failure;
  }

  /** Tells the worker entries up to `lastId` are committed. */
  appended(lastId: number): void {
    this.worker.postMessage({ type: 'appended', lastId });
  }

  /** Tells the worker entries below `id` are gone: whole slices below it can be dropped. */
  dropBelow(id: number): void {
    this.knownSlices.clear();
    this.worker.postMessage({ type: 'drop-below', id });
  }

  /** Whether a slice table exists (checked once per slice; new slices appear as ids grow). */
  hasSlice(reader: Database.Database, table: string): boolean {
    if (this.knownSlices.has(table)) return true;
    const found = reader.prepare("SELECT 1 FROM fts.sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
    if (found) this.knownSlices.add(table);
    return found;
  }

  /** Resolves when the index covers `id`; rejects after `timeoutMs`. */
  waitFor(id: number, timeoutMs: number): Promise<void> {
    if (this.upTo >= id) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`full-text index at ${this.upTo}, not ${id}, after ${timeoutMs}ms${this.failure ? `: ${this.failure}` : ''}`));
      }, timeoutMs);
      const check = (): void => {
        if (this.upTo < id) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  /** Stops the worker after its current batch. */
  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      // Keep the process alive until the worker has closed its databases.
      this.worker.ref();
      const timer = setTimeout(() => void this.worker.terminate().then(done, done), 5000);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.worker.once('exit', done);
      this.worker.on('message', (m: { type: string }) => {
        if (m.type === 'closed') void this.worker.terminate().then(done, done);
      });
      this.worker.postMessage({ type: 'close' });
    });
    return this.closed;
  }
}

/**
 * The worker's entry file. Running from source (tests under vitest), worker threads cannot
 * load TypeScript, so the built file in dist/ is used: `npm test` builds before testing.
 */
function workerEntry(): { url: URL; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  return { url: new URL(fromSource ? '../../../../dist/store/sqlite/logs/fts-worker.js' : './fts-worker.js', import.meta.url), execArgv: [] };
}
