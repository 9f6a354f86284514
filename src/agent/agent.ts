/**
 * The agent's loop: collect every interval, send the report, and when the hub cannot take it
 * (unreachable, 5xx, 429, refused credentials) keep it in the disk buffer and replay the
 * buffer in order, in batches, once the hub answers again. Collection never waits on the
 * hub: sending runs beside it, one request at a time.
 *
 * Order is kept this way: while the buffer is empty, new reports wait in a short in-memory
 * queue and go straight to the hub; the first failure moves that queue to the disk buffer,
 * and from then on new reports are appended behind it until the buffer is drained.
 */
import type { HostMeta, Report, ReportReply } from '../protocol/report.js';
import { reportProtocolVersion } from '../protocol/version.js';
import { DiskBuffer } from './buffer.js';
import { Collector } from './collector.js';
import { hostMeta } from './meta.js';
import { Transport, type Answer, type TransportOptions } from './transport.js';

/** How an agent is run. */
export interface AgentOptions {
  hostId: string;
  intervalS: number;
  transport: TransportOptions;
  bufferDir: string;
  /** Most reports kept on disk (default 8,640: a day at 10 s). */
  bufferMax: number;
  /** Most bytes kept on disk (default 64 MB). */
  bufferMaxBytes: number;
  /** Reports per replay request (default 50). */
  batchSize: number;
  version: string;
  /** One line per notable event (hub lost, back, buffer dropping); never one per report. */
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Delay of the first report after start (default: one interval, at most 1 s). */
  firstReportMs?: number;
  collector?: Collector;
}

/** What the agent has done, for tests and its log. */
export interface AgentStats {
  collections: number;
  sent: number;
  replayed: number;
  rejected: number;
  failures: number;
  buffered: number;
  dropped: number;
  lastError: string | null;
}

/** Defaults of the options with defaults. */
export const agentDefaults = { intervalS: 10, bufferMax: 8640, bufferMaxBytes: 64 * 1024 * 1024, batchSize: 50 } as const;

const memoryQueueMax = 3;
const metaEvery = 60;
const maxBackoffMs = 30_000;

/** A running agent. */
export class Agent {
  private readonly collector: Collector;
  private readonly transport: Transport;
  private readonly buffer: DiskBuffer;
  private readonly run = Date.now();
  private readonly meta: HostMeta;
  private seq = 0;
  private memory: string[] = [];
  /** Reports taken from `memory` for the request in flight. */
  private inflight: string[] | null = null;
  private timer: NodeJS.Timeout | undefined;
  private pumping: Promise<void> | undefined;
  private retryAt = 0;
  private backoffMs = 0;
  private stopping = false;
  private closed = false;
  private hubDown = false;
  private nextTick = 0;
  readonly stats: AgentStats = { collections: 0, sent: 0, replayed: 0, rejected: 0, failures: 0, buffered: 0, dropped: 0, lastError: null };

  constructor(private readonly opts: AgentOptions) {
    this.collector = opts.collector ?? new Collector();
    this.transport = new Transport(opts.transport);
    this.buffer = DiskBuffer.open(opts.bufferDir, { maxRecords: opts.bufferMax, maxBytes: opts.bufferMaxBytes, segmentRecords: opts.batchSize });
    this.meta = hostMeta(opts.version, this.collector.bootTime());
    this.stats.buffered = this.buffer.count;
    this.stats.dropped = this.buffer.dropped;
  }

  /** Starts collecting; a buffer left by an earlier run starts replaying at once. */
  start(): void {
    this.collector.collect(); // the baseline for the first report's rates
    const first = this.opts.firstReportMs ?? Math.min(1000, this.opts.intervalS * 1000);
    this.nextTick = Date.now() + first;
    this.schedule();
    if (this.buffer.count > 0) {
      this.opts.log('info', `${this.buffer.count} report(s) left in the buffer by an earlier run; replaying them`);
      this.pump();
    }
  }

