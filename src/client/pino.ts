/**
 * wheelhouse/pino: a pino transport that ships a service's log records to the Wheelhouse
 * hub. pino runs it in a worker thread; it reads records as fast as pino writes them and
 * hands them to a LogShipper, which sends them in the background. pino.flush() waits
 * (bounded) until what was logged is delivered; at the end of the stream (process exit,
 * transport.end()) the rest is delivered within timeoutMs, and losses are reported on
 * stderr.
 *
 *   const logger = pino(pino.transport({ target: 'wheelhouse/pino', options: { service: 'api' } }));
 *
 * LogShipper is exported too, for sending entries without pino.
 */
import build from 'pino-abstract-transport';
import type { Transform } from 'node:stream';
import { workerData } from 'node:worker_threads';
import { cleanServiceName, fromPino, type PinoKeys } from './entry.js';
import { writeStderr, type ShipperOptions } from './options.js';
import { LogShipper, type ShipperStats } from './shipper.js';

export { LogShipper, type ShipperStats } from './shipper.js';
export type { ShipperOptions } from './options.js';
export type { LogInput, WireEntry } from './entry.js';

/** Options of the transport: the shipper's, minus what cannot cross into a worker thread. */
export type TransportOptions = Omit<ShipperOptions, 'fetch' | 'warn' | 'env'>;

/** The transport's stream; pino's worker calls flush(cb) on pino.flush(). */
type TransportStream = Transform & { flush?: (cb: (err?: Error) => void) => void };

/** The transport entry point pino's worker calls with the `options` given to pino.transport(). */
export default async function wheelhouseTransport(options: TransportOptions = {}): Promise<TransportStream> {
  const shipper = new LogShipper(options);
  const keys: PinoKeys = { messageKey: 'msg', errorKey: 'err' };
  let mappingFailed = false;

  const stream: TransportStream = await build(
    async (source) => {
      const config = source as unknown as { messageKey?: string; errorKey?: string };
      if (config.messageKey) keys.messageKey = config.messageKey;
      if (config.errorKey) keys.errorKey = config.errorKey;
      // push() never waits on the network, so this loop reads as fast as pino writes.
      for await (const record of source as AsyncIterable<Record<string, unknown>>) {
        try {
          const input = fromPino(record, keys);
          // Without a configured service, a logger's pino `name` is the next best thing.
          if (!shipper.configuredService && typeof record.name === 'string') input.service_name = cleanServiceName(record.name);
          shipper.push(input);
        } catch (err) {
          if (!mappingFailed) writeStderr(`a log record could not be mapped and was skipped: ${(err as Error).message}`);
          mappingFailed = true;
        }
      }
    },
    {
      // pino sends its messageKey and errorKey when it runs the transport; anywhere else build() would refuse to start.
      expectPinoConfig: (workerData as { workerData?: { pinoWillSendConfig?: boolean } } | null)?.workerData?.pinoWillSendConfig === true,
      close: async () => report(await shipper.close()),
    },
  );

  stream.flush = (cb) => {
    void drained(stream)
      .then(() => shipper.flush())
      .then(
        () => cb(),
        (err: Error) => cb(err),
      );
  };
  return stream;
}

/** Resolves once the records pino handed over have been read by the loop above (bounded). */
async function drained(stream: Transform): Promise<void> {
  for (let i = 0; i < 1000 && (stream.readableLength > 0 || stream.writableLength > 0); i++) await new Promise((r) => setImmediate(r));
}

/** One stderr line at the end when anything was lost or retried. */
function report(s: ShipperStats): void {
  if (s.dropped + s.refused + s.rejected + s.retries === 0) return;
  writeStderr(`sent ${s.sent} log entries; dropped ${s.dropped}, refused by the hub ${s.refused}, rejected by the hub ${s.rejected}; ${s.retries} retries`);
}
