import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../core/events.js';
import { defaultLimits } from '../../logs/entry.js';
import { createLogService, type LogService, type TailListener } from '../../logs/index.js';
import { openStore, type Store } from '../../store/index.js';
import { tempDir, waitFor } from '../../testing/helpers.js';
import { startAlertHarness, type AlertHarness } from '../testing/harness.js';

/** A real log service on a real store, counting who listens to committed lines. */
async function countedLogs(): Promise<{ store: Store; bus: EventBus; logs: LogService; dataDir: string; listeners: Set<TailListener>; close(): Promise<void> }> {
  const dataDir = tempDir('wh-log-eval-');
  const store = await openStore({ kind: 'sqlite' }, dataDir);
  const bus = new EventBus((err) => {
    throw err;
  });
  const real = createLogService(store.logs, { limits: defaultLimits, retention: { maxAgeMs: 86_400_000, maxBytes: 1e9 }, maxQueued: 10_000, hostname: 'test' }, pino({ level: 'silent' }));
  real.start();
  const listeners = new Set<TailListener>();
  const logs: LogService = Object.assign(Object.create(real) as LogService, {
    onAppended(listener: TailListener) {
      const unsubscribe = real.onAppended(listener);
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
        unsubscribe();
      };
    },
  });
  return {
    store,
    bus,
    logs,
    dataDir,
    listeners,
    async close() {
      await real.stop();
      await store.close();
    },
  };
}

describe('log_pattern evaluator subscription', () => {
  let h: AlertHarness | undefined;
  let parts: Awaited<ReturnType<typeof countedLogs>> | undefined;
  afterEach(async () => {
    await h?.close();
    await parts?.close();
    h = parts = undefined;
  });

  it('does not listen to committed lines without a log_pattern rule, and listens while one exists', async () => {
    parts = await countedLogs();
    h = await startAlertHarness({ defaults: true }, { parts });
    // Built-in rules only: no listener, so ingest never converts lines for nobody.
    expect(parts.listeners.size).toBe(0);

    await h.engine.putRule({ name: 'Boom', kind: 'log_pattern', query: 'boom', op: '>=', threshold: 1, window: '10s' }, null);
    expect(parts.listeners.size).toBe(1);
    await parts.logs.ingest([{ service_name: 'api', message: 'boom at /x' }], 'http');
    await waitFor('Boom fires', () => h!.engine.active().find((a) => a.rule === 'Boom' && a.state === 'firing'));

    await h.engine.removeRule('Boom');
    expect(parts.listeners.size).toBe(0);
  });

  it('stops listening when the engine stops', async () => {
    parts = await countedLogs();
    h = await startAlertHarness({ defaults: false, rules: [{ name: 'Errors', kind: 'log_pattern', level: 'error', op: '>', threshold: 0, window: '1m' }] }, { parts });
    expect(parts.listeners.size).toBe(1);
    await h.stopEngine();
    expect(parts.listeners.size).toBe(0);
  });
});
