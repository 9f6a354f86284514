// Titles and the shared message text: what every channel's headline and alert lines say.
import { describe, expect, it } from 'vitest';
import { clock, digest, formatValue, plainText } from './format.js';
import { render, renderTest } from './render.js';
import { alert } from './testing/fixtures.js';

const rendered = (kind: 'firing' | 'resolved', groupLabels: Record<string, string>, alerts = [alert()]) => render({ kind, groupLabels, alerts }, '');

describe('render', () => {
  it.each([
    ['group labels name the group', { host: 'web-1' }, [alert()], '[FIRING:1] HighCPU host=web-1'],
    ['a lone alert without group labels is named by its own labels', {}, [alert({ labels: { host: 'db', mount: '/', severity: 'warning' } })], '[FIRING:1] HighCPU host=db mount=/'],
    ['several alerts without group labels show only the rule', {}, [alert(), alert({ fingerprint: 'b' })], '[FIRING:2] HighCPU'],
    ['two rules are both named', { host: 'x' }, [alert(), alert({ rule: 'HighMemory' })], '[FIRING:2] HighCPU, HighMemory host=x'],
    ['more rules are counted', {}, ['A', 'B', 'C', 'D'].map((rule) => alert({ rule })), '[FIRING:4] A, B +2'],
    ['rule and severity labels are not repeated', { rule: 'HighCPU', severity: 'critical', host: 'web-1' }, [alert()], '[FIRING:1] HighCPU host=web-1'],
  ])('titles: %s', (_what, groupLabels, alerts, title) => {
    expect(rendered('firing', groupLabels, alerts).title).toBe(title);
  });

  it('maps records to the stable alert view and gives each notification its own id', () => {
    const a = rendered('resolved', {}, [alert({ state: 'resolved', fired_at: null, resolved_at: '2024-05-01T11:00:00.000Z' })]);
    expect(a.title).toBe('[RESOLVED:1] HighCPU host=web-1');
    expect(a.alerts[0]).toEqual({
      fingerprint: 'fp-cpu-web1',
      rule: 'HighCPU',
      state: 'resolved',
      severity: 'critical',
      labels: { host: 'web-1', severity: 'critical' },
      annotations: { summary: 'CPU at 93.25% on web-1 (threshold 80)' },
      value: 93.25,
      startsAt: '2024-05-01T10:00:00.000Z',
      endsAt: '2024-05-01T11:00:00.000Z',
    });
    expect(rendered('firing', {}).id).not.toBe(rendered('firing', {}).id);
    expect(renderTest('ops', '')).toMatchObject({ kind: 'test', title: '[TEST] Wheelhouse test notification for channel "ops"', alerts: [{ severity: 'info', labels: { channel: 'ops' } }] });
  });

  it('lists at most ten alerts and counts the rest', () => {
    const n = render({ kind: 'firing', groupLabels: {}, alerts: Array.from({ length: 13 }, (_, i) => alert({ fingerprint: `f${i}` })) }, 'http://hub:8400//');
    const d = digest(n);
    expect([d.lines.length, d.more, d.link]).toEqual([10, 3, 'http://hub:8400/']);
    expect(plainText(n).split('\n').slice(-3)).toEqual(['… and 3 more', '', 'Wheelhouse: http://hub:8400/']);
  });

  it('formats values and times briefly', () => {
    expect([93.2567, 0, 1e10, 0.0001234, -5].map(formatValue)).toEqual(['93.26', '0', '1.00e+10', '0.000123', '-5']);
    expect(clock('2024-05-01T10:05:00.123Z')).toBe('2024-05-01 10:05:00 UTC');
  });
});
