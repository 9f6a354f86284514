import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/core/config/index.js';
import { startHub } from '../src/hub/index.js';
import { freePort, tempDir, writeConfig } from '../src/testing/helpers.js';

describe('API route schemas', () => {
  // They compile on a route's first use (src/http/lazy-schemas.ts): a schema that does not
  // compile would only show on that route's first call, so every one is compiled here.
  it('all compile', async () => {
    const file = writeConfig(tempDir(), { hub: { port: await freePort(), data_dir: tempDir('wh-schemas-') }, services: {} });
    const hub = await startHub({ config: loadConfig({ file, env: process.env }), logger: pino({ level: 'silent' }), serviceEnv: {}, version: 'test' });
    try {
      expect(() => hub.compileRouteSchemas()).not.toThrow();
    } finally {
      await hub.stop({ stopServices: true });
    }
  });
});
