/**
 * Load generator, run as its own process (`node --import tsx bench/agent/loadgen.ts '<json>'`):
 * simulated agents pushing gzip'd reports over kept-alive HTTP connections, either at a fixed
 * rate (open loop: the 10,000-hosts-at-10-s target) or as fast as the hub answers with a
 * fixed number of requests in flight (closed loop: saturation). Each host's reports carry
 * increasing ts and seq, as a real agent's do. Prints one JSON line with its counts at the end.
 */
import { Agent, request } from 'node:http';
import { gzipSync } from 'node:zlib';

/** What one generator does. */
export interface LoadPlan {
  url: string;
  /** Hosts [first, first + count) with API keys `${keyPrefix}${i}`. */
  first: number;
  count: number;
  keyPrefix: string;
  samples: Record<string, number>;
  durationMs: number;
  /** Open loop: reports per second (this process's share); closed loop when absent. */
  rate?: number;
  /** Requests in flight at most. */
  inFlight: number;
}

/** What it prints. */
export interface LoadResult {
  sent: number;
  ok: number;
  statuses: Record<string, number>;
  errors: number;
  latenciesMs: number[];
  elapsedMs: number;
  bodyBytes: number;
  cpuMs: number;
}

const plan = JSON.parse(process.argv[2]!) as LoadPlan;
const target = new URL('/api/metrics/report', plan.url);
const agent = new Agent({ keepAlive: true, maxSockets: plan.inFlight });
const run = Date.now();
const seqs = new Array<number>(plan.count).fill(0);
const lastTs = new Array<number>(plan.count).fill(0);
const keys = Array.from({ length: plan.count }, (_, i) => `${plan.keyPrefix}${plan.first + i}`);
const meta = { hostname: 'sim', os: 'Debian GNU/Linux 12', kernel: '6.1.0', cpus: 4, agent_version: 'bench', boot_time: run - 86_400_000 };
const result: LoadResult = { sent: 0, ok: 0, statuses: {}, errors: 0, latenciesMs: [], elapsedMs: 0, bodyBytes: 0, cpuMs: 0 };
let next = 0;
let inFlight = 0;

function body(i: number): Buffer {
  const ts = Math.max(Date.now(), lastTs[i]! + 1);
  lastTs[i] = ts;
  // Values vary a little per report, like a real host's.
  const samples: Record<string, number> = {};
  for (const [k, v] of Object.entries(plan.samples)) samples[k] = Math.round(v * (0.9 + Math.random() * 0.2) * 100) / 100;
  const report = { version: 1, host_id: `sim-${plan.first + i}`, run, seq: seqs[i]!++, ts, interval_s: 10, samples, meta };
  return gzipSync(JSON.stringify(report));
}

function fire(): Promise<void> {
  const i = next++ % plan.count;
  const payload = body(i);
  result.sent++;
  result.bodyBytes += payload.length;
  inFlight++;
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(
      target,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': payload.length, 'x-api-key': keys[i]! } },
      (res) => {
        res.resume();
        res.on('end', () => {
          inFlight--;
          result.latenciesMs.push(performance.now() - started);
          result.statuses[String(res.statusCode)] = (result.statuses[String(res.statusCode)] ?? 0) + 1;
          if (res.statusCode === 200) result.ok++;
          resolve();
        });
      },
    );
    req.on('error', () => {
      inFlight--;
      result.errors++;
      resolve();
    });
    req.end(payload);
  });
}

const cpu0 = process.cpuUsage();
const t0 = performance.now();
const deadline = t0 + plan.durationMs;
if (plan.rate) {
  // Open loop: fire on schedule; skip (and count as not sent) when too many are in flight.
  const everyMs = 1000 / plan.rate;
  let due = t0;
  while (performance.now() < deadline) {
    const now = performance.now();
    while (due <= now) {
      if (inFlight < plan.inFlight) void fire();
      due += everyMs;
    }
    await new Promise((r) => setTimeout(r, Math.max(0, Math.min(5, due - performance.now()))));
  }
} else {
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) await fire();
  };
  await Promise.all(Array.from({ length: plan.inFlight }, worker));
}
while (inFlight > 0) await new Promise((r) => setTimeout(r, 5));
result.elapsedMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
result.cpuMs = (cpu.user + cpu.system) / 1000;
agent.destroy();
process.stdout.write(`${JSON.stringify(result)}\n`);
