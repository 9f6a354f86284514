/** Dependency ordering of named things (services): topological order and cycle finding. */

/** A node and the names it depends on. */
export interface DependencyNode {
  name: string;
  dependsOn: readonly string[];
}

/**
 * Orders nodes so each comes after everything it depends on; ties keep input order.
 * Unknown dependency names are ignored (config validation reports them). Throws on a cycle.
 */
export function dependencyOrder<T extends DependencyNode>(nodes: readonly T[]): T[] {
  const cycle = findCycle(nodes);
  if (cycle) throw new Error(`dependency cycle: ${cycle.join(' -> ')}`);
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const done = new Set<string>();
  const out: T[] = [];
  const visit = (n: T): void => {
    if (done.has(n.name)) return;
    done.add(n.name);
    for (const dep of n.dependsOn) {
      const d = byName.get(dep);
      if (d) visit(d);
    }
    out.push(n);
  };
  nodes.forEach(visit);
  return out;
}

/** The first dependency cycle found, as a path that starts and ends at the same name; undefined if none. */
export function findCycle(nodes: readonly DependencyNode[]): string[] | undefined {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    const s = state.get(name);
    if (s === 'done') return undefined;
    if (s === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of byName.get(name)?.dependsOn ?? []) {
      if (!byName.has(dep)) continue;
      const found = visit(dep);
      if (found) return found;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const n of nodes) {
    const found = visit(n.name);
    if (found) return found;
  }
  return undefined;
}

/** Every name that `name` depends on, directly or not (excluding itself). */
export function transitiveDependencies(nodes: readonly DependencyNode[], name: string): Set<string> {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const out = new Set<string>();
  const walk = (n: string): void => {
    for (const dep of byName.get(n)?.dependsOn ?? []) {
      if (!out.has(dep)) {
        out.add(dep);
        walk(dep);
      }
    }
  };
  walk(name);
  return out;
}
