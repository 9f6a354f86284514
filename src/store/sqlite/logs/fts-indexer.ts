/** The main-thread side of the full-text worker: start, notify, wait, stop. */
import Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import type { FtsWorkerData } from './fts-worker.js';
import { workerUrl } from './worker-url.js';

/** How long the worker may sit with nothing to index before it is ended (it holds ~15 MB). */
const idleMs = 2000;

/**
 * Controls the fts-worker thread. The thread runs only while there is indexing to do: it is
 * started by the first entries (or slice drop) it has to handle and ended after `idleMs`
 * without work, so a quiet hub does not keep a second V8 isolate and its SQLite caches.
 * Restarting it costs ~30 ms of CPU. At most one thread exists at a time: a new one starts
 * only after the previous one has closed its databases.
 */
export class FtsIndexer {
  private worker: Worker | undefined;
  /** Resolves when the thread being ended has exited. */
  private ending: Promise<void> | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private upTo: number;
  private target = 0;
  private pendingDrop: number | undefined;
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

  constructor(
    private readonly rowsFile: string,
    private readonly ftsFile: string,
  ) {
    // The index's own high-water mark, so nothing is started for entries already indexed.
    const db = new Database(ftsFile, { readonly: true, fileMustExist: true });
    try {
      this.upTo = (db.prepare("SELECT value FROM fts_state WHERE key = 'indexed_up_to'").get() as { value: number } | undefined)?.value ?? 0;
    } finally {
      db.close();
    }
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
    this.target = Math.max(this.target, lastId);
    if (this.target > this.upTo) this.wake();
  }

  /** Tells the worker entries below `id` are gone: whole slices below it can be dropped. */
  dropBelow(id: number): void {
    this.knownSlices.clear();
    this.pendingDrop = Math.max(this.pendingDrop ?? 0, id);
    this.wake();
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
    this.closed ??= (async () => {
      clearTimeout(this.idleTimer);
      if (this.worker) this.end();
      await this.ending;
    })();
    return this.closed;
  }

  /** Hands the pending work to the thread, starting one if none runs. */
  private wake(): void {
    if (this.closed) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.ending && !this.worker) return; // the exiting thread's successor is started on its exit
    const worker = (this.worker ??= this.spawn());
    if (this.pendingDrop !== undefined) {
      worker.postMessage({ type: 'drop-below', id: this.pendingDrop });
      this.pendingDrop = undefined;
    }
    if (this.target > this.upTo) worker.postMessage({ type: 'appended', lastId: this.target });
    else this.idleLater();
  }

  private spawn(): Worker {
    const data: FtsWorkerData = { rowsFile: this.rowsFile, ftsFile: this.ftsFile };
    const worker = new Worker(workerUrl('fts-worker'), { workerData: data });
    worker.on('message', (m: { type: string; upTo?: number; message?: string }) => {
      if (m.type === 'indexed') {
        this.upTo = Math.max(this.upTo, m.upTo!);
        for (const w of [...this.waiters]) w();
        if (this.upTo >= this.target && worker === this.worker) this.idleLater();
      } else if (m.type === 'error') {
        this.failure = m.message;
        // Not caught up, and it will not get further on its own: let the next entries retry.
        if (worker === this.worker) this.idleLater();
      }
    });
    worker.on('error', (err) => {
      this.failure = err.message;
    });
    // The hub must be able to exit while the worker idles.
    worker.unref();
    return worker;
  }

  private idleLater(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.worker && this.upTo >= this.target && this.pendingDrop === undefined) this.end();
    }, idleMs);
    this.idleTimer.unref();
  }

  /** Ends the current thread after its current batch, once it has closed its databases. */
  private end(): void {
    const worker = this.worker!;
    this.worker = undefined;
    this.ending = new Promise<void>((resolve) => {
      // Keep the process alive until the worker has closed its databases.
      worker.ref();
      const timer = setTimeout(() => void worker.terminate().then(done, done), 5000);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      worker.once('exit', done);
      worker.on('message', (m: { type: string }) => {
        if (m.type === 'closed') void worker.terminate().then(done, done);
      });
      worker.postMessage({ type: 'close' });
    }).then(() => {
      this.ending = undefined;
      // Work that arrived while it was closing goes to a fresh thread.
      if (!this.closed && (this.target > this.upTo || this.pendingDrop !== undefined)) this.wake();
    });
  }
}
