/**
 * LogShipper: sends log entries to the hub's ingest API (POST /api/logs/ingest) in
 * batches, in order, from memory, without ever making the caller wait.
 *
 * What a caller may assume:
 * - push() returns at once (it only serializes the entry); requests run in the background,
 *   one at a time, so entries arrive in the order they were pushed.
 * - A batch goes out when it is full (batchSize, maxBatchBytes) or flushIntervalMs after
 *   the first entry waiting for it.
 * - Network errors, timeouts, 408, 429 and 5xx are retried with exponential backoff and
 *   jitter (at least the hub's Retry-After); the batch goes back to the front meanwhile.
 * - 413 halves the batch; any other 4xx drops the batch ("refused"), with one stderr line
 *   per kind of refusal. Entries the hub refuses one by one are counted as "rejected".
 * - Memory is bounded: past maxBuffered entries (or maxBufferedBytes) the oldest entries
 *   not in flight are dropped and counted; the next batch delivered starts with a WARNING
 *   entry saying how many were lost.
 * - flush() and close() wait at most their timeout. close() then drops what is left
 *   (counted), aborts the request in flight and leaves no timer behind.
 */
import { hostname } from 'node:os';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { dropNotice, encodeEntry, timestampOf, type EntryDefaults, type LogInput } from './entry.js';
import { resolveOptions, type ResolvedOptions, type ShipperOptions } from './options.js';
import { EntryQueue } from './queue.js';
import { backoffDelay, parseRetryAfter } from './retry.js';

const gzip = promisify(gzipCallback);

/** Counters of a shipper, all since it was made. */
export interface ShipperStats {
  /** Entries the hub stored. */
  sent: number;
  /** Entries discarded by the client: buffer full, left over at close, or unencodable. */
  dropped: number;
  /** Entries in batches the hub refused with a 4xx that is not retried. */
  refused: number;
  /** Entries the hub refused one by one (listed in its `rejected` answer). */
  rejected: number;
  /** Requests retried. */
  retries: number;
  /** Entries held now, in flight included. */
  buffered: number;
}

type Outcome =
  | { kind: 'sent'; ingested: number; rejected: { index: number; error: string }[] }
  | { kind: 'retry'; why: string; retryAfterMs?: number }
  | { kind: 'too_large' }
  | { kind: 'refused'; status: number; code: string; message: string };

/** Drops not yet announced to the hub. */
interface Unreported {
  count: number;
  first: string;
  last: string;
}

/** Batches entries and delivers them to the hub; see the module comment for its contract. */
export class LogShipper {
  private readonly o: ResolvedOptions;
  private readonly endpoint: string;
  private readonly defaults: EntryDefaults;
  private readonly queue = new EntryQueue();
  private readonly counts = { sent: 0, dropped: 0, refused: 0, rejected: 0, retries: 0 };
  private unreported: Unreported = { count: 0, first: '', last: '' };
  private inFlight = { count: 0, chars: 0 };
  private batchCap: { count: number; chars: number };
  private failures = 0;
  /** The flush interval passed (or a retry is pending): send a partial batch. */
  private due = false;
  /** flush() calls waiting: send partial batches now. */
  private urgent = 0;
  private closing = false;
  private stopped = false;
  private closed: Promise<ShipperStats> | undefined;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Cuts the current backoff short. */
  private wakeSleeper: (() => void) | undefined;
  private idleWaiters: (() => void)[] = [];
  private readonly abort = new AbortController();
  private readonly warned = new Set<string>();

  constructor(options: ShipperOptions = {}) {
    this.o = resolveOptions(options);
    this.endpoint = `${this.o.url}/api/logs/ingest`;
    this.batchCap = { count: this.o.batchSize, chars: this.o.maxBatchBytes };
    this.defaults = { service: this.o.service ?? 'unknown', hostname: hostname(), process_id: process.pid };
  }

  /** The service name from the options or WHEELHOUSE_SERVICE; undefined when neither gives one. */
  get configuredService(): string | undefined {
    return this.o.service;
  }

  /** Queues one entry (hostname and process_id default to this process's); never blocks. After close() the entry is dropped and counted. */
  push(input: LogInput): void {
    if (this.closing) {
      this.counts.dropped++;
      this.warnOnce('closed', 'log entries pushed after close() are dropped');
      return;
    }
    if (!this.o.service && !input.service_name) this.warnOnce('service', 'no service name: set the service option or WHEELHOUSE_SERVICE; entries are sent as service "unknown"');
    let json: string;
    try {
      json = encodeEntry(input, this.defaults);
    } catch (err) {
      this.counts.dropped++;
      this.warnOnce('encode', `a log entry could not be encoded and was dropped: ${(err as Error).message}`);
      return;
    }
    this.queue.push(json);
    this.enforceBound();
    if (this.batchReady()) this.kick();
    else this.arm();
  }

