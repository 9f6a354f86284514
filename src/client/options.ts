/**
 * Settings of the log shipper and the pino transport, with their defaults. This is the
 * client's only reader of the environment: WHEELHOUSE_URL, WHEELHOUSE_TOKEN and
 * WHEELHOUSE_SERVICE (the hub sets the last one for the services it supervises).
 */
import { writeSync } from 'node:fs';
import { cleanServiceName } from './entry.js';

/** Options of LogShipper and of the wheelhouse/pino transport. */
export interface ShipperOptions {
  /** Hub base URL; default env WHEELHOUSE_URL, else http://127.0.0.1:5004. */
  url?: string;
  /** Bearer token with the ingest (or admin) scope; default env WHEELHOUSE_TOKEN. */
  token?: string;
  /** service_name of the entries; default env WHEELHOUSE_SERVICE (the transport then falls back to pino's `name`, then "unknown"). */
  service?: string;
  /** Entries per request (default 500). */
  batchSize?: number;
  /** Longest wait before a partial batch is sent, in ms (default 1000). */
  flushIntervalMs?: number;
  /** Entries held in memory at most, in flight included (default 10,000); past it the oldest are dropped. */
  maxBuffered?: number;
  /** Characters of serialized entries held at most (default 32 MiB); past it the oldest are dropped. */
  maxBufferedBytes?: number;
  /** Characters per request at most (default 4 MiB; the hub's default body limit is 16 MB). */
  maxBatchBytes?: number;
  /** First retry delay in ms (default 500); it doubles on each failure. */
  minRetryDelayMs?: number;
  /** Longest retry delay in ms (default 30,000); a longer Retry-After from the hub is honoured. */
  maxRetryDelayMs?: number;
  /** Timeout of one request, and the longest flush() or close() waits, in ms (default 5000). */
  timeoutMs?: number;
  /** Gzip request bodies of 1 KiB and more (default true). */
  gzip?: boolean;
  /** The fetch to use (default the global one, which keeps connections alive). Not available to the transport. */
  fetch?: typeof fetch;
  /** Where warnings go (default: one line on stderr, written synchronously). */
  warn?: (message: string) => void;
  /** Environment to read the defaults from (default process.env). */
  env?: Record<string, string | undefined>;
}

/** Options with every default applied. */
export interface ResolvedOptions {
  url: string;
  token: string | undefined;
  service: string | undefined;
  batchSize: number;
  flushIntervalMs: number;
  maxBuffered: number;
  maxBufferedBytes: number;
  maxBatchBytes: number;
  minRetryDelayMs: number;
  maxRetryDelayMs: number;
  timeoutMs: number;
  gzip: boolean;
  fetch: typeof fetch;
  warn: (message: string) => void;
}

/** Applies defaults and checks the numbers; throws a TypeError naming the option at fault. */
export function resolveOptions(o: ShipperOptions = {}): ResolvedOptions {
  const env = o.env ?? process.env;
  const url = (o.url || env.WHEELHOUSE_URL || 'http://127.0.0.1:5004').replace(/\/+$/, '');
  if (!/^https?:\/\/./.test(url)) throw new TypeError(`wheelhouse/pino: url must be an http(s) URL, got "${url}"`);
  const maxBuffered = count('maxBuffered', o.maxBuffered, 10_000);
  return {
    url,
    token: o.token || env.WHEELHOUSE_TOKEN || undefined,
    service: cleanServiceName(o.service || env.WHEELHOUSE_SERVICE),
    // A batch larger than the buffer could never fill.
    batchSize: Math.min(maxBuffered, count('batchSize', o.batchSize, 500)),
    flushIntervalMs: count('flushIntervalMs', o.flushIntervalMs, 1000),
    maxBuffered,
    maxBufferedBytes: count('maxBufferedBytes', o.maxBufferedBytes, 32 * 1024 * 1024),
    maxBatchBytes: count('maxBatchBytes', o.maxBatchBytes, 4 * 1024 * 1024),
    minRetryDelayMs: count('minRetryDelayMs', o.minRetryDelayMs, 500),
    maxRetryDelayMs: count('maxRetryDelayMs', o.maxRetryDelayMs, 30_000),
    timeoutMs: count('timeoutMs', o.timeoutMs, 5000),
    gzip: o.gzip ?? true,
    fetch: o.fetch ?? globalThis.fetch,
    warn: o.warn ?? writeStderr,
  };
}

function count(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new TypeError(`wheelhouse/pino: ${name} must be a positive integer, got ${String(value)}`);
  return value;
}

/** One "wheelhouse/pino: …" line on stderr, written synchronously: from a worker thread at exit, process.stderr may never get it to the main thread. */
export function writeStderr(message: string): void {
  try {
    writeSync(2, `wheelhouse/pino: ${message}\n`);
  } catch {
    /* stderr closed: nowhere left to say it */
  }
}
