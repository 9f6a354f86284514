/** The services every manager is given: the web fleet, the stdout writer and the crash-looper. */
import { join } from 'node:path';
import { settings } from './settings.js';
import type { RunContext, ServiceDef } from './types.js';

/** The test fixture web service (GET /health → {"status":"healthy","pid":N}), one per port. */
export function webServices(ctx: RunContext, ports: readonly number[]): ServiceDef[] {
  const script = join(ctx.repo, 'test', 'fixtures', 'http-service.mjs');
  return ports.map((port, i) => ({ name: `web-${i}`, script, port, env: {}, probe: true, bigLog: false }));
}

/** The stdout flood writer; it records its write loop in `sideFile`. */
export function writerService(ctx: RunContext, sideFile: string): ServiceDef {
  return {
    name: 'writer',
    script: join(ctx.repo, 'bench', 'fixtures', 'writer.mjs'),
    port: null,
    env: { SIDE_FILE: sideFile, LINES: String(settings.captureLines) },
    probe: false,
    bigLog: true,
  };
}

/** The service that exits 100 ms after each start, logging each start to `startsFile`. */
export function crasherService(ctx: RunContext, startsFile: string): ServiceDef {
  return {
    name: 'crasher',
    script: join(ctx.repo, 'bench', 'fixtures', 'crasher.mjs'),
    port: null,
    env: { STARTS_FILE: startsFile },
    probe: false,
    bigLog: false,
  };
}
