/**
 * Follows one file (one inode) for one service: reads what was appended since the stored
 * position a chunk at a time, hands the complete lines to a LineParser and commits the
 * entries together with the position to resume from, awaiting each commit before reading
 * on. The file stays open after it is renamed or deleted, so a rotated file is read to its
 * end; a file that shrank or whose first bytes changed (copy-truncate) is read again from 0.
 */
import { constants, watch, type FSWatcher } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Logger } from 'pino';
import { isAppError } from '../../core/errors.js';
import type { NewLogEntry } from '../entry.js';
import type { LogService } from '../index.js';
import { LineParser } from '../lines.js';
import { cutLines } from './cut.js';
import { errorCode, type FileMatch } from './glob.js';
import { cursorKey, decodePosition, encodePosition, headBytes, headMatches, readHead, type Head } from './offsets.js';
import type { Slots } from './problems.js';

/** What a follower is given by the tailer. */
export interface FollowerContext {
  service: string;
  logs: Pick<LogService, 'write' | 'cursor'>;
  hostname: string;
  maxMessageBytes: number;
  /** Bytes read at once; more than `maxMessageBytes`. */
  chunkBytes: number;
  /** Shared limit on concurrent chunk reads. */
  slots: Slots;
  logger: Logger;
  /** Pause after a failed read or commit before reading again from the stored position. */
  retryMs: number;
  /** Quiet time after which an entry held for continuation lines is stored as it is. */
  flushAfterMs: number;
}

/**
 * How far a pump goes: `live` stores an entry held for continuation lines only once nothing
 * continued it for `flushAfterMs`; `final` (a finished file) stores it and an unterminated
 * last line at once.
 */
type Mode = 'live' | 'final';

/** Tails one file into the log store. */
export class FileFollower {
  /** The path the file was last matched at. */
  path: string;
  private running: Promise<boolean> | undefined;
  private again = false;
  private closed = false;
  private retryAt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;
  private detachedAt: number | undefined;
  private changedAt = Date.now();
  /** When complete lines were last read. */
  private readAt = 0;
  private failing: string | undefined;
  private warnedLong = false;
  private atEnd = false;
  private safe: number;
  private readonly parser: LineParser;
  private readonly key: string;

  private constructor(
    private readonly ctx: FollowerContext,
    private readonly fh: FileHandle,
    match: FileMatch,
    private position: number,
    private head: Head | null,
    private lastSize: number,
  ) {
    this.path = match.path;
    this.key = cursorKey(ctx.service, match.dev, match.ino);
    this.safe = position;
    // Plain lines name the file they came from; JSON lines are stored as the application wrote them.
    this.parser = new LineParser({
      service: ctx.service,
      source: 'file',
      hostname: ctx.hostname,
      processId: null,
      maxMessageBytes: ctx.maxMessageBytes,
      plainContext: JSON.stringify({ file: match.path }),
    });
  }

  /**
   * Opens a matched file and finds where to resume: the stored position, unless the file is
   * now shorter or starts differently (truncated, or a recycled inode), then 0. Resolves
   * undefined when the path no longer names that file; rejects when it cannot be opened.
   */
  static async open(ctx: FollowerContext, match: FileMatch): Promise<FileFollower | undefined> {
    // O_NONBLOCK: should the path have become a FIFO since it was matched, opening must not hang.
    const fh = await open(match.path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const st = await fh.stat({ bigint: true });
      if (!st.isFile() || String(st.dev) !== match.dev || String(st.ino) !== match.ino) {
        await fh.close();
        return undefined;
      }
      const size = Number(st.size);
      const saved = decodePosition(await ctx.logs.cursor(cursorKey(ctx.service, match.dev, match.ino)));
      let position = 0;
      let head: Head | null = null;
      if (saved === 'invalid') {
        ctx.logger.warn({ service: ctx.service, path: match.path }, 'stored position of log file is unreadable; reading the file from the start');
      } else if (saved) {
        if (saved.offset <= size && (saved.head === null || (await headMatches(fh, saved.head)))) {
          position = saved.offset;
          head = saved.head;
        } else {
          ctx.logger.info({ service: ctx.service, path: match.path, offset: saved.offset, size }, 'log file was truncated or replaced since it was last read; reading it from the start');
        }
      }
      return new FileFollower(ctx, fh, match, position, head, size);
    } catch (err) {
      await fh.close().catch(() => {});
      throw err;
    }
  }

  /** Starts reading, on change notifications as well as on `kick`. */
  start(): void {
    try {
      this.watcher = watch(this.path, { persistent: false }, () => this.kick());
      this.watcher.on('error', () => {});
    } catch {
      /* the tailer's polling alone still works */
    }
    this.kick();
  }

  /** The file is still matched, at `path`. */
  attach(path: string): void {
    this.path = path;
    this.detachedAt = undefined;
  }

  /** The file is no longer matched (renamed away or deleted): it is read on until it is quiet. */
  detach(now: number): void {
    this.detachedAt ??= now;
  }

  /** How long a detached file has not grown (0 while it is matched). */
  quietFor(now: number): number {
    return this.detachedAt === undefined ? 0 : now - Math.max(this.detachedAt, this.changedAt);
  }

  /** True when no read is running and the last one got to the end of the file. */
  get caughtUp(): boolean {
    return this.running === undefined && this.atEnd;
  }

