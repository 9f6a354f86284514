/**
 * The delivery core: one queue and one worker per channel, so a slow or dead channel only
 * ever delays itself. A worker sends its queue in order, one notification at a time, each
 * attempt bounded by the channel's timeout; transient failures are retried with
 * exponential backoff and jitter (or after the receiver's Retry-After) up to a bound,
 * permanent ones are not. Every attempt is written to the delivery log; a failing log is
 * reported and never stops delivery.
 */
import type { Logger } from 'pino';
import type { AlertRepo, DeliveryRecord } from '../../store/index.js';
import { DeliveryError, type Channel, type RenderedNotification } from './channel.js';

/** Retry and queue settings. The defaults give 6 attempts over about two minutes. */
export interface DeliveryOptions {
  /** Attempts per notification, the first included. */
  maxAttempts: number;
  /** Delay before the second attempt; doubles each time (with ±50 % jitter), up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the delivery fails. */
  maxRetryAfterMs: number;
  /** Notifications waiting per channel; past it the oldest is dropped (logged and counted). */
  queueLimit: number;
  /** How long stop() lets queued deliveries finish before abandoning them. */
  stopTimeoutMs: number;
  /** Waits `ms` or until `signal` aborts (injectable so tests need not wait). */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  random: () => number;
}

/** The defaults: delays of about 4, 8, 16, 32, 60 s between the 6 attempts. */
export const defaultDeliveryOptions: DeliveryOptions = {
  maxAttempts: 6,
  baseDelayMs: 4_000,
  maxDelayMs: 60_000,
  maxRetryAfterMs: 300_000,
  queueLimit: 100,
  stopTimeoutMs: 5_000,
  sleep: abortableSleep,
  random: Math.random,
};

/** Resolves after `ms`, or early (without error) when `signal` aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The delay before attempt `attempt + 1`: exponential with jitter, or what the receiver asked. */
export function backoff(attempt: number, opts: Pick<DeliveryOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'>, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.max(0, retryAfterMs);
  const exp = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exp * (0.5 + opts.random() / 2));
}

/** One notification queued for one channel. */
interface Job {
  n: RenderedNotification;
}

/** Writes delivery records; a failing repo is logged (once per outage) and ignored. */
export class DeliveryLog {
  private broken = false;
  constructor(
    private readonly repo: AlertRepo,
    private readonly logger: Logger,
  ) {}

  /** Appends one record; never throws. */
  async write(record: Omit<DeliveryRecord, 'at'>): Promise<void> {
    try {
      await this.repo.appendDelivery({ ...record, at: new Date().toISOString() });
      if (this.broken) this.logger.info('the delivery log is writable again');
      this.broken = false;
    } catch (err) {
      if (!this.broken) this.logger.warn({ err: (err as Error).message }, 'cannot write the delivery log; deliveries go on unlogged');
      this.broken = true;
    }
  }
}

/** What one attempt came to: null when sent. The attempt ends at `timeoutMs` or when `stop` aborts. */
export async function attempt(channel: Channel, n: RenderedNotification, timeoutMs: number, stop: AbortSignal): Promise<DeliveryError | null> {
  // One controller per attempt (not AbortSignal.any): nothing stays attached to the long-lived stop signal.
  const ctl = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ctl.abort(new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError'));
  }, timeoutMs);
  const onStop = () => ctl.abort(stop.reason);
  stop.addEventListener('abort', onStop, { once: true });
  if (stop.aborted) onStop();
  // A channel that ignores its signal must not hold the worker: the race ends at the abort.
  const aborted = new Promise<never>((_, reject) => {
    if (ctl.signal.aborted) reject(ctl.signal.reason);
    ctl.signal.addEventListener('abort', () => reject(ctl.signal.reason), { once: true });
  });
  aborted.catch(() => {});
  try {
    await Promise.race([channel.send(n, ctl.signal), aborted]);
    return null;
  } catch (err) {
    if (err instanceof DeliveryError) return err;
    if (timedOut) return new DeliveryError(`timed out after ${timeoutMs} ms`, true);
    if (stop.aborted) return new DeliveryError('abandoned: the notifier stopped', false);
    // Anything else (a bug, an odd library error) may pass: worth another try.
    return new DeliveryError((err as Error)?.message ?? String(err), true);
  } finally {
    clearTimeout(timer);
    stop.removeEventListener('abort', onStop);
  }
}

