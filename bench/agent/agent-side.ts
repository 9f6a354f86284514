/**
 * The agent's side: CPU per collection and per report (a probe process started like the
 * agent), bytes per report, and the resident memory of the real agent process (the lean
 * entry dist/agent/main.js, and `wheelhouse agent`) reporting to a local sink that answers
 * like the hub.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { waitFor } from '../lib/clock.js';
import { exited, rssMb, run, signal, spawnLogged } from '../lib/proc.js';
import { median } from '../lib/stats.js';
import type { AgentRun } from './model.js';
import { commandOf } from '../lib/build.js';

/** A server that takes reports like the hub and counts them. */
async function sink(): Promise<{ port: number; count: () => number; bodies: number[]; headers: number[]; close: () => Promise<void> }> {
  let n = 0;
  const bodies: number[] = [];
  const headers: number[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let size = 0;
    req.on('data', (c: Buffer) => (size += c.length));
    req.on('end', () => {
      n++;
      bodies.push(size);
      // Request line + headers as sent (raw header pairs, ": " and CRLF each, and the closing CRLF).
      headers.push(`POST ${req.url} HTTP/1.1\r\n`.length + req.rawHeaders.reduce((a, h) => a + h.length + 2, 0) + 2);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"accepted":1,"skipped":0,"rejected":[]}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as { port: number }).port,
    count: () => n,
    bodies,
    headers,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

/** RSS of an agent process after it has sent `reports` reports at `intervalS`. */
async function agentRss(repo: string, entry: string[], intervalS: number, reports: number, workDir: string, name: string): Promise<number | null> {
  const s = await sink();
  const child = spawnLogged(process.execPath, [...entry, '--hub', `http://127.0.0.1:${s.port}`, '--host-id', 'bench', '--api-key', 'whh_bench_key_123', '--interval', String(intervalS), '--buffer-dir', join(workDir, `buf-${name}`)], {
    env: { PATH: process.env.PATH ?? '' },
    cwd: repo,
    logFile: join(workDir, `agent-${name}.log`),
  });
  try {
    await waitFor(`${reports} reports from the agent (${name})`, reports * intervalS * 1000 * 3 + 15_000, 50, () => (s.count() >= reports ? true : undefined));
    return rssMb(child.pid!);
  } finally {
    signal(child.pid!, 'SIGTERM');
    await exited(child);
    await s.close();
  }
}

/** Measures the agent. */
export async function measureAgent(repo: string, workDir: string, collections: number, log: (m: string) => void): Promise<AgentRun & { samples: Record<string, number> }> {
  const probe = await run(process.execPath, ['--lite-mode', '--import', 'tsx', join(repo, 'bench', 'agent', 'collect-probe.ts'), String(collections)], { env: process.env, cwd: repo, timeoutMs: 120_000 });
  if (probe.code !== 0) throw new Error(`collect probe failed: ${probe.stderr.slice(-500)}`);
  const p = JSON.parse(probe.stdout.trim().split('\n').at(-1)!) as { perCollection: number; perReport: number; series: number; bytesJson: number; bytesGzip: number; samples: Record<string, number> };
  log(`agent: ${p.series} series, ${p.perCollection.toFixed(3)} ms CPU per collection, ${p.bytesGzip} B gzip per report`);
  const main = [join(repo, 'dist', 'agent', 'main.js')];
  const headerSink = await sink();
  // One report through the real transport, to see the headers it sends.
  const probeAgent = spawnLogged(process.execPath, [...main, '--hub', `http://127.0.0.1:${headerSink.port}`, '--host-id', 'bench', '--api-key', 'whh_bench_key_123', '--interval', '1', '--buffer-dir', join(workDir, 'buf-h')], {
    env: { PATH: process.env.PATH ?? '' },
    cwd: repo,
    logFile: join(workDir, 'agent-headers.log'),
  });
  await waitFor('one report', 15_000, 20, () => (headerSink.count() >= 1 ? true : undefined));
  signal(probeAgent.pid!, 'SIGTERM');
  await exited(probeAgent);
  const headerBytes = median(headerSink.headers);
  await headerSink.close();
  const rssAfter10Mb = await agentRss(repo, main, 1, 10, workDir, 'main-1s');
  const rssAfter1000Mb = await agentRss(repo, main, 0.02, collections, workDir, 'main-fast');
  const rssCliAfter10Mb = await agentRss(repo, [commandOf(repo), 'agent'], 1, 10, workDir, 'cli-1s');
  log(`agent RSS: ${rssAfter10Mb?.toFixed(1)} MB after 10 reports, ${rssAfter1000Mb?.toFixed(1)} MB after ${collections}; wheelhouse agent (CLI) ${rssCliAfter10Mb?.toFixed(1)} MB`);
  return {
    collections,
    cpuMsPerCollection: p.perCollection,
    cpuMsPerReport: p.perReport,
    series: p.series,
    bytesJson: p.bytesJson,
    bytesGzip: p.bytesGzip,
    headerBytes,
    rssAfter10Mb,
    rssAfter1000Mb,
    rssCliAfter10Mb,
    samples: p.samples,
  };
}
