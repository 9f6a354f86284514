/**
 * `npm run bench -- agent [--only agent,exporter,ingest] [--hosts N] [--collections N]`:
 * the wheelhouse agent against node_exporter (started here on loopback, with the agent's
 * collectors only and with its defaults) — resident memory, CPU per collection, bytes per
 * report — and the hub's ingest of agent reports from simulated hosts (separate processes)
 * up to saturation, beside the store's floor. Prints tables with ratios and the issue's
 * targets as PASS/FAIL, writes bench/results/agent.json. Needs `npm run build` first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { now } from './lib/clock.js';
import { writeResults } from './lib/results.js';
import { measureAgent } from './agent/agent-side.js';
import { exporterPath, measureExporter } from './agent/exporter.js';
import { measureFloor, measureIngest } from './agent/ingest.js';
import type { AgentBenchResults } from './agent/model.js';
import { printAll, verdicts } from './agent/report.js';

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Runs the benchmark; resolves to 1 when a target fails or a part errored. */
export default async function agentBench(args: string[]): Promise<number> {
  const repo = fileURLToPath(new URL('..', import.meta.url));
  const only = new Set((option(args, 'only') ?? 'agent,exporter,ingest').split(','));
  const hosts = Number(option(args, 'hosts') ?? 10_000);
  const collections = Number(option(args, 'collections') ?? 1000);
  if (!existsSync(join(repo, 'dist', 'agent', 'main.js'))) {
    process.stderr.write('dist/agent/main.js is missing: run npm run build first\n');
    return 2;
  }
  const started = now();
  const log = (m: string): void => void process.stderr.write(`[${((now() - started) / 1000).toFixed(1).padStart(6)}s] ${m}\n`);
  const work = mkdtempSync(join(tmpdir(), 'wh-bench-agent-'));
  let exporterVersion: string | null = null;
  try {
    exporterVersion = execFileSync(exporterPath, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0]!.trim();
  } catch {
    /* not installed: that part is reported as an error */
  }
  const results: AgentBenchResults = {
    machine: { cpus: cpus().length, loadAtStart: loadavg()[0]!, node: process.version, exporterVersion },
    exporter: [],
    agent: null,
    hosts,
    samplesPerReport: 0,
    ingest: [],
    floor: [],
    verdicts: [],
    errors: [],
  };
  const step = async (what: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (err) {
      results.errors.push(`${what}: ${(err as Error).message}`);
      log(`${what} FAILED: ${(err as Error).stack}`);
    }
  };
  let samples: Record<string, number> | undefined;
  try {
    if (only.has('exporter')) {
      await step('node_exporter', async () => {
        if (!exporterVersion) throw new Error(`${exporterPath} not found (apt-get install prometheus-node-exporter)`);
        for (const c of ['restricted', 'default'] as const) results.exporter.push(await measureExporter(c, collections, work, log));
      });
    }
    if (only.has('agent') || only.has('ingest')) {
      await step('agent', async () => {
        const { samples: s, ...agent } = await measureAgent(repo, work, collections, log);
        samples = s;
        if (only.has('agent')) results.agent = agent;
      });
    }
    if (only.has('ingest') && samples) {
      results.samplesPerReport = Object.keys(samples).length;
      await step('ingest', async () => {
        results.ingest = await measureIngest(repo, work, { hosts, samples: samples!, targetS: 20, stepS: 10, inFlight: [2, 8, 32] }, log);
      });
      await step('floor', async () => {
        results.floor = await measureFloor(repo, work, samples!, 20_000, log);
      });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  results.verdicts = verdicts(results);
  printAll(results);
  const path = writeResults('agent', results);
  process.stdout.write(`\nresults: ${path}\n`);
  return results.errors.length > 0 || results.verdicts.some((v) => !v.pass) ? 1 : 0;
}