  /** Sends everything queued now; resolves true once it is delivered (or refused), false after `timeoutMs`. */
  async flush(timeoutMs: number = this.o.timeoutMs): Promise<boolean> {
    this.urgent++;
    try {
      this.kick();
      return await this.waitIdle(timeoutMs);
    } finally {
      this.urgent--;
    }
  }

  /** Delivers what is queued, waiting at most `timeoutMs`, then stops for good; resolves with the final counters. */
  close(timeoutMs: number = this.o.timeoutMs): Promise<ShipperStats> {
    this.closed ??= this.shutdown(timeoutMs);
    return this.closed;
  }

  /** The counters. */
  stats(): ShipperStats {
    return { ...this.counts, buffered: this.queue.length + this.inFlight.count };
  }

  private async shutdown(timeoutMs: number): Promise<ShipperStats> {
    this.closing = true;
    this.clearTimer();
    // One more attempt now rather than after the rest of a long backoff.
    this.wakeSleeper?.();
    this.kick();
    if (!(await this.waitIdle(timeoutMs))) {
      this.stopped = true;
      this.abort.abort();
      this.wakeSleeper?.();
      await this.running;
    }
    this.stopped = true;
    this.clearTimer();
    this.counts.dropped += this.queue.clear();
    this.releaseIdle();
    return this.stats();
  }

  /** Drops the oldest entries not in flight while over either bound. */
  private enforceBound(): void {
    const { maxBuffered, maxBufferedBytes } = this.o;
    while (this.queue.length > 0 && (this.queue.length + this.inFlight.count > maxBuffered || this.queue.chars + this.inFlight.chars > maxBufferedBytes)) {
      const json = this.queue.shift()!;
      this.counts.dropped++;
      const ts = timestampOf(json);
      if (this.unreported.count++ === 0) this.unreported.first = ts;
      this.unreported.last = ts;
    }
  }

  private batchReady(): boolean {
    return this.queue.length >= this.batchCap.count || this.queue.chars >= this.batchCap.chars;
  }

  private shouldSend(): boolean {
    return this.queue.length > 0 && (this.due || this.urgent > 0 || this.closing || this.batchReady());
  }

  /** Starts the send loop unless it runs already. */
  private kick(): void {
    if (this.running || this.stopped) return;
    this.clearTimer();
    this.running = this.run()
      .catch((err: unknown) => this.warnOnce('internal', `internal error in the log shipper: ${(err as Error).stack ?? String(err)}`))
      .finally(() => {
        this.running = undefined;
        this.settle();
      });
  }

