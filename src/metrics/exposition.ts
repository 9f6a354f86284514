/**
 * The Prometheus text exposition (format 0.0.4) of the hub: families with HELP and TYPE,
 * each family's samples together, families sorted by name. Built from plain data, so the
 * format is tested without a hub.
 */
import { readdirSync } from 'node:fs';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { escapeLabelValue, labelNamePattern, metricNamePattern } from './series.js';

/** One metric family. */
export interface Family {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  samples: { labels: Record<string, string>; value: number }[];
}

/** Collects families; adding a sample to a known family keeps it together. */
export class Exposition {
  private readonly families = new Map<string, Family>();

  /** Adds one sample; invalid names are skipped (they could not be scraped). */
  add(name: string, type: Family['type'], help: string, value: number, labels: Record<string, string> = {}): void {
    if (!metricNamePattern.test(name)) return;
    let f = this.families.get(name);
    if (!f) this.families.set(name, (f = { name, help, type, samples: [] }));
    f.samples.push({ labels, value });
  }

  /** The text, ending in a newline. */
  toString(): string {
    let out = '';
    for (const f of [...this.families.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      out += `# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.type}\n`;
      const seen = new Set<string>();
      for (const s of f.samples) {
        const line = `${f.name}${labelText(s.labels)}`;
        // A duplicate series would make the whole exposition invalid.
        if (seen.has(line)) continue;
        seen.add(line);
        out += `${line} ${formatValue(s.value)}\n`;
      }
    }
    return out;
  }
}

/** `{a="1",b="2"}` (sorted), or '' without labels; invalid label names are dropped. */
export function labelText(labels: Record<string, string>): string {
  const names = Object.keys(labels)
    .filter((l) => labelNamePattern.test(l) && !l.startsWith('__'))
    .sort();
  if (names.length === 0) return '';
  return `{${names.map((l) => `${l}="${escapeLabelValue(labels[l]!)}"`).join(',')}}`;
}

/** A sample value as the format writes it. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

const lagResolutionMs = 20;

/** Gauges of the hub process itself, named as Prometheus client libraries name them. */
export class ProcessMetrics {
  private lag: IntervalHistogram | undefined;

  start(): void {
    // A sampling histogram inside libuv: no timers of ours, negligible cost.
    this.lag = monitorEventLoopDelay({ resolution: lagResolutionMs });
    this.lag.enable();
  }

  stop(): void {
    this.lag?.disable();
  }

  /** Adds the process families; event-loop figures cover the time since the previous call. */
  collect(e: Exposition): void {
    const cpu = process.cpuUsage();
    e.add('process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent in seconds.', (cpu.user + cpu.system) / 1e6);
    e.add('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', process.memoryUsage.rss());
    e.add('process_start_time_seconds', 'gauge', 'Start time of the process since unix epoch in seconds.', Math.round(performance.timeOrigin) / 1000);
    try {
      e.add('process_open_fds', 'gauge', 'Number of open file descriptors.', readdirSync('/proc/self/fd').length);
    } catch {
      /* not Linux */
    }
    const heap = process.memoryUsage();
    e.add('nodejs_heap_size_used_bytes', 'gauge', 'Process heap size used from Node.js in bytes.', heap.heapUsed);
    e.add('nodejs_heap_size_total_bytes', 'gauge', 'Process heap size from Node.js in bytes.', heap.heapTotal);
    if (this.lag && this.lag.count > 0) {
      // The histogram measures whole sampling intervals; the lag is what exceeds the interval.
      const lag = (ns: number) => Math.max(0, ns / 1e9 - lagResolutionMs / 1000);
      e.add('nodejs_eventloop_lag_mean_seconds', 'gauge', 'Mean event loop lag since the previous scrape, in seconds.', lag(this.lag.mean));
      e.add('nodejs_eventloop_lag_p99_seconds', 'gauge', '99th percentile of event loop lag since the previous scrape, in seconds.', lag(this.lag.percentile(99)));
      e.add('nodejs_eventloop_lag_max_seconds', 'gauge', 'Longest event loop lag since the previous scrape, in seconds.', lag(this.lag.max));
      this.lag.reset();
    }
  }
}
