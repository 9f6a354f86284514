/** `wheelhouse events [service]`: what happened to the services (GET /api/events), oldest first like `tail`. */
import type { Command } from 'commander';
import { AppError } from '../../core/errors.js';
import { formatUptime } from '../../core/units.js';
import { HubClient } from '../client.js';
import { hubAddress, type GlobalFlags } from '../context.js';
import { formatTime, safe } from '../logs/format.js';
import { parseTime } from '../logs/query.js';
import { paint, paintState, print, printJson } from '../output.js';

/** Most events the API answers at once. */
const maxEvents = 500;

/** A recorded event, as GET /api/events answers it. */
interface StoredEvent {
  id: number;
  at: string;
  topic: string;
  service: string | null;
  payload: Record<string, unknown>;
}

interface EventFlags {
  topic?: string;
  since?: string;
  limit: string;
  utc?: boolean;
}

/** Registers `events`. */
export function registerEventsCommand(program: Command, run: (fn: () => Promise<number | void>) => Promise<void>): void {
  program
    .command('events')
    .description('what happened to the services: state changes with their reasons, exits, health, adoptions (oldest first)')
    .argument('[service]', 'only this service')
    .option('--topic <topic>', 'only this topic: service.state, service.exit, service.healthy, service.unhealthy, service.adopted, service.errored')
    .option('--since <time>', 'events from this time: a duration ago (30m, 12h, 1d) or an ISO 8601 time')
    .option('-n, --limit <n>', `the newest N events (1–${maxEvents})`, '20')
    .option('--utc', 'print times in UTC (default: local time)')
    .action((service: string | undefined, opts: EventFlags, cmd: Command) =>
      run(async () => {
        const flags = cmd.optsWithGlobals<GlobalFlags>();
        const limit = Number(opts.limit);
        if (!/^\d+$/.test(opts.limit.trim()) || limit < 1 || limit > maxEvents) throw usage(`--limit: expected a number from 1 to ${maxEvents}, got "${opts.limit.slice(0, 40)}"`);
        const params = new URLSearchParams({ limit: String(limit) });
        if (opts.topic) params.set('topic', opts.topic);
        if (opts.since !== undefined) params.set('since', new Date(parseTime('--since', opts.since, Date.now(), opts.utc === true)).toISOString());
        const client = new HubClient(hubAddress(flags));
        if (service !== undefined) {
          // Names the unknown service (404 service/not_found) instead of printing nothing.
          await client.get(`/api/services/${encodeURIComponent(service)}`);
          params.set('service', service);
        }
        const { events } = await client.get<{ events: StoredEvent[] }>(`/api/events?${params}`);
        const oldestFirst = [...events].reverse();
        if (flags.json) return printJson({ events: oldestFirst });
        if (oldestFirst.length === 0) {
          process.stderr.write(`${paint('gray', 'no matching events')}\n`);
          return 0;
        }
        const width = Math.max(...oldestFirst.map((e) => (e.service ?? '-').length));
        for (const e of oldestFirst) print(`${paint('gray', formatTime(e.at, opts.utc === true))}  ${safe(e.service ?? '-').padEnd(width)}  ${describeEvent(e)}`);
        return 0;
      }),
    );
}

/** One line for an event: "running → stopping: memory … over the limit", "exited with code 1 after 3s", … */
function describeEvent(e: Pick<StoredEvent, 'topic' | 'payload'>): string {
  const p = e.payload;
  const text = (v: unknown): string => safe(String(v ?? ''));
  switch (e.topic) {
    case 'service.state':
      return `${paintState(text(p.from))} → ${paintState(text(p.to))}${p.pid ? paint('gray', ` (pid ${text(p.pid)})`) : ''}${p.reason ? `: ${text(p.reason)}` : ''}`;
    case 'service.exit': {
      const how = p.signal ? `killed by ${text(p.signal)}` : `exited with code ${text(p.code)}`;
      // A run under a second says so in ms (a crash loop); longer ones as uptime reads elsewhere.
      const after = typeof p.uptime_ms === 'number' ? ` after ${p.uptime_ms < 1000 ? `${Math.round(p.uptime_ms)}ms` : formatUptime(p.uptime_ms / 1000)}` : '';
      return `pid ${text(p.pid)} ${how}${after}`;
    }
    case 'service.healthy':
      return `${paintState('healthy')}: ${text(p.message)}`;
    case 'service.unhealthy':
      return `${paintState('unhealthy')}: ${text(p.message)}`;
    case 'service.adopted':
      return `adopted pid ${text(p.pid)} from the previous hub`;
    case 'service.errored':
      return `${paintState('errored')}: ${text(p.reason)}`;
    default:
      return `${e.topic} ${safe(JSON.stringify(p))}`;
  }
}

function usage(message: string): AppError {
  return new AppError('request/invalid', message);
}