  /** Reads what was appended, unless a read is running (then it goes on) or a retry is due later. */
  kick(mode: Mode = 'live'): void {
    if (this.closed || Date.now() < this.retryAt) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pump(mode).finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /**
   * For a detached, quiet file: stores the rest, the unterminated last line included (its
   * writer has moved on), and closes it. False when that could not be stored: try later.
   */
  async finish(): Promise<boolean> {
    while (this.running) await this.running;
    if (this.closed) return true;
    clearTimeout(this.retryTimer);
    this.retryAt = 0;
    this.running = this.pump('final');
    const ok = await this.running;
    this.running = undefined;
    if (ok) await this.close();
    return ok;
  }

  /** Stops reading and closes the file. What is not stored yet (a held entry, a partial line) is read again by the next tailer. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.flushTimer);
    this.watcher?.close();
    while (this.running) await this.running;
    await this.fh.close().catch(() => {});
  }

  /** Reads and stores everything complete up to the end of the file; false after a failure (retried later). */
  private async pump(mode: Mode): Promise<boolean> {
    try {
      while (!this.closed) {
        const size = await this.size();
        if (size < this.position || (this.position > 0 && this.head !== null && !(await headMatches(this.fh, this.head)))) {
          await this.startOver(size);
          continue;
        }
        if (size === this.position || !(await this.readChunk(size, mode === 'final'))) break;
      }
      if (this.closed) return true;
      if (this.parser.heldFrom !== undefined) {
        // Caught up with an entry held for continuation lines: store it once no more output continued it for a while.
        const wait = this.readAt + this.ctx.flushAfterMs - Date.now();
        if (mode === 'final' || wait <= 0) await this.commit(this.parser.push([], Date.now(), true), this.position, this.position);
        else this.scheduleFlush(wait);
      }
      this.atEnd = true;
      if (this.failing) {
        this.ctx.logger.info({ service: this.ctx.service, path: this.path }, 'log file tailing recovered');
        this.failing = undefined;
      }
      return true;
    } catch (err) {
      // Nothing past the stored position counts as read: read it again after a pause.
      this.atEnd = false;
      this.parser.reset();
      this.position = this.safe;
      if (this.closed) return false;
      const code = isAppError(err) ? err.code : errorCode(err);
      if (this.failing !== code) {
        this.failing = code;
        const message = code === 'logs/queue_full' ? 'log write queue is full; reading the file again from its stored position shortly' : 'cannot read or store log file; retrying from its stored position';
        this.ctx.logger.warn({ service: this.ctx.service, path: this.path, err }, message);
      }
      this.retryAt = Date.now() + this.ctx.retryMs;
      this.retryTimer = setTimeout(() => {
        this.retryAt = 0;
        this.kick();
      }, this.ctx.retryMs);
      this.retryTimer.unref();
      return false;
    }
  }

  /** Reads one chunk from the position and stores its complete lines; false when nothing complete was there. */
  private async readChunk(size: number, final: boolean): Promise<boolean> {
    await this.ctx.slots.acquire();
    try {
      if (this.closed) return false;
      const want = Math.min(this.ctx.chunkBytes, size - this.position);
      const buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await this.fh.read(buf, 0, want, this.position);
      if (bytesRead === 0) return false;
      const atEnd = this.position + bytesRead >= size;
      const cut = cutLines(buf.subarray(0, bytesRead), this.position, this.ctx.maxMessageBytes, final && atEnd);
      if (cut.split && !this.warnedLong) {
        this.warnedLong = true;
        this.ctx.logger.warn({ service: this.ctx.service, path: this.path, maxMessageBytes: this.ctx.maxMessageBytes }, 'log file has lines longer than the message limit; they are stored in pieces');
      }
      if (cut.consumed === 0) return false;
      const end = this.position + cut.consumed;
      const entries = this.parser.push(cut.lines, Date.now(), false, cut.starts);
      // An entry held open for continuation lines is not stored yet: resume from where it began.
      await this.commit(entries, this.parser.heldFrom ?? end, end);
      this.position = end;
      this.readAt = Date.now();
      return true;
    } finally {
      this.ctx.slots.release();
    }
  }

  /** Stores entries with the position to resume from; `seen` is how far the file has been read. */
  private async commit(entries: NewLogEntry[], offset: number, seen: number): Promise<void> {
    if ((this.head === null || this.head.len < headBytes) && seen > (this.head?.len ?? 0)) {
      this.head = (await readHead(this.fh, Math.min(headBytes, seen))) ?? this.head;
    }
    if (entries.length === 0 && offset === this.safe) return;
    await this.ctx.logs.write(entries, [{ key: this.key, value: encodePosition({ path: this.path, offset, size: this.lastSize, head: this.head }) }]);
    this.safe = offset;
  }

  /** The file shrank or was rewritten: store what is held (complete lines already read), then read from 0. */
  private async startOver(size: number): Promise<void> {
    this.ctx.logger.info({ service: this.ctx.service, path: this.path, position: this.position, size }, 'log file was truncated or rewritten; reading it from the start');
    const held = this.parser.push([], Date.now(), true);
    this.position = 0;
    this.head = null;
    await this.ctx.logs.write(held, [{ key: this.key, value: encodePosition({ path: this.path, offset: 0, size, head: null }) }]);
    this.safe = 0;
  }

  private async size(): Promise<number> {
    const size = (await this.fh.stat()).size;
    if (size !== this.lastSize) {
      this.lastSize = size;
      this.changedAt = Date.now();
    }
    return size;
  }

  /** Reads again in `ms`, when the held entry is due to be stored (unless a read happens first). */
  private scheduleFlush(ms: number): void {
    if (this.flushTimer !== undefined) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.kick();
    }, ms);
    this.flushTimer.unref();
  }
}
