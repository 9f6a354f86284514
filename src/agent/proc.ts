/**
 * Parsers of the Linux /proc files the agent reads. Pure functions over the file text, so
 * they are tested on fixed samples; the collector does the reading. /proc is read directly:
 * one read per file per collection costs microseconds, where a library (or a subprocess)
 * would cost more than the whole collection.
 */

/** CPU time counters (clock ticks) of one line of /proc/stat. */
export interface CpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
}

/** What the agent uses of /proc/stat. */
export interface ProcStat {
  total: CpuTimes;
  cores: CpuTimes[];
  procsRunning: number;
  procsBlocked: number;
  /** Boot time, seconds since the epoch. */
  btime: number;
}

function cpuTimes(f: string[]): CpuTimes {
  return { user: +f[1]!, nice: +f[2]!, system: +f[3]!, idle: +f[4]!, iowait: +(f[5] ?? 0), irq: +(f[6] ?? 0), softirq: +(f[7] ?? 0), steal: +(f[8] ?? 0) };
}

/** Parses /proc/stat. */
export function parseStat(text: string): ProcStat {
  const out: ProcStat = { total: cpuTimes(['cpu', '0', '0', '0', '0']), cores: [], procsRunning: 0, procsBlocked: 0, btime: 0 };
  for (const line of text.split('\n')) {
    if (line.startsWith('cpu')) {
      const f = line.split(/\s+/);
      if (f[0] === 'cpu') out.total = cpuTimes(f);
      else out.cores[Number(f[0]!.slice(3))] = cpuTimes(f);
    } else if (line.startsWith('procs_running ')) out.procsRunning = Number(line.slice(14));
    else if (line.startsWith('procs_blocked ')) out.procsBlocked = Number(line.slice(14));
    else if (line.startsWith('btime ')) out.btime = Number(line.slice(6));
  }
  return out;
}

/** Sum of the counters that make up all time (guest time is already inside user). */
export function cpuTotal(t: CpuTimes): number {
  return t.user + t.nice + t.system + t.idle + t.iowait + t.irq + t.softirq + t.steal;
}

/** The fields of /proc/meminfo the agent uses, in bytes. */
export interface MemInfo {
  total: number;
  available: number;
  swapTotal: number;
  swapFree: number;
}

/** Parses /proc/meminfo (values are kB). MemAvailable falls back to free + buffers + cached on old kernels. */
export function parseMeminfo(text: string): MemInfo {
  const kb: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) kb[line.slice(0, colon)] = parseInt(line.slice(colon + 1), 10);
  }
  const available = kb.MemAvailable ?? (kb.MemFree ?? 0) + (kb.Buffers ?? 0) + (kb.Cached ?? 0);
  return { total: (kb.MemTotal ?? 0) * 1024, available: available * 1024, swapTotal: (kb.SwapTotal ?? 0) * 1024, swapFree: (kb.SwapFree ?? 0) * 1024 };
}

/** Filesystems that are not disks: kernel interfaces, memory, containers' layers, images. */
const pseudoFs = new Set([
  'autofs', 'binfmt_misc', 'bpf', 'cgroup', 'cgroup2', 'configfs', 'debugfs', 'devpts', 'devtmpfs', 'efivarfs', 'fusectl', 'hugetlbfs',
  'iso9660', 'mqueue', 'nsfs', 'overlay', 'proc', 'procfs', 'pstore', 'ramfs', 'rpc_pipefs', 'securityfs', 'selinuxfs', 'squashfs',
  'sysfs', 'tmpfs', 'tracefs', 'fuse.gvfsd-fuse', 'fuse.portal', 'fuse.lxcfs', 'nfsd',
]);
const pseudoMount = /^\/(dev|proc|sys|run\/credentials\/.+|var\/lib\/docker\/.+|var\/lib\/containers\/storage\/.+|snap\/.+)($|\/)/;

/** A mounted filesystem worth reporting. */
export interface Mount {
  device: string;
  mountPoint: string;
  fsType: string;
}

/**
 * The real filesystems of /proc/mounts: no pseudo filesystems, no kernel or container
 * paths, each device once (bind mounts repeat it). An overlay root (a container) counts as real.
 */
export function parseMounts(text: string): Mount[] {
  const out: Mount[] = [];
  const devices = new Set<string>();
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    if (f.length < 3) continue;
    const device = unescapeMount(f[0]!);
    const mountPoint = unescapeMount(f[1]!);
    const fsType = f[2]!;
    if (pseudoFs.has(fsType) && !(fsType === 'overlay' && mountPoint === '/')) continue;
    if (pseudoMount.test(mountPoint) || devices.has(device)) continue;
    devices.add(device);
    out.push({ device, mountPoint, fsType });
  }
  return out;
}

/** /proc/mounts writes space, tab, newline and backslash as octal escapes (\040 …). */
function unescapeMount(s: string): string {
  return s.includes('\\') ? s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))) : s;
}

/** I/O counters of one block device. */
export interface DiskCounters {
  reads: number;
  sectorsRead: number;
  writes: number;
  sectorsWritten: number;
  /** Milliseconds the device had I/O in flight. */
  ioMs: number;
}

/** Parses /proc/diskstats for the devices in `devices`. */
export function parseDiskstats(text: string, devices: ReadonlySet<string>): Map<string, DiskCounters> {
  const out = new Map<string, DiskCounters>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 14 || !devices.has(f[2]!)) continue;
    out.set(f[2]!, { reads: +f[3]!, sectorsRead: +f[5]!, writes: +f[7]!, sectorsWritten: +f[9]!, ioMs: +f[12]! });
  }
  return out;
}

/** Block devices worth reporting from the names in /sys/block: no loop, RAM or floppy devices. */
export function realDisks(names: readonly string[]): Set<string> {
  return new Set(names.filter((n) => !/^(loop|ram|zram|fd|sr)\d*$/.test(n)));
}

/** Traffic counters of one network interface. */
export interface NetCounters {
  rxBytes: number;
  rxErrors: number;
  txBytes: number;
  txErrors: number;
}

/** Parses /proc/net/dev: every interface but loopback, and none that never moved a byte. */
export function parseNetDev(text: string): Map<string, NetCounters> {
  const out = new Map<string, NetCounters>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const iface = line.slice(0, colon).trim();
    if (iface === 'lo') continue;
    const f = line.slice(colon + 1).trim().split(/\s+/);
    if (f.length < 16) continue;
    const c = { rxBytes: +f[0]!, rxErrors: +f[2]!, txBytes: +f[8]!, txErrors: +f[10]! };
    if (c.rxBytes === 0 && c.txBytes === 0) continue;
    out.set(iface, c);
  }
  return out;
}

/** Parses /proc/loadavg. */
export function parseLoadavg(text: string): { load1: number; load5: number; load15: number } {
  const f = text.split(' ');
  return { load1: +f[0]!, load5: +f[1]!, load15: +f[2]! };
}
