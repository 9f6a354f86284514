/**
 * Reading the hub's V8 CPU profiles (--cpu-prof writes one .cpuprofile per thread at exit):
 * self time by function, so a report can say where the time went.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * For every profile in `dir` (one per thread), a header line and its `top` functions by self
 * time: "ms  share  function  file:line". Threads are told apart by their busiest function.
 */
export function summarizeProfiles(dir: string, top = 15): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort()) {
    const p = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const self = new Map<string, number>();
    let total = 0;
    let idle = 0;
    p.samples.forEach((id, i) => {
      const us = p.timeDeltas[i] ?? 0;
      const n = byId.get(id)!;
      const name = n.callFrame.functionName || '(anonymous)';
      total += us;
      if (name === '(idle)') idle += us;
      const where = n.callFrame.url ? ` ${n.callFrame.url.replace(/^.*\/(dist|node_modules)\//, '$1/')}:${n.callFrame.lineNumber + 1}` : '';
      const key = `${name}${where}`;
      self.set(key, (self.get(key) ?? 0) + us);
    });
    const busy = total - idle;
    out.push(`${file}: ${(total / 1000).toFixed(0)} ms profiled, ${(busy / 1000).toFixed(0)} ms busy (${((100 * busy) / Math.max(1, total)).toFixed(0)}%)`);
    for (const [key, us] of [...self].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, top)) {
      out.push(`  ${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / Math.max(1, busy)).toFixed(1).padStart(5)}%  ${key}`);
    }
  }
  return out;
}
