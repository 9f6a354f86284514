/**
 * Service output capture. A service's stdout and stderr are files (spools) it appends to
 * directly: it never blocks on the hub, keeps running if the hub dies, and a new hub picks
 * up where the old one stopped. The hub tails each spool from a persisted offset and hands
 * complete lines on (today to rotated log files; the log store takes this stream later).
 */
import { execFile } from 'node:child_process';
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, watch, type FSWatcher } from 'node:fs';

const chunkBytes = 1024 * 1024;
/** Bytes handled per event-loop turn, so a flood of output cannot starve the API. */
const turnBudget = 8 * chunkBytes;
/** Consumed bytes are handed back to the filesystem (punched out) every this many bytes. */
const punchEvery = 64 * 1024 * 1024;

/** What a tailer reports to its owner. */
export interface SpoolSink {
  /** Complete lines, newline-terminated, in file order. */
  lines(data: Buffer): void;
  /** The offset up to which everything has been handed to `lines`. */
  offset(offset: number): void;
}

/** Tails one spool file. */
export class SpoolTailer {
  private fd: number;
  private watcher: FSWatcher | undefined;
  private poll: NodeJS.Timeout | undefined;
  private scheduled = false;
  private following = false;
  private punchedTo = 0;
  private readonly buf = Buffer.allocUnsafe(chunkBytes);

  constructor(
    readonly path: string,
    private position: number,
    private readonly sink: SpoolSink,
  ) {
    this.fd = openSync(path, 'a+', 0o600);
  }

  /** Bytes consumed so far. */
  get consumed(): number {
    return this.position;
  }

  /** Starts following the file: on change notifications, and every `pollMs` as a safety net. */
  start(pollMs = 1000): void {
    this.following = true;
    try {
      this.watcher = watch(this.path, { persistent: false }, () => this.schedule());
      this.watcher.on('error', () => {});
    } catch {
      /* polling alone still works */
    }
    this.poll = setInterval(() => this.schedule(), pollMs);
    this.poll.unref();
    this.schedule();
  }

  /** Stops following; call `drain` first to hand on what is left. */
  stop(): void {
    this.following = false;
    this.watcher?.close();
    clearInterval(this.poll);
    this.watcher = undefined;
    closeSync(this.fd);
  }

  /** Reads everything up to the end of the file now, including a final line without newline when `final`. */
  drain(final = false): void {
    while (this.readChunk(final)) {
      /* keep reading */
    }
  }

  /**
   * Empties the spool when its writer is gone and everything was consumed, so a stopped
   * service's spool does not keep its old bytes. Safe only with no process writing.
   */
  truncateIfConsumed(): boolean {
    if (fstatSync(this.fd).size !== this.position) return false;
    ftruncateSync(this.fd, 0);
    this.position = 0;
    this.punchedTo = 0;
    this.sink.offset(0);
    return true;
  }

  private schedule(): void {
    if (this.scheduled || !this.following) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.following) return;
      let handled = 0;
      try {
        while (handled < turnBudget) {
          const n = this.readChunk(false);
          if (n === 0) return;
          handled += n;
        }
        this.schedule();
      } catch {
        /* the file went away under us (stop raced a read); the next start reopens it */
      }
    });
  }

  /** Reads one chunk at the current position and hands on its complete lines; returns bytes consumed. */
  private readChunk(final: boolean): number {
    const size = fstatSync(this.fd).size;
    if (size < this.position) {
      // Truncated behind our back: start over from the beginning.
      this.position = 0;
      this.punchedTo = 0;
    }
    if (size === this.position) return 0;
    const n = readSync(this.fd, this.buf, 0, Math.min(chunkBytes, size - this.position), this.position);
    if (n === 0) return 0;
    let end = this.buf.lastIndexOf(10, n - 1) + 1;
    // A line longer than a chunk, or the last line of a finished writer, goes on as it is.
    if (end === 0 && (n === chunkBytes || final)) end = n;
    if (end === 0) return 0;
    const data = Buffer.from(this.buf.subarray(0, end));
    if (data[data.length - 1] !== 10) {
      this.sink.lines(Buffer.concat([data, Buffer.from('\n')]));
    } else {
      this.sink.lines(data);
    }
    this.position += end;
    this.sink.offset(this.position);
    this.maybePunch();
    return end;
  }

  private maybePunch(): void {
    const aligned = Math.floor(this.position / 4096) * 4096;
    if (aligned - this.punchedTo < punchEvery) return;
    this.punchedTo = aligned;
    // Free the consumed bytes' disk blocks while the writer keeps appending (Linux
    // FALLOC_FL_PUNCH_HOLE, through util-linux); where unsupported, the spool just grows.
    execFile('fallocate', ['--punch-hole', '--offset', '0', '--length', String(aligned), this.path], () => {});
  }
}
