/** Test harness: a hub started in this process on a free port, with helpers to call its API. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../core/config/index.js';
import { startHub, type RunningHub } from '../hub/index.js';
import { freePort, tempDir, waitFor, writeConfig } from './helpers.js';

/** A hub under test. */
export interface TestHub {
  hub: RunningHub;
  url: string;
  dataDir: string;
  /** The config file the hub was started from (and reloads). */
  configFile: string;
  token: string;
  /** Raw fetch against the hub. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** Starts a hub for `services` with extra `hub` settings (and other top-level `extra` config); waits for boot-time starts. */
export async function startTestHub(services: Record<string, unknown>, hubSettings: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Promise<TestHub> {
  const dataDir = tempDir('wh-api-');
  const file = writeConfig(tempDir(), { ...extra, hub: { port: await freePort(), data_dir: dataDir, ...hubSettings }, services });
  const config = loadConfig({ file, env: process.env });
  const hub = await startHub({
    config,
    logger: pino({ level: 'silent' }),
    serviceEnv: { PATH: process.env.PATH ?? '' },
    version: 'test',
    reloadConfig: async () => loadConfig({ file, env: process.env }),
  });
  await waitFor('startup', async () => (await fetch(`${hub.url}/health/startup`)).status === 200);
  return {
    hub,
    url: hub.url,
    dataDir,
    configFile: file,
    token: readFileSync(join(dataDir, 'admin.token'), 'utf8').trim(),
    fetch: (path, init) => fetch(`${hub.url}${path}`, init),
    close: () => hub.stop({ stopServices: true }),
  };
}
