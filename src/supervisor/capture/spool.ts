/**
 * Service output capture. A service's stdout and stderr are files (spools) it appends to
 * directly: it never blocks on the hub, keeps running if the hub dies, and a new hub picks
 * up where the old one stopped. The hub tails each spool and hands complete lines to an
 * OutputSink (the log store), which commits them together with the offset to resume from.
 */
import { execFile } from 'node:child_process';
import { closeSync, fstatSync, ftruncateSync, openSync, readSync } from 'node:fs';

const chunkBytes = 1024 * 1024;
/** Consumed bytes are handed back to the filesystem (punched out) every this many bytes. */
const punchEvery = 64 * 1024 * 1024;
/** With no new output for this long, a line held back for possible continuation lines is let go. */
const flushAfterMs = 200;
/** After a failed hand-over, try again after this long (the lines are still in the spool). */
const retryMs = 1000;

/** The two captured streams. */
export type OutputStream = 'stdout' | 'stderr';

/** Where captured output goes. */
export interface OutputSink {
  /** The spool offset capture of a stream resumes from (as committed with the lines before it). */
  resumeOffset(service: string, stream: OutputStream): Promise<number>;
  /**
   * Complete lines (newline-terminated) read from a spool, ending at byte `end`. Resolves,
   * once they are stored, with the offset it is safe to resume from (before a line still
   * held for continuation lines). With `flush`, nothing is held back. Rejects when they
   * could not be stored; they are read again later.
   */
  lines(target: { service: string; stream: OutputStream; pid: number | null }, data: Buffer, end: number, flush: boolean): Promise<number>;
  /** Forgets any held line (after a failure, before lines are read again). */
  reset(service: string, stream: OutputStream): void;
  /** The spool was emptied: resume from offset 0. */
  truncated(service: string, stream: OutputStream): Promise<void>;
  /** The last `maxBytes` of output of a stream written since `sinceMs` (for error messages). */
  recent(service: string, stream: OutputStream, sinceMs: number, maxBytes: number): Promise<string>;
}

/** Tails one spool file into a sink, one chunk at a time. */
export class SpoolTailer {
  private fd: number;
  private poll: NodeJS.Timeout | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private following = false;
  private punchedTo = 0;
  private holding = false;
  private safe: number;
  /** Where the output of an exited writer ends, and its pid (see writerExited). */
  private exited: { end: number; pid: number } | undefined;
  private readonly buf = Buffer.allocUnsafe(chunkBytes);

  constructor(
    readonly path: string,
    private position: number,
    /** `writer`: the pid of an exited writer whose output this is (see writerExited), else undefined. */
    private readonly hand: (data: Buffer, end: number, flush: boolean, writer: number | undefined) => Promise<number>,
    private readonly onFailure: () => void,
  ) {
    this.fd = openSync(path, 'a+', 0o600);
    this.safe = position;
  }

  /** Bytes read so far. */
  get consumed(): number {
    return this.position;
  }

  /**
   * Starts following the file by polling its size every `pollMs`. Not inotify: a watch makes
   * every write(2) of the service raise an event, which measurably slows a chatty writer
   * (1M lines: 1.7 s unwatched, 2.9 s watched), and a poll costs one fstat.
   */
  start(pollMs = 100): void {
    this.following = true;
    this.poll = setInterval(() => this.kick(), pollMs);
    this.poll.unref();
    this.kick();
  }

  /**
   * The process writing this spool has exited: every byte written so far is its output, to be
   * handed on as its last (unterminated last line and held line included) under its `pid`,
   * before anything a successor appends. Synchronous, so it can come before a restart.
   */
  writerExited(pid: number): void {
    this.exited = { end: fstatSync(this.fd).size, pid };
  }

  /**
   * Reads everything written so far and hands it on. With `final` (the writer is gone) the
   * unterminated last line and any held line go too.
   */
  async drain(final: boolean): Promise<void> {
    // One pump at a time: a poll's pump running next to this one would read the same bytes.
    while (this.running) await this.running;
    const run = this.pump(final, final);
    this.running = run.finally(() => this.pumped());
    await run;
  }

