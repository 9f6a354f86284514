/**
 * Readers of Linux /proc: process stats, process trees and groups, boot time and TCP
 * listeners. Read directly (sync reads of a memory-backed filesystem) because it is the
 * supervisor's hot path and a library would add a process or a dependency for no gain.
 */
import { closeSync, openSync, readdirSync, readFileSync, readlinkSync, readSync } from 'node:fs';

/** One line of /proc/<pid>/stat, the fields we use. */
export interface ProcStat {
  pid: number;
  comm: string;
  /** R, S, D, Z (zombie), T, … */
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  /** User + system CPU time in clock ticks. */
  cpuTicks: number;
  /** Start time in clock ticks since boot: with the pid, identifies one process for its life. */
  startTicks: number;
  rssBytes: number;
}

/**
 * A value the kernel handed this process at exec in its auxiliary vector (/proc/self/auxv:
 * pairs of native words, type then value): what getconf reports, without starting getconf,
 * whose fork of a large hub cost milliseconds on the start-up path.
 */
export function auxValue(type: number, fallback: number): number {
  try {
    const auxv = readFileSync('/proc/self/auxv');
    for (let at = 0; at + 16 <= auxv.length; at += 16) {
      const key = Number(auxv.readBigUInt64LE(at));
      if (key === 0) break; // AT_NULL ends the vector
      if (key === type) {
        const v = Number(auxv.readBigUInt64LE(at + 8));
        return v > 0 ? v : fallback;
      }
    }
  } catch {
    /* not Linux, or no /proc: the usual value */
  }
  return fallback;
}

/** Types in the auxiliary vector (linux/auxvec.h). */
const AT_PAGESZ = 6;
const AT_CLKTCK = 17;

let ticks: number | undefined;
let page: number | undefined;

/** Clock ticks per second (USER_HZ, what `getconf CLK_TCK` says). */
export function clockTicks(): number {
  return (ticks ??= auxValue(AT_CLKTCK, 100));
}

/** Bytes per memory page (what `getconf PAGESIZE` says). */
export function pageSize(): number {
  return (page ??= auxValue(AT_PAGESZ, 4096));
}

/** Parses /proc/<pid>/stat; undefined when the process does not exist (or vanished mid-read). */
export function readProcStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  return parseStat(text);
}

/** Parses the text of a stat file. comm may contain spaces and parentheses, so split after the last ')'. */
export function parseStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < 0) return undefined;
  const f = text.slice(close + 2).split(' ');
  // f[0] is field 3 (state); field n is f[n - 3].
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: f[0]!,
    ppid: Number(f[1]),
    pgrp: Number(f[2]),
    session: Number(f[3]),
    cpuTicks: Number(f[11]) + Number(f[12]),
    startTicks: Number(f[19]),
    rssBytes: Number(f[21]) * pageSize(),
  };
}

/** Every process visible in /proc right now. */
export function listProcesses(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const s = readProcStat(Number(name));
    if (s) out.push(s);
  }
  return out;
}

/** True when `pid` is a live (non-zombie) process. */
export function isRunning(pid: number): boolean {
  const s = readProcStat(pid);
  return s !== undefined && s.state !== 'Z' && s.state !== 'X';
}

/** True when `pid` is a live (non-zombie) process that started at `startTicks`: never a reused PID. */
export function isSameProcess(pid: number, startTicks: number): boolean {
  const s = readProcStat(pid);
  return s !== undefined && s.startTicks === startTicks && s.state !== 'Z' && s.state !== 'X';
}

/** The processes of group `pgid` plus every descendant of `rootPid`, from one snapshot of /proc. */
export function processFamily(rootPid: number, pgid: number, all: ProcStat[] = listProcesses()): ProcStat[] {
  const children = new Map<number, ProcStat[]>();
  for (const p of all) {
    let list = children.get(p.ppid);
    if (!list) children.set(p.ppid, (list = []));
    list.push(p);
  }
  const found = new Map<number, ProcStat>();
  const stack: number[] = [rootPid];
  for (const p of all) {
    if (p.pgrp === pgid && p.state !== 'Z') {
      found.set(p.pid, p);
      stack.push(p.pid);
    }
  }
  const root = all.find((p) => p.pid === rootPid);
  if (root && root.state !== 'Z') found.set(root.pid, root);
  // Descendants that left the group (setsid, setpgid) still belong to the service.
  while (stack.length > 0) {
    for (const child of children.get(stack.pop()!) ?? []) {
      if (child.state === 'Z' || found.has(child.pid)) continue;
      found.set(child.pid, child);
      stack.push(child.pid);
    }
  }
  return [...found.values()];
}

/** Boot time in ms since the epoch (btime of /proc/stat). */
export function bootTimeMs(): number {
  const m = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'latin1'));
  return m ? Number(m[1]) * 1000 : 0;
}

/** Wall-clock start of a process from its start ticks. */
export function processStartMs(startTicks: number): number {
  return bootTimeMs() + (startTicks / clockTicks()) * 1000;
}

/** Every listening TCP socket (IPv4 and IPv6): its port and socket inode. */
export function tcpListening(): { port: number; inode: number }[] {
  const out: { port: number; inode: number }[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const f of listenerFields(file)) {
      // Fields: sl, local_address (hex ip:port), rem_address, st, …, inode (10th).
      const local = f[1]!;
      out.push({ port: parseInt(local.slice(local.lastIndexOf(':') + 1), 16), inode: Number(f[9]) });
    }
  }
  return out;
}

/**
 * The fields of the LISTEN (st 0A) lines of /proc/net/tcp or tcp6. The kernel lists the
 * listening sockets first and then walks its whole established-connection table, whose size
 * follows the host's memory, not its sockets: reading all of it cost 3.5–14 ms of kernel time
 * on a 24 GB host with 300 sockets, against ~0.2 ms for the part up to the first line past the
 * listeners. The file is read in small pieces, so the kernel formats no more than that.
 */
function listenerFields(file: string): string[][] {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return [];
  }
  const found: string[][] = [];
  const buf = Buffer.allocUnsafe(4096);
  let partial = '';
  let header = true;
  try {
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) {
      const lines = (partial + buf.toString('latin1', 0, n)).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        if (header) {
          header = false;
          continue;
        }
        const f = line.trim().split(/\s+/);
        if (f.length < 10) continue;
        if (f[3] !== '0A') return found;
        found.push(f);
      }
    }
  } finally {
    closeSync(fd);
  }
  return found;
}

/** Socket inodes listening on TCP `port` (IPv4 and IPv6). */
export function tcpListeners(port: number): number[] {
  return tcpListening()
    .filter((s) => s.port === port)
    .map((s) => s.inode);
}

/** The pid holding socket `inode`, when this user may look (best effort: scans /proc/<pid>/fd). */
export function socketOwner(inode: number): ProcStat | undefined {
  const target = `socket:[${inode}]`;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${name}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${name}/fd/${fd}`) === target) return readProcStat(Number(name));
      } catch {
        /* the fd closed while we looked */
      }
    }
  }
  return undefined;
}
