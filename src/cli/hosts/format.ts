/** How hosts look in the terminal: the list table and the one-host view. */
import type { HostDetail, HostView } from '../../hosts/index.js';
import { formatUptime } from '../../core/units.js';
import { paint, print } from '../output.js';

/** "3s ago", "5m ago", "2h ago", "never". */
export function ago(iso: string | null, now = Date.now()): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

/** A host status word, colored by what it means. */
export function paintStatus(status: string): string {
  return paint(status === 'online' ? 'green' : status === 'stale' ? 'yellow' : 'red', status);
}

const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : `${v.toFixed(1)}%`);

/** Bytes per second as B/s, KB/s, MB/s. */
export function rate(v: number): string {
  if (v >= 1024 ** 2) return `${(v / 1024 ** 2).toFixed(1)} MB/s`;
  if (v >= 1024) return `${(v / 1024).toFixed(1)} KB/s`;
  return `${Math.round(v)} B/s`;
}

function bytes(v: number): string {
  if (v >= 1024 ** 4) return `${(v / 1024 ** 4).toFixed(1)} TB`;
  if (v >= 1024 ** 3) return `${(v / 1024 ** 3).toFixed(1)} GB`;
  return `${(v / 1024 ** 2).toFixed(0)} MB`;
}

/** The `wheelhouse hosts` table. */
export function printHostTable(hosts: HostView[]): void {
  if (hosts.length === 0) {
    print('no hosts registered (add one with "wheelhouse hosts add <id>")');
    return;
  }
  const w = Math.max(4, ...hosts.map((h) => h.id.length));
  print(paint('bold', `${'HOST'.padEnd(w)}  ${'STATUS'.padEnd(8)} ${'LAST SEEN'.padEnd(10)} ${'CPU'.padStart(6)} ${'MEM'.padStart(6)} ${'DISK'.padStart(6)} ${'LOAD'.padStart(5)}  ADDRESS`));
  for (const h of hosts) {
    const m = h.metrics;
    print(
      `${h.id.padEnd(w)}  ${paintStatus(h.status)}${' '.repeat(Math.max(1, 9 - h.status.length))}${ago(h.last_seen).padEnd(10)} ${pct(m?.cpu_percent).padStart(6)} ${pct(m?.memory_percent).padStart(6)} ${pct(m?.disk_percent).padStart(6)} ${(m?.load1 ?? '-').toString().padStart(5)}  ${h.last_address ?? '-'}`,
    );
  }
}

/** `wheelhouse hosts show <id>`. */
export function printHost(h: HostDetail): void {
  const meta = (h.meta ?? {}) as Record<string, unknown>;
  const line = (label: string, value: string): void => print(`  ${label.padEnd(10)} ${value}`);
  print(paint('bold', h.id) + (h.display_name !== h.id ? paint('gray', `  ${h.display_name}`) : ''));
  line('Status:', `${paintStatus(h.status)}  last seen ${ago(h.last_seen)}${h.last_address ? ` from ${h.last_address}` : ''}, every ${h.interval_s}s`);
  if (Object.keys(h.labels).length > 0) line('Labels:', Object.entries(h.labels).map(([k, v]) => `${k}=${v}`).join(' '));
  if (meta.hostname) line('System:', `${String(meta.hostname)}, ${String(meta.os)}, kernel ${String(meta.kernel)}, ${String(meta.cpus)} CPUs`);
  if (meta.agent_version) line('Agent:', `${String(meta.agent_version)}${meta.buffer_dropped ? paint('yellow', `, ${String(meta.buffer_dropped)} report(s) dropped by its buffer`) : ''}${meta.buffered ? `, ${String(meta.buffered)} buffered` : ''}`);
  line('Auth:', h.has_api_key ? 'API key and/or client certificate' : 'client certificate only');
  const v = h.latest;
  if (!v) {
    line('Metrics:', paint('gray', 'none yet since the hub started'));
    return;
  }
  const m = h.metrics!;
  line('Collected:', `${ago(h.metrics_at)}`);
  line('CPU:', `${pct(m.cpu_percent)}${perCore(v)}`);
  line('Memory:', `${pct(m.memory_percent)} of ${bytes(v.memory_total_bytes ?? 0)}, swap ${pct(m.swap_percent)}`);
  line('Load:', `${v.load1 ?? '-'} ${v.load5 ?? '-'} ${v.load15 ?? '-'}`);
  if (m.uptime_seconds !== null) line('Uptime:', formatUptime(m.uptime_seconds));
  if (m.processes !== null) line('Processes:', String(m.processes));
  for (const [label, value] of labelled(v, 'disk_used_percent', 'mount')) line('Disk:', `${label.padEnd(16)} ${pct(value)} of ${bytes(v[`disk_total_bytes{mount="${label}"}`] ?? 0)}`);
  for (const [label, value] of labelled(v, 'net_rx_bytes_per_s', 'iface')) line('Network:', `${label.padEnd(16)} in ${rate(value)}, out ${rate(v[`net_tx_bytes_per_s{iface="${label}"}`] ?? 0)}`);
  for (const [label, value] of labelled(v, 'disk_read_bytes_per_s', 'device')) line('Disk I/O:', `${label.padEnd(16)} read ${rate(value)}, write ${rate(v[`disk_write_bytes_per_s{device="${label}"}`] ?? 0)}`);
}

function perCore(v: Record<string, number>): string {
  const cores = labelled(v, 'cpu_core_percent', 'core');
  return cores.length ? paint('gray', `  (per core: ${cores.map(([, x]) => `${Math.round(x)}%`).join(' ')})`) : '';
}

/** [label value, sample] of every series `name{label="…"}` in the values. */
function labelled(v: Record<string, number>, name: string, label: string): [string, number][] {
  const prefix = `${name}{${label}="`;
  return Object.entries(v)
    .filter(([k]) => k.startsWith(prefix))
    .map(([k, x]) => [k.slice(prefix.length, -2), x] as [string, number]);
}