  /** Stops following and closes the file; call `drain` first to hand on what is left. */
  async stop(): Promise<void> {
    this.following = false;
    clearInterval(this.poll);
    clearTimeout(this.flushTimer);
    await this.running;
    closeSync(this.fd);
  }

  /**
   * Empties the spool when everything in it has been handed on and stored. Only safe while
   * no process writes to it (the service is stopped).
   */
  async truncateIfConsumed(): Promise<boolean> {
    await this.running;
    if (this.holding || fstatSync(this.fd).size !== this.position) return false;
    ftruncateSync(this.fd, 0);
    this.position = 0;
    this.safe = 0;
    this.punchedTo = 0;
    return true;
  }

  private kick(): void {
    if (!this.following) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pump(false, false).finally(() => this.pumped());
  }

  private pumped(): void {
    this.running = undefined;
    if (this.again) {
      this.again = false;
      this.kick();
    }
  }

  /**
   * Hands on every complete line up to the end of the file, a chunk at a time. `final`: also
   * the unterminated last line. `flush`: also a line held back for continuation lines. An
   * exited writer's output is handed on whole first, as if `final`.
   */
  private async pump(final: boolean, flush: boolean): Promise<void> {
    let handed = false;
    try {
      while (true) {
        const fileSize = fstatSync(this.fd).size;
        if (fileSize < this.position) {
          // Truncated behind our back: start over from the beginning.
          this.position = 0;
          this.safe = 0;
          this.punchedTo = 0;
          this.exited = undefined;
        }
        const exited = this.exited;
        const size = exited ? Math.min(exited.end, fileSize) : fileSize;
        const last = final || exited !== undefined;
        if (size === this.position) {
          if (!exited) break;
          // The exited writer's output is all read: let its held line go, under its pid.
          this.safe = await this.hand(Buffer.alloc(0), this.position, true, exited.pid);
          this.holding = false;
          this.exited = undefined;
          continue;
        }
        const n = readSync(this.fd, this.buf, 0, Math.min(chunkBytes, size - this.position), this.position);
        if (n === 0) break;
        let end = this.buf.lastIndexOf(10, n - 1) + 1;
        // A line longer than a chunk, or the unterminated last line of a finished writer, goes on as it is.
        if (end === 0 && (n === chunkBytes || last)) end = n;
        if (end === 0) break;
        let data = Buffer.from(this.buf.subarray(0, end));
        if (data[data.length - 1] !== 10) data = Buffer.concat([data, Buffer.from('\n')]);
        if (!handed) {
          // New output: a held line may be continued, so its flush waits again.
          clearTimeout(this.flushTimer);
          this.flushTimer = undefined;
          handed = true;
        }
        this.safe = await this.hand(data, this.position + end, false, exited?.pid);
        this.position += end;
        this.holding = this.safe < this.position;
        this.maybePunch();
      }
      if (flush || this.holding) {
        if (flush) {
          clearTimeout(this.flushTimer);
          this.flushTimer = undefined;
          this.safe = await this.hand(Buffer.alloc(0), this.position, true, undefined);
          this.holding = false;
        } else if (this.flushTimer === undefined) {
          // Caught up with a line held back: let it go unless more output continues it.
          this.flushTimer = setTimeout(() => {
            this.flushTimer = undefined;
            if (!this.following || this.running) return;
            this.running = this.pump(false, true).finally(() => this.pumped());
          }, flushAfterMs);
          this.flushTimer.unref();
        }
      }
    } catch {
      // Not stored: read again from the last stored offset after a pause.
      this.onFailure();
      this.position = this.safe;
      this.holding = false;
      if (this.following) setTimeout(() => this.kick(), retryMs).unref();
    }
  }

  private maybePunch(): void {
    const aligned = Math.floor(this.safe / 4096) * 4096;
    if (aligned - this.punchedTo < punchEvery) return;
    this.punchedTo = aligned;
    // Free the stored bytes' disk blocks while the writer keeps appending (Linux
    // FALLOC_FL_PUNCH_HOLE, through util-linux); where unsupported, the spool just grows.
    execFile('fallocate', ['--punch-hole', '--offset', '0', '--length', String(aligned), this.path], () => {});
  }
}
