/**
 * node_exporter, started by the benchmark on loopback: resident memory idle and after the
 * scrapes, CPU per scrape (utime + stime from /proc over 1,000 gzip'd scrapes, as Prometheus
 * asks for them), and the size of a scrape plain and gzip'd.
 */
import { Agent, get } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { sleep, waitFor } from '../lib/clock.js';
import { freePorts } from '../lib/ports.js';
import { exited, rssMb, signal, spawnLogged } from '../lib/proc.js';
import type { ExporterRun } from './model.js';
import { cpuMs } from './procstat.js';

/** Where Debian puts it. */
export const exporterPath = '/usr/bin/prometheus-node-exporter';

/** The collectors of the restricted run: what the agent collects. */
export const restrictedCollectors = ['cpu', 'meminfo', 'filesystem', 'netdev', 'loadavg', 'diskstats'];

function scrape(port: number, agent: Agent, gzip: boolean): Promise<{ bytes: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path: '/metrics', agent, headers: gzip ? { 'accept-encoding': 'gzip' } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ bytes: body.length, text: gzip ? '' : body.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/** Runs node_exporter with the given collectors and measures it. */
export async function measureExporter(collectors: 'restricted' | 'default', scrapes: number, logDir: string, log: (m: string) => void): Promise<ExporterRun> {
  const [port] = await freePorts(1);
  const args = [`--web.listen-address=127.0.0.1:${port}`];
  if (collectors === 'restricted') args.push('--collector.disable-defaults', ...restrictedCollectors.map((c) => `--collector.${c}`));
  const child = spawnLogged(exporterPath, args, { env: { PATH: process.env.PATH ?? '' }, cwd: logDir, logFile: join(logDir, `node_exporter-${collectors}.log`) });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await waitFor('node_exporter to listen', 10_000, 20, async () => ((await listening(port!)) ? true : undefined));
    await sleep(500);
    const rssIdleMb = rssMb(child.pid!);
    const plain = await scrape(port!, agent, false);
    const gz = await scrape(port!, agent, true);
    const series = plain.text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
    for (let i = 0; i < 20; i++) await scrape(port!, agent, true);
    const before = cpuMs(child.pid!);
    for (let i = 0; i < scrapes; i++) await scrape(port!, agent, true);
    const after = cpuMs(child.pid!);
    const run: ExporterRun = {
      collectors,
      args,
      rssIdleMb,
      rssAfterMb: rssMb(child.pid!),
      scrapes,
      cpuMsPerScrape: before === null || after === null ? null : (after - before) / scrapes,
      series,
      bytesPlain: plain.bytes,
      bytesGzip: gz.bytes,
    };
    log(`node_exporter (${collectors}): ${series} series, ${run.cpuMsPerScrape?.toFixed(3)} ms CPU per scrape, ${run.rssAfterMb?.toFixed(1)} MB`);
    return run;
  } finally {
    agent.destroy();
    signal(child.pid!, 'SIGTERM');
    await exited(child);
  }
}
