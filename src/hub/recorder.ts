/** Writes domain events from the bus into the store's event log (all but the high-rate samples). */
import type { Logger } from 'pino';
import type { EventBus, Topic } from '../core/events.js';
import type { Store } from '../store/index.js';

const notRecorded: ReadonlySet<Topic> = new Set(['service.sample', 'metrics.points', 'host.report']);

/** Subscribes the recorder; returns the unsubscribe function. Writes are queued in publish order. */
export function recordEvents(bus: EventBus, store: Store, logger: Logger): { stop(): Promise<void> } {
  let queue: Promise<unknown> = Promise.resolve();
  const unsubscribe = bus.subscribeAll(({ topic, payload }) => {
    if (notRecorded.has(topic)) return;
    const service = 'service' in payload ? payload.service : null;
    const at = 'at' in payload ? payload.at : new Date().toISOString();
    queue = queue
      .then(() => store.events.append({ at, topic, service, payload }))
      .catch((err: unknown) => logger.error({ err, topic }, 'could not record event'));
  });
  return {
    stop: async () => {
      unsubscribe();
      await queue;
    },
  };
}
