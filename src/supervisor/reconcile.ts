/**
 * What a configuration reload changes for the services: which are new, which are gone, which
 * need their process restarted, and which only change how they are shown or ordered.
 */
import { sameValue } from '../core/config/compare.js';
import type { ServiceSpec } from '../core/config/index.js';

/** Fields that change how a service's process runs: a running service restarts to apply them. */
const processFields = ['command', 'prodCommand', 'cwd', 'env', 'prodEnv', 'port', 'health', 'restart', 'stop', 'watch'] as const satisfies readonly (keyof ServiceSpec)[];

/** How the file spells the fields whose model name differs. */
const fileNames: Partial<Record<keyof ServiceSpec, string>> = {
  displayName: 'display_name',
  prodCommand: 'prod_command',
  prodEnv: 'prod_env',
  dependsOn: 'depends_on',
  logFiles: 'logs.files',
  adminOnly: 'admin_only',
  displayOrder: 'display_order',
};

/** How one service changes. `fields` are spelled as in wheelhouse.yaml. */
export type ServiceChange =
  | { kind: 'added'; spec: ServiceSpec }
  | { kind: 'removed'; name: string }
  /** A process field changed: the unit is rebuilt and, if it should run, restarted. */
  | { kind: 'changed'; spec: ServiceSpec; fields: string[] }
  /** Only names, visibility, order, dependencies, autostart or log files changed: applied in place. */
  | { kind: 'updated'; spec: ServiceSpec; fields: string[] }
  /**
   * Only its position among the services moved (the default display order), because one
   * before it was added or removed: applied in place, not worth reporting.
   */
  | { kind: 'moved'; spec: ServiceSpec };

/** The changes from `before` to `after`, services in `after`'s order, removed ones last. Unchanged services are left out. */
export function planReload(before: readonly ServiceSpec[], after: readonly ServiceSpec[]): ServiceChange[] {
  const old = new Map(before.map((s) => [s.name, s]));
  const changes: ServiceChange[] = [];
  for (const spec of after) {
    const prev = old.get(spec.name);
    if (!prev) {
      changes.push({ kind: 'added', spec });
      continue;
    }
    // The default display order is the position in the file: it moves whenever a service
    // before this one comes or goes, which is not a change of this service.
    const moved = before.indexOf(prev) === prev.displayOrder && after.indexOf(spec) === spec.displayOrder;
    const fields = (Object.keys(spec) as (keyof ServiceSpec)[]).filter((k) => !sameValue(prev[k], spec[k]) && !(k === 'displayOrder' && moved));
    if (fields.length === 0) {
      if (prev.displayOrder !== spec.displayOrder) changes.push({ kind: 'moved', spec });
      continue;
    }
    const restart = fields.some((f) => (processFields as readonly string[]).includes(f));
    changes.push({ kind: restart ? 'changed' : 'updated', spec, fields: fields.map((f) => fileNames[f] ?? f) });
  }
  const kept = new Set(after.map((s) => s.name));
  for (const spec of before) if (!kept.has(spec.name)) changes.push({ kind: 'removed', name: spec.name });
  return changes;
}
