/**
 * Notification channels behind one interface (channel.ts), one file per channel type
 * (webhook, slack, discord, email, telegram; registry.ts). Sending never blocks alert
 * evaluation: `dispatch` queues per channel and returns; a worker per channel retries with
 * backoff; every attempt is written to the delivery log (delivery.ts).
 */
import type { Logger } from 'pino';
import { AppError } from '../../core/errors.js';
import type { ChannelSpec } from '../../core/config/index.js';
import type { AlertRecord, AlertRepo } from '../../store/index.js';
import { attempt, ChannelWorker, defaultDeliveryOptions, DeliveryLog, type DeliveryOptions } from './delivery.js';
import { createChannel } from './registry.js';
import { render, renderTest } from './render.js';

export { DeliveryError, type AlertView, type Channel, type ChannelFactory, type RenderedNotification } from './channel.js';
export { defaultDeliveryOptions, type DeliveryOptions } from './delivery.js';
export { channelFactories } from './registry.js';
export { signature as webhookSignature, webhookVersion, type WebhookBody } from './webhook.js';

/** One notification: a group of alerts that fire (or resolve) together, for some channels. */
export interface Notification {
  kind: 'firing' | 'resolved';
  /** Labels the group shares (the group_by labels). */
  groupLabels: Record<string, string>;
  alerts: AlertRecord[];
  channels: string[];
}

/** Outcome of a test send. */
export interface TestResult {
  channel: string;
  ok: boolean;
  error: string | null;
  ms: number;
}

/** A configured channel as the API shows it. */
export interface ChannelInfo {
  name: string;
  type: ChannelSpec['type'];
  /** Destination with secrets masked. */
  target: string;
  /** Notifications waiting or being sent. */
  queued: number;
  /** Notifications dropped because the queue was full, since the hub started. */
  dropped: number;
}

/** The notifier's interface. */
export interface Notifier {
  /** Queues the notification for each of its channels and returns at once. */
  dispatch(n: Notification): void;
  /** Sends a test message to one channel now (one attempt, no retry); throws AppError when the channel is unknown. */
  test(channel: string): Promise<TestResult>;
  /** The configured channels (secrets masked), with their queue depth and dropped count. */
  channels(): ChannelInfo[];
  /** Waits for queued deliveries to finish (bounded), then stops retrying. */
  stop(): Promise<void>;
}

/** What the notifier is built from. `fetch` is injectable for tests of odd network failures. */
export interface NotifierDeps {
  channels: ChannelSpec[];
  repo: AlertRepo;
  logger: Logger;
  /** Public base URL of the hub, for links in messages. */
  hubUrl: string;
  fetch?: typeof fetch;
  /** Retry and queue settings (tests shorten the delays). */
  delivery?: Partial<DeliveryOptions>;
}

/** Builds the notifier; its workers start on the first dispatch. */
export function createNotifier(deps: NotifierDeps): Notifier {
  const opts: DeliveryOptions = { ...defaultDeliveryOptions, ...deps.delivery };
  const { logger } = deps;
  const log = new DeliveryLog(deps.repo, logger);
  const stopping = new AbortController();
  const ctx = { fetch: deps.fetch ?? globalThis.fetch };
  const workers = new Map<string, { spec: ChannelSpec; worker: ChannelWorker }>();
  for (const spec of deps.channels) {
    const channel = createChannel(spec, ctx);
    workers.set(spec.name, { spec, worker: new ChannelWorker(spec.name, channel, spec.timeoutMs, opts, log, logger, stopping.signal) });
  }
  let stopped: Promise<void> | null = null;

  return {
    dispatch(n) {
      if (stopping.signal.aborted) {
        logger.warn({ channels: n.channels }, 'notifier stopped: notification not sent');
        return;
      }
      const rendered = render(n, deps.hubUrl);
      for (const name of new Set(n.channels)) {
        const w = workers.get(name);
        if (w) w.worker.enqueue(rendered);
        else logger.warn({ channel: name }, 'notification for an unknown channel ignored');
      }
    },

    async test(name) {
      const w = workers.get(name);
      if (!w) {
        const known = [...workers.keys()];
        throw new AppError('alerts/channel_not_found', `unknown channel "${name}"; ${known.length ? `configured: ${known.join(', ')}` : 'no channel is configured'}`);
      }
      const n = renderTest(name, deps.hubUrl);
      const started = performance.now();
      const err = await attempt(w.worker.channel, n, w.spec.timeoutMs, stopping.signal);
      const ms = Math.round(performance.now() - started);
      await log.write({ channel: name, alerts: [], kind: 'test', status: err ? 'failed' : 'sent', attempt: 1, error: err?.message ?? null });
      if (err) logger.warn({ channel: name, error: err.message }, 'test notification failed');
      return { channel: name, ok: !err, error: err?.message ?? null, ms };
    },

    channels() {
      return [...workers.values()].map(({ spec, worker }) => ({ name: spec.name, type: spec.type, target: worker.channel.target, queued: worker.pending, dropped: worker.dropped }));
    },

    stop() {
      stopped ??= (async () => {
        const all = [...workers.values()].map((w) => w.worker);
        let timer: NodeJS.Timeout | undefined;
        const grace = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, opts.stopTimeoutMs);
        });
        await Promise.race([Promise.all(all.map((w) => w.idle())), grace]);
        clearTimeout(timer);
        // Past the grace period: attempts in flight abort, waiting retries are abandoned.
        stopping.abort();
        await Promise.all(all.map((w) => w.idle()));
        await Promise.all(all.map((w) => w.channel.close?.().catch(() => {})));
      })();
      return stopped;
    },
  };
}