/** The queue and worker of one channel. */
export class ChannelWorker {
  private readonly queue: Job[] = [];
  // Set and cleared synchronously inside run(), so a job queued at any moment is picked up.
  private active = false;
  private inFlight = false;
  private done: Promise<void> = Promise.resolve();
  /** Notifications dropped because the queue was full. */
  dropped = 0;

  constructor(
    readonly name: string,
    readonly channel: Channel,
    private readonly timeoutMs: number,
    private readonly opts: DeliveryOptions,
    private readonly log: DeliveryLog,
    private readonly logger: Logger,
    private readonly stop: AbortSignal,
  ) {}

  /** Notifications waiting or in flight. */
  get pending(): number {
    return this.queue.length + (this.inFlight ? 1 : 0);
  }

  /** Queues `n` and makes sure the worker runs; returns at once. */
  enqueue(n: RenderedNotification): void {
    if (this.queue.length >= this.opts.queueLimit) {
      const old = this.queue.shift()!;
      this.dropped++;
      this.logger.warn({ channel: this.name, dropped: this.dropped, limit: this.opts.queueLimit }, 'notification queue full: dropped the oldest waiting notification');
      void this.log.write({ ...this.base(old.n), status: 'failed', attempt: 0, error: `dropped: more than ${this.opts.queueLimit} notifications waiting for this channel` });
    }
    this.queue.push({ n });
    if (!this.active) {
      this.active = true;
      this.done = this.run();
    }
  }

  /** Resolves when the queue is empty and nothing is in flight. */
  async idle(): Promise<void> {
    while (this.active) await this.done;
  }

  private async run(): Promise<void> {
    try {
      for (let job = this.queue.shift(); job; job = this.queue.shift()) {
        this.inFlight = true;
        try {
          if (this.stop.aborted) await this.log.write({ ...this.base(job.n), status: 'failed', attempt: 0, error: 'abandoned: the notifier stopped before sending' });
          else await this.deliver(job.n);
        } catch (err) {
          // deliver() does not throw; if it ever does, the next job must still go out.
          this.logger.error({ channel: this.name, err }, 'notification worker error');
        } finally {
          this.inFlight = false;
        }
      }
    } finally {
      this.active = false;
    }
  }

  private base(n: RenderedNotification): Pick<DeliveryRecord, 'channel' | 'alerts' | 'kind'> {
    return { channel: this.name, alerts: n.alerts.map((a) => a.fingerprint), kind: n.kind };
  }

  private async deliver(n: RenderedNotification): Promise<void> {
    for (let number = 1; ; number++) {
      const err = await attempt(this.channel, n, this.timeoutMs, this.stop);
      if (!err) {
        this.logger.debug({ channel: this.name, id: n.id, attempt: number }, 'notification sent');
        await this.log.write({ ...this.base(n), status: 'sent', attempt: number, error: null });
        return;
      }
      let error = err.message;
      let final = !err.transient || number >= this.opts.maxAttempts || this.stop.aborted;
      if (!final && err.retryAfterMs !== undefined && err.retryAfterMs > this.opts.maxRetryAfterMs) {
        error += `; the receiver asks to wait ${Math.ceil(err.retryAfterMs / 1000)} s, more than the ${Math.ceil(this.opts.maxRetryAfterMs / 1000)} s allowed`;
        final = true;
      }
      const delay = final ? 0 : backoff(number, this.opts, err.retryAfterMs);
      if (!final) error += `; next attempt in ${delay} ms`;
      else if (err.transient && number >= this.opts.maxAttempts) error += `; gave up after ${number} attempts`;
      this.logger.warn({ channel: this.name, id: n.id, attempt: number, error }, final ? 'notification not delivered' : 'notification delivery failed; will retry');
      await this.log.write({ ...this.base(n), status: final ? 'failed' : 'retrying', attempt: number, error });
      if (final) return;
      await this.opts.sleep(delay, this.stop);
      if (this.stop.aborted) {
        await this.log.write({ ...this.base(n), status: 'failed', attempt: number, error: 'abandoned: the notifier stopped before the next attempt' });
        return;
      }
    }
  }
}
