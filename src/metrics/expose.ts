/**
 * What /metrics shows of services and hosts: wheelhouse_service_* from the latest samples and
 * known states, wheelhouse_host_<metric>{host="<id>",…} from each host's latest point.
 */
import type { MetricPoint } from '../store/index.js';
import type { Exposition } from './exposition.js';
import { parseSeriesKey } from './series.js';

/** wheelhouse_service_* gauges from the latest samples and the known states. */
export function exposeServices(e: Exposition, latest: ReadonlyMap<string, MetricPoint>, states: ReadonlyMap<string, string>): void {
  const names = new Set(states.keys());
  for (const source of latest.keys()) if (source.startsWith('service:')) names.add(source.slice('service:'.length));
  const now = Date.now();
  for (const service of [...names].sort()) {
    const p = latest.get(`service:${service}`);
    const state = states.get(service);
    const up = state !== undefined ? state === 'running' : p !== undefined && now - p.ts < 60_000;
    e.add('wheelhouse_service_up', 'gauge', 'Whether a supervised service is running (1) or not (0).', up ? 1 : 0, { service });
    if (!p) continue;
    for (const [key, value] of Object.entries(p.values)) {
      const { name } = parseSeriesKey(key);
      if (name === 'service_cpu_percent') e.add('wheelhouse_service_cpu_percent', 'gauge', 'CPU use of a service\'s whole process family, percent of one core (latest sample).', value, { service });
      if (name === 'service_memory_bytes') e.add('wheelhouse_service_memory_bytes', 'gauge', 'Resident memory of a service\'s whole process family in bytes (latest sample).', value, { service });
    }
  }
}

/** wheelhouse_host_<metric>{host="<id>",…}: the latest value of every series of every host. */
export function exposeHosts(e: Exposition, latest: ReadonlyMap<string, MetricPoint>): void {
  for (const [source, p] of latest) {
    if (!source.startsWith('host:')) continue;
    const host = source.slice('host:'.length);
    e.add('wheelhouse_host_last_report_timestamp_seconds', 'gauge', 'When a host\'s agent last reported (its own clock), seconds since the epoch.', p.ts / 1000, { host });
    for (const [key, value] of Object.entries(p.values)) {
      const { name, labels } = parseSeriesKey(key);
      const out: Record<string, string> = {};
      // A host label of the series itself is kept as exported_host, as Prometheus does.
      for (const [k, v] of Object.entries(labels)) out[k === 'host' ? 'exported_host' : k] = v;
      out.host = host;
      const family = `wheelhouse_host_${name}`;
      e.add(family, name.endsWith('_total') ? 'counter' : 'gauge', `Latest ${name} reported by each host's agent.`, value, out);
    }
  }
}
