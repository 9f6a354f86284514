/**
 * Polling a service's GET /health the way a user would see it come up: a fresh TCP connection
 * per request (no keep-alive, so a killed process is never "reached" through an old socket).
 */
import { get } from 'node:http';
import { now, sleep } from './clock.js';

/** Default polling period, per the benchmark brief (~5 ms). */
export const pollMs = 5;

/** One GET /health on 127.0.0.1:`port`: the pid from a healthy answer, or null (refused, error, timeout, unhealthy). */
export function healthPid(port: number, timeoutMs = 1000): Promise<number | null> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/health', agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('error', () => resolve(null));
      res.on('end', () => {
        try {
          const parsed = JSON.parse(body) as { status?: unknown; pid?: unknown };
          const ok = res.statusCode === 200 && parsed.status === 'healthy' && typeof parsed.pid === 'number';
          resolve(ok ? (parsed.pid as number) : null);
        } catch {
          resolve(null);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
  });
}

/** When a port first answered healthy, and from which process. */
export interface Healthy {
  pid: number;
  /** Monotonic time (clock.now) of the answer. */
  at: number;
}

/**
 * Polls `port` every `intervalMs` until a healthy answer comes from a process that is not
 * `oldPid` (a restarted service must answer from a NEW process). Throws after `timeoutMs`.
 */
export async function waitHealthy(port: number, opts: { oldPid?: number | null; timeoutMs: number; intervalMs?: number }): Promise<Healthy> {
  const interval = opts.intervalMs ?? pollMs;
  const deadline = now() + opts.timeoutMs;
  for (;;) {
    const started = now();
    const pid = await healthPid(port, Math.min(1000, opts.timeoutMs));
    const at = now();
    if (pid !== null && pid !== opts.oldPid) return { pid, at };
    if (at >= deadline) throw new Error(`port ${port} did not answer /health from a new process within ${opts.timeoutMs} ms`);
    // Keep a steady period: a refused connection returns in well under a millisecond.
    await sleep(interval - (now() - started));
  }
}

/** Waits until every port answers healthy from a process other than its entry in `oldPids`; returns the answers by port. */
export async function waitAllHealthy(ports: readonly number[], opts: { oldPids?: ReadonlyMap<number, number>; timeoutMs: number }): Promise<Map<number, Healthy>> {
  const answers = await Promise.all(ports.map((p) => waitHealthy(p, { oldPid: opts.oldPids?.get(p) ?? null, timeoutMs: opts.timeoutMs })));
  return new Map(ports.map((p, i) => [p, answers[i]!]));
}

/** Waits until no port answers /health any more (all services stopped). */
export async function waitAllDown(ports: readonly number[], timeoutMs: number): Promise<void> {
  const deadline = now() + timeoutMs;
  for (;;) {
    const pids = await Promise.all(ports.map((p) => healthPid(p, 500)));
    const up = ports.filter((_, i) => pids[i] !== null);
    if (up.length === 0) return;
    if (now() >= deadline) throw new Error(`ports still answering /health after ${timeoutMs} ms: ${up.join(', ')}`);
    await sleep(20);
  }
}