  /** Arms the flush interval for a partial batch. */
  private arm(): void {
    if (this.timer || this.running || this.stopped || this.queue.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.due = true;
      this.kick();
    }, this.o.flushIntervalMs);
  }

  /** After the send loop: go on, wait for the interval, or tell waiters all is delivered. */
  private settle(): void {
    if (this.stopped || this.queue.length === 0) {
      this.due = false;
      this.releaseIdle();
    } else if (this.shouldSend()) {
      this.kick();
    } else {
      this.arm();
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped && this.shouldSend()) {
      const batch = this.queue.take(this.batchCap.count, this.batchCap.chars);
      const chars = batch.reduce((n, json) => n + json.length, 0);
      const drops = this.unreported;
      const notice = drops.count > 0 ? encodeEntry(dropNotice(drops.count, drops.first, drops.last, this.o.maxBuffered), this.defaults) : undefined;
      this.unreported = { count: 0, first: '', last: '' };
      this.inFlight = { count: batch.length, chars };
      let outcome: Outcome;
      try {
        outcome = await this.post(notice ? [notice, ...batch] : batch);
      } finally {
        this.inFlight = { count: 0, chars: 0 };
      }
      if (notice && outcome.kind !== 'sent') this.restoreUnreported(drops);
      if (outcome.kind === 'sent') {
        this.failures = 0;
        // What came in meanwhile waits for a full batch or the next interval.
        this.due = false;
        this.counts.sent += Math.max(0, outcome.ingested - (notice ? 1 : 0));
        this.noteRejected(outcome.rejected, notice ? 1 : 0);
      } else if (outcome.kind === 'too_large') {
        if (batch.length === 1) {
          this.counts.refused++;
          this.warnOnce('413', 'the hub refused a log entry as too large even on its own; it was dropped (counted as refused)');
        } else {
          this.queue.unshiftAll(batch);
          // The hub's body limit does not change while we run, so the smaller batches stay.
          this.batchCap = { count: Math.max(1, Math.floor(batch.length / 2)), chars: Math.max(1, Math.floor(chars / 2)) };
        }
      } else if (outcome.kind === 'refused') {
        this.counts.refused += batch.length;
        const hint = outcome.status === 401 && !this.o.token ? ' (no token: set the token option or WHEELHOUSE_TOKEN)' : '';
        this.warnOnce(`refused:${outcome.status}:${outcome.code}`, `the hub refused ${batch.length} log entries: ${outcome.status} ${outcome.code}: ${outcome.message}${hint}; such batches are dropped, not retried`);
      } else {
        this.queue.unshiftAll(batch);
        this.due = true;
        this.failures++;
        if (this.stopped) return;
        const delay = Math.max(backoffDelay(this.failures, this.o.minRetryDelayMs, this.o.maxRetryDelayMs), Math.min(outcome.retryAfterMs ?? 0, 300_000));
        if (this.failures === 1) this.warnOnce('unreachable', `cannot deliver logs to ${this.o.url} (${outcome.why}); retrying with backoff, holding up to ${this.o.maxBuffered} entries`);
        await this.sleep(delay);
        if (this.stopped) return;
        this.counts.retries++;
      }
    }
  }

  /** One request; never throws. */
  private async post(items: string[]): Promise<Outcome> {
    const body = `[${items.join(',')}]`;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.o.token) headers.authorization = `Bearer ${this.o.token}`;
    let payload: string | Uint8Array = body;
    if (this.o.gzip && body.length >= 1024) {
      payload = new Uint8Array(await gzip(body));
      headers['content-encoding'] = 'gzip';
    }
    let res: Response;
    let text: string;
    try {
      res = await this.o.fetch(this.endpoint, {
        method: 'POST',
        headers,
        body: payload,
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.o.timeoutMs)]),
      });
      text = await res.text();
    } catch (err) {
      return { kind: 'retry', why: describe(err) };
    }
    if (res.ok) {
      const answer = parseJson(text) as { ingested?: unknown; log_id?: unknown; rejected?: unknown } | undefined;
      const ingested = typeof answer?.ingested === 'number' ? answer.ingested : typeof answer?.log_id === 'number' ? 1 : items.length;
      const rejected = Array.isArray(answer?.rejected) ? (answer.rejected as { index: number; error: string }[]) : [];
      return { kind: 'sent', ingested, rejected };
    }
    if (res.status === 413) return { kind: 'too_large' };
    if (res.status === 408 || res.status === 429 || res.status >= 500) {
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
      return { kind: 'retry', why: `HTTP ${res.status}`, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    }
    const error = (parseJson(text) as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    return {
      kind: 'refused',
      status: res.status,
      code: typeof error?.code === 'string' ? error.code : 'unknown',
      message: typeof error?.message === 'string' ? error.message : text.slice(0, 200),
    };
  }

  private noteRejected(rejected: { index: number; error: string }[], offset: number): void {
    if (rejected.length === 0) return;
    this.counts.rejected += rejected.length;
    const first = rejected[0]!;
    this.warnOnce('rejected', `the hub rejected ${rejected.length} log entries of a batch; the first (#${first.index - offset}): ${first.error}`);
  }

  private restoreUnreported(drops: Unreported): void {
    // Drops made while the request was in flight are newer than the ones it announced.
    const later = this.unreported;
    this.unreported = { count: drops.count + later.count, first: drops.first, last: later.count > 0 ? later.last : drops.last };
  }

  /** Resolves true when nothing is queued or in flight, false after `timeoutMs`. */
  private waitIdle(timeoutMs: number): Promise<boolean> {
    if (this.queue.length === 0 && !this.running) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = () => {
        clearTimeout(timer);
        resolve(true);
      };
      // Not unref'd: `await shipper.close()` must keep the process alive until it settles.
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      this.idleWaiters.push(waiter);
    });
  }

  private releaseIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakeSleeper = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      // A backoff alone does not keep a process alive; close() bounds the wait when it matters.
      timer.unref();
      this.wakeSleeper = wake;
    });
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.o.warn(message);
  }
}

function describe(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'request timed out';
  if (e.name === 'AbortError') return 'request aborted';
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