  /** Stops: waits (up to `graceMs`) for a request in flight, moves unsent reports to disk, closes everything. */
  async stop(graceMs = 5000): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    if (this.pumping) await Promise.race([this.pumping, new Promise((r) => setTimeout(r, graceMs).unref())]);
    this.closed = true;
    this.spill();
    this.transport.close();
    this.buffer.close();
    this.collector.close();
  }

  private schedule(): void {
    if (this.stopping) return;
    // Ticks keep to a fixed grid: a slow collection does not make the next one late.
    this.timer = setTimeout(() => {
      this.nextTick += this.opts.intervalS * 1000;
      if (this.nextTick < Date.now()) this.nextTick = Date.now() + this.opts.intervalS * 1000;
      this.tick();
      this.schedule();
    }, Math.max(0, this.nextTick - Date.now()));
  }

  /** One collection: the report goes to the queue it belongs in, and sending is nudged. */
  tick(): void {
    let samples: Record<string, number>;
    try {
      samples = this.collector.collect();
    } catch (err) {
      this.opts.log('error', `collection failed: ${(err as Error).message}`);
      return;
    }
    this.stats.collections++;
    const meta: HostMeta = { ...this.meta, buffered: this.buffer.count, buffer_dropped: this.buffer.dropped };
    const metaJson = JSON.stringify(meta);
    const seq = this.seq++;
    const report: Report = { version: reportProtocolVersion, host_id: this.opts.hostId, run: this.run, seq, ts: Date.now(), interval_s: this.opts.intervalS, samples };
    // The host's facts change rarely: sent first, on a change, and every 60th report (a fifth of the bytes otherwise).
    if (seq % metaEvery === 0 || metaJson !== this.lastMeta) {
      report.meta = meta;
      this.lastMeta = metaJson;
    }
    const line = JSON.stringify(report);
    if (this.buffer.count > 0) this.toDisk([line]);
    else {
      this.memory.push(line);
      // A slow hub: keep the queue short, on disk (not while a request holds older reports).
      if (this.memory.length > memoryQueueMax && this.inflight === null) this.spill();
    }
    this.pump();
  }

  /** Starts the sender unless it runs already or is waiting out a backoff. */
  private pump(): void {
    if (this.pumping || this.stopping || Date.now() < this.retryAt) return;
    this.pumping = this.drain().finally(() => (this.pumping = undefined));
  }

  private async drain(): Promise<void> {
    while (!this.stopping) {
      const fromDisk = this.buffer.count > 0;
      const batch = fromDisk ? this.buffer.peek(this.opts.batchSize) : this.memory.splice(0, this.opts.batchSize);
      if (batch.length === 0) return;
      if (!fromDisk) this.inflight = batch;
      const outcome = await this.send(batch);
      if (this.closed) return; // stop() gave up waiting and has put what was in flight on disk
      this.inflight = null;
      if (outcome === 'retry') {
        if (!fromDisk) this.memory.unshift(...batch);
        this.spill();
        return;
      }
      // Taken, or refused for good (a bad batch must not block the queue forever).
      if (fromDisk) {
        this.buffer.ack(batch.length);
        if (outcome === 'ok') this.stats.replayed += batch.length;
        if (this.buffer.count === 0) this.opts.log('info', 'buffer replayed: the hub has every report');
      } else if (outcome === 'ok') {
        this.stats.sent += batch.length;
      }
      this.stats.buffered = this.buffer.count;
    }
  }

  private async send(batch: string[]): Promise<'ok' | 'refused' | 'retry'> {
    const body = batch.length === 1 ? batch[0]! : `{"version":${reportProtocolVersion},"reports":[${batch.join(',')}]}`;
    let answer: Answer;
    try {
      answer = await this.transport.send(body);
    } catch (err) {
      return this.failed(`hub unreachable: ${(err as Error).message}`, null);
    }
    if (answer.status >= 200 && answer.status < 300) {
      if (this.hubDown) this.opts.log('info', 'hub reachable again');
      this.hubDown = false;
      this.backoffMs = 0;
      this.retryAt = 0;
      try {
        const reply = JSON.parse(answer.body) as ReportReply;
        if (reply.rejected.length > 0) {
          this.stats.rejected += reply.rejected.length;
          this.opts.log('warn', `the hub rejected ${reply.rejected.length} report(s): ${reply.rejected[0]!.error}`);
        }
      } catch {
        /* an answer without a body is still a yes */
      }
      return 'ok';
    }
    const reason = `hub answered ${answer.status}: ${errorMessage(answer.body)}`;
    if (answer.status === 400 || answer.status === 413 || answer.status === 422) {
      this.stats.rejected += batch.length;
      this.opts.log('error', `${reason}; dropping ${batch.length} report(s)`);
      return 'refused';
    }
    // 401/403 too: the operator may fix the key or certificate; keep the reports meanwhile.
    return this.failed(reason, answer.retryAfterS);
  }

  private failed(reason: string, retryAfterS: number | null): 'retry' {
    this.stats.failures++;
    this.stats.lastError = reason;
    if (!this.hubDown || reason !== this.lastReason) this.opts.log('warn', `${reason}; buffering reports on disk`);
    this.lastReason = reason;
    this.hubDown = true;
    this.backoffMs = Math.min(maxBackoffMs, Math.max(1000, this.backoffMs * 2));
    this.retryAt = Date.now() + (retryAfterS !== null ? retryAfterS * 1000 : this.backoffMs);
    return 'retry';
  }

  private lastReason = '';
  private lastMeta = '';

  private toDisk(lines: string[]): void {
    const before = this.buffer.dropped;
    this.buffer.append(lines);
    if (this.buffer.dropped > before) {
      this.opts.log('warn', `buffer full (${this.opts.bufferMax} reports / ${this.opts.bufferMaxBytes} bytes): dropped the oldest ${this.buffer.dropped - before} (${this.buffer.dropped} in all)`);
    }
    this.stats.buffered = this.buffer.count;
    this.stats.dropped = this.buffer.dropped;
  }

  /** Moves the in-memory queue (behind a request still in flight, at stop) to the disk buffer, in order. */
  private spill(): void {
    const lines = [...(this.inflight ?? []), ...this.memory];
    this.inflight = null;
    this.memory = [];
    if (lines.length > 0) this.toDisk(lines);
  }
}

function errorMessage(body: string): string {
  try {
    return (JSON.parse(body) as { error?: { message?: string } }).error?.message ?? body.slice(0, 200);
  } catch {
    return body.slice(0, 200);
  }
}
