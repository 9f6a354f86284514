/**
 * Run as its own process, the way the agent runs (`node --lite-mode`, the built code in dist/):
 * 1,000 collections measured with process.cpuUsage, then 1,000 whole reports (collect, JSON,
 * gzip). Prints one JSON line.
 */
import { gzipSync } from 'node:zlib';

const n = Number(process.argv[2] ?? 1000);
/** The built collector's surface. */
interface BuiltCollector {
  collect(): Record<string, number>;
  close(): void;
}
const { Collector } = (await import(new URL('../../dist/agent/collector.js', import.meta.url).href)) as { Collector: new () => BuiltCollector };
const c = new Collector();
c.collect();
for (let i = 0; i < 50; i++) c.collect();
let t = process.cpuUsage();
for (let i = 0; i < n; i++) c.collect();
let u = process.cpuUsage(t);
const perCollection = (u.user + u.system) / 1000 / n;
const meta = { hostname: 'bench', os: 'Linux', kernel: '6', cpus: 2, agent_version: 'bench', boot_time: 0, buffered: 0, buffer_dropped: 0 };
let json = '';
let gz = 0;
let jsonBytes = 0;
let gzBytes = 0;
t = process.cpuUsage();
for (let i = 0; i < n; i++) {
  // As the agent sends them: the host's facts ride along with one report in 60.
  json = JSON.stringify({ version: 1, host_id: 'bench-host', run: 1, seq: i, ts: Date.now(), interval_s: 10, samples: c.collect(), ...(i % 60 === 0 ? { meta } : {}) });
  gz = gzipSync(json, { level: 6 }).length;
  jsonBytes += Buffer.byteLength(json);
  gzBytes += gz;
}
u = process.cpuUsage(t);
c.close();
const samples = (JSON.parse(json) as { samples: Record<string, number> }).samples;
process.stdout.write(`${JSON.stringify({ perCollection, perReport: (u.user + u.system) / 1000 / n, series: Object.keys(samples).length, bytesJson: Math.round(jsonBytes / n), bytesGzip: Math.round(gzBytes / n), samples })}\n`);
