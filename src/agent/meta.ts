/** What the agent tells the hub about its host: name, OS, kernel, CPUs, boot time. Read once at start. */
import { readFileSync } from 'node:fs';
import { availableParallelism, hostname, release, type } from 'node:os';
import type { HostMeta } from '../protocol/report.js';

/** The host's facts (the buffer figures are added to each report). */
export function hostMeta(agentVersion: string, bootTimeMs: number): HostMeta {
  return { hostname: hostname(), os: osName(), kernel: release(), cpus: availableParallelism(), agent_version: agentVersion, boot_time: bootTimeMs };
}

function osName(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (m?.[1]) return m[1].slice(0, 200);
  } catch {
    /* no os-release: fall back to the kernel's name */
  }
  return type();
}
