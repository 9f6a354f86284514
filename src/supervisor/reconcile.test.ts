// What a reload changes, from two service lists as the loader builds them.
import { describe, expect, it } from 'vitest';
import { loadConfig, type ServiceSpec } from '../core/config/index.js';
import { tempDir, writeConfig } from '../testing/helpers.js';
import { planReload } from './reconcile.js';

// One directory for every file: a service's cwd defaults to the file's.
const dir = tempDir();

function load(services: Record<string, unknown>): ServiceSpec[] {
  return loadConfig({ file: writeConfig(dir, { services }), env: {} }).services;
}

const summary = (before: ServiceSpec[], after: ServiceSpec[]) =>
  planReload(before, after).map((c) => (c.kind === 'removed' ? `${c.name}: removed` : `${c.spec.name}: ${c.kind}${'fields' in c ? ` ${c.fields.join(',')}` : ''}`));

describe('planReload', () => {
  const base = {
    a: { command: 'sleep 100', env: { X: '1', Y: '2' } },
    b: { command: 'sleep 100', depends_on: ['a'] },
    c: { command: 'sleep 100' },
  };

  it('finds nothing to do in the same file, whatever the order of env keys', () => {
    expect(summary(load(base), load({ ...base, a: { command: 'sleep 100', env: { Y: '2', X: '1' } } }))).toEqual([]);
  });

  it('restarts for process settings, updates in place for the rest', () => {
    const after = load({
      a: { command: 'sleep 100', env: { X: '1', Y: '3' }, display_name: 'A' },
      b: { command: 'sleep 100', depends_on: [], autostart: false, logs: { files: ['/tmp/*.log'] } },
      c: { command: 'sleep 100', health: { command: 'true' } },
    });
    expect(summary(load(base), after)).toEqual(['a: changed display_name,env', 'b: updated autostart,depends_on,logs.files', 'c: changed health']);
  });

  it('adds and removes, and does not call a shifted default display order a change', () => {
    const after = load({ b: { command: 'sleep 100' }, c: { command: 'sleep 100' }, d: { command: 'sleep 1' } });
    expect(summary(load(base), after)).toEqual(['b: updated depends_on', 'c: moved', 'd: added', 'a: removed']);
  });

  it('reports a display order the file sets', () => {
    const after = load({ ...base, c: { command: 'sleep 100', display_order: 0 } });
    expect(summary(load(base), after)).toEqual(['c: updated display_order']);
  });
});
