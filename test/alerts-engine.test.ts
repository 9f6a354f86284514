// The alert engine on real parts (SQLite store, bus, log service): lifecycle, grouping,
// repeat, flapping, silences, maintenance, routes, restart. Real time, short durations.
import { afterEach, describe, expect, it } from 'vitest';
import { channel, startAlertHarness, type AlertHarness } from '../src/alerts/testing/harness.js';
import { waitFor } from '../src/testing/helpers.js';

const open: AlertHarness[] = [];
async function harness(alerts: Record<string, unknown>, opts: Parameters<typeof startAlertHarness>[1] = {}): Promise<AlertHarness> {
  const h = await startAlertHarness({ channels: [channel('hook')], ...alerts }, opts);
  open.push(h);
  return h;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
});

const cpuRule = (extra: Record<string, unknown> = {}) => ({ name: 'HighCPU', kind: 'metric', metric: 'cpu_percent', match: { host: '*' }, op: '>', threshold: 80, ...extra });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('metric rules', () => {
  it('goes pending on a crossing, fires after `for`, resolves when the value drops', async () => {
    const h = await harness({ defaults: false, group_interval: '200ms', rules: [cpuRule({ for: '300ms', severity: 'critical', annotations: { summary: 'CPU {{value}}% on {{host}} (> {{threshold}})' } })] });
    h.push('host:web-1', { cpu_percent: 95 });
    const [pending] = h.engine.active();
    expect(pending).toMatchObject({ rule: 'HighCPU', state: 'pending', severity: 'critical', value: 95, fired_at: null, labels: { alertname: 'HighCPU', host: 'web-1', severity: 'critical' } });
    h.push('host:web-1', { cpu_percent: 97.256 });
    const firing = await waitFor('firing', () => h.engine.active().find((a) => a.state === 'firing'));
    expect(firing.fingerprint).toBe(pending!.fingerprint);
    expect(firing.annotations.summary).toBe('CPU 97.26% on web-1 (> 80)');
    expect(Date.parse(firing.fired_at!) - Date.parse(firing.started_at)).toBeGreaterThanOrEqual(300);
    await waitFor('firing notification', () => h.notifier.of('firing').length === 1);
    expect(h.notifier.sent[0]).toMatchObject({ kind: 'firing', channels: ['hook'], groupLabels: { alertname: 'HighCPU', host: 'web-1' } });
    expect(h.notifier.sent[0]!.alerts.map((a) => a.fingerprint)).toEqual([pending!.fingerprint]);

    h.push('host:web-1', { cpu_percent: 12 });
    expect(h.engine.active()).toEqual([]);
    await waitFor('resolved notification', () => h.notifier.of('resolved').length === 1);
    expect(h.notifier.of('resolved')[0]!.alerts[0]).toMatchObject({ state: 'resolved', fingerprint: pending!.fingerprint });
    const topics = h.events.filter((e) => e.topic.startsWith('alert.')).map((e) => e.topic);
    expect(topics).toEqual(['alert.pending', 'alert.triggered', 'alert.resolved']);
    await waitFor('history', async () => (await h.engine.history({ rule: 'HighCPU' })).length === 3);
    const history = await h.engine.history({ rule: 'HighCPU' });
    expect(history.map((a) => a.state)).toEqual(['resolved', 'firing', 'pending']);
    expect(history[0]!.resolved_at).not.toBeNull();
    expect(history[0]!.last_notified_at).not.toBeNull();
  });

  it('fires on the arrival of the point when `for` is 0, and only for the series the rule names', async () => {
    const h = await harness({ defaults: false, rules: [cpuRule(), { name: 'RootFull', kind: 'metric', metric: 'disk_used_percent', match: { mount: '/' }, op: '>=', threshold: 90 }] });
    h.push('host:db-1', { cpu_percent: 81, memory_percent: 99, 'disk_used_percent{mount="/"}': 90, 'disk_used_percent{mount="/data"}': 99 });
    // Synchronously: no timer, no store read between the point and the firing alert.
    const active = h.engine.active();
    expect(active.map((a) => [a.rule, a.state, a.labels.mount ?? null])).toEqual([
      ['HighCPU', 'firing', null],
      ['RootFull', 'firing', '/'],
    ]);
    // A service's own cpu_percent is not a host's: the rule matches host sources only.
    h.push('service:api', { cpu_percent: 99 });
    expect(h.engine.active()).toHaveLength(2);
  });

  it('deduplicates: the same condition seen again keeps one alert and one notification', async () => {
    const h = await harness({ defaults: false, rules: [cpuRule()] });
    for (let i = 0; i < 20; i++) h.push('host:web-1', { cpu_percent: 90 + i / 10 });
    await waitFor('notification', () => h.notifier.sent.length === 1);
    h.push('host:web-2', { cpu_percent: 99 });
    await waitFor('second host', () => h.notifier.sent.length === 2);
    expect(h.engine.active()).toHaveLength(2);
    expect(h.engine.active().find((a) => a.labels.host === 'web-1')!.value).toBe(91.9);
    expect(h.notifier.sent.map((n) => n.alerts.length)).toEqual([1, 1]);
  });

  it('does not storm on a flapping metric: `for` holds back, grouping batches', async () => {
    // With `for`, a value that never stays above the threshold never fires.
    const held = await harness({ defaults: false, rules: [cpuRule({ for: '200ms' })] });
    for (let i = 0; i < 30; i++) {
      held.push('host:web-1', { cpu_percent: i % 2 ? 95 : 10 });
      await sleep(20);
    }
    held.push('host:web-1', { cpu_percent: 10 });
    await sleep(300);
    expect(held.notifier.sent).toEqual([]);
    expect((await held.engine.history({ state: 'firing' })).length).toBe(0);
    // The dashboard still sees each pending alert come and go (no notification, no firing).
    const heldTopics = new Set(held.events.filter((e) => e.topic.startsWith('alert.')).map((e) => e.topic));
    expect([...heldTopics].sort()).toEqual(['alert.cleared', 'alert.pending']);

    // Without `for`: 60 state changes inside one group_interval are one firing notification
    // (at once) and, after the interval, one resolved notification.
    const h = await harness({ defaults: false, group_interval: '4s', rules: [cpuRule()] });
    let changes = 0;
    for (let i = 0; i < 60; i++) {
      h.push('host:web-1', { cpu_percent: i % 2 ? 10 : 95 });
      changes++;
      await sleep(5);
    }
    expect(changes).toBe(60);
    expect((await waitFor('history', async () => { const n = (await h.engine.history({ limit: 1000 })).length; return n >= 60 && n; })) ).toBe(60);
    await waitFor('resolved', () => h.notifier.of('resolved').length === 1);
    expect(h.notifier.sent.map((n) => n.kind)).toEqual(['firing', 'resolved']);
  });
});

describe('grouping and repeat', () => {
  it('100 hosts crossing at once: one notification at once, the rest batched by group_interval', async () => {
    const h = await harness({ defaults: false, group_by: ['alertname'], group_interval: '500ms', rules: [cpuRule()] });
    h.push('host:host-0', { cpu_percent: 99 });
    await waitFor('first notification', () => h.notifier.sent.length === 1);
    for (let i = 1; i < 100; i++) h.push(`host:host-${i}`, { cpu_percent: 99 });
    expect(h.engine.active()).toHaveLength(100);
    await waitFor('batch', () => h.notifier.sent.length === 2);
    expect(h.notifier.sent.map((n) => n.kind)).toEqual(['firing', 'firing']);
    expect(h.notifier.sent[0]!.alerts).toHaveLength(1);
    // The batch lists the whole group, as Alertmanager does.
    expect(h.notifier.sent[1]!.alerts).toHaveLength(100);
    expect(h.notifier.sent[1]!.groupLabels).toEqual({ alertname: 'HighCPU' });
    await sleep(700);
    expect(h.notifier.sent).toHaveLength(2);
  });

  it('re-sends a group still firing every repeat_interval', async () => {
    const h = await harness({ defaults: false, group_interval: '100ms', repeat_interval: '300ms', rules: [cpuRule()] });
    h.push('host:web-1', { cpu_percent: 99 });
    await waitFor('three firing notifications', () => h.notifier.of('firing').length >= 3, 10_000);
    const fps = new Set(h.notifier.of('firing').flatMap((n) => n.alerts.map((a) => a.fingerprint)));
    expect(fps.size).toBe(1);
    h.push('host:web-1', { cpu_percent: 1 });
    await waitFor('resolved', () => h.notifier.of('resolved').length === 1);
  });
});

describe('silences and maintenance', () => {
  const cases: { matchers: { name: string; op: '=' | '!=' | '=~' | '!~'; value: string }[]; silenced: string[] }[] = [
    { matchers: [{ name: 'host', op: '=', value: 'web-1' }], silenced: ['web-1'] },
    { matchers: [{ name: 'alertname', op: '=', value: 'HighCPU' }, { name: 'host', op: '!=', value: 'web-1' }], silenced: ['web-2', 'db-1'] },
    { matchers: [{ name: 'host', op: '=~', value: 'web-.*' }], silenced: ['web-1', 'web-2'] },
    { matchers: [{ name: 'alertname', op: '=', value: 'HighCPU' }, { name: 'host', op: '!~', value: 'web-.*' }], silenced: ['db-1'] },
    // Anchored like Alertmanager: "web" alone does not match "web-1".
    { matchers: [{ name: 'host', op: '=~', value: 'web' }], silenced: [] },
  ];
  for (const c of cases) {
    it(`silences ${c.matchers.map((m) => `${m.name}${m.op}${m.value}`).join(',')} → ${c.silenced.join(',') || 'nothing'}`, async () => {
      const h = await harness({ defaults: false, rules: [cpuRule()] });
      const s = await h.engine.silence({ matchers: c.matchers, endsAt: new Date(Date.now() + 60_000).toISOString(), comment: 'test' }, 'tester');
      for (const host of ['web-1', 'web-2', 'db-1']) h.push(`host:${host}`, { cpu_percent: 99 });
      const notified = ['web-1', 'web-2', 'db-1'].filter((x) => !c.silenced.includes(x));
      await waitFor('notifications', () => h.notifier.sent.flatMap((n) => n.alerts).length === notified.length || notified.length === 0);
      await sleep(100);
      expect(h.notifier.sent.flatMap((n) => n.alerts.map((a) => a.labels.host)).sort()).toEqual(notified.sort());
      // Silenced alerts still fire.
      expect(h.engine.active().filter((a) => a.state === 'firing')).toHaveLength(3);
      for (const a of h.engine.active()) expect(h.engine.mutedBy(a.labels)).toEqual(c.silenced.includes(a.labels.host!) ? [s.id] : []);
    });
  }

  it('sends held-back alerts when a silence is expired by hand, and when one runs out', async () => {
    const h = await harness({ defaults: false, rules: [cpuRule()] });
    const byHand = await h.engine.silence({ matchers: [{ name: 'host', op: '=', value: 'web-1' }], endsAt: new Date(Date.now() + 60_000).toISOString(), comment: '' }, null);
    await h.engine.silence({ matchers: [{ name: 'host', op: '=', value: 'web-2' }], endsAt: new Date(Date.now() + 600).toISOString(), comment: '' }, null);
    h.push('host:web-1', { cpu_percent: 99 });
    h.push('host:web-2', { cpu_percent: 99 });
    await sleep(100);
    expect(h.notifier.sent).toEqual([]);
    expect(await h.engine.expireSilence(byHand.id)).toBe(true);
    await waitFor('web-1 notified', () => h.notifier.sent.some((n) => n.alerts.some((a) => a.labels.host === 'web-1')));
    await waitFor('web-2 notified after its silence ended', () => h.notifier.sent.some((n) => n.alerts.some((a) => a.labels.host === 'web-2')));
    expect(await h.engine.expireSilence(byHand.id)).toBe(true);
    expect(await h.engine.expireSilence('no-such-id')).toBe(false);
    expect((await h.engine.silences(false)).map((s) => s.id)).toEqual([]);
    expect(await h.engine.silences(true)).toHaveLength(2);
    // Created and expired by hand: both on the bus for the dashboard (expiring twice publishes once).
    const silenceEvents = h.events.filter((e) => e.topic.startsWith('silence.'));
    expect(silenceEvents.map((e) => e.topic)).toEqual(['silence.created', 'silence.created', 'silence.expired']);
    expect(silenceEvents[2]!.payload).toMatchObject({ id: byHand.id });
  });

  it('does not announce the resolution of a silenced alert', async () => {
    const h = await harness({ defaults: false, rules: [cpuRule()] });
    await h.engine.silence({ matchers: [{ name: 'host', op: '=', value: 'web-1' }], endsAt: new Date(Date.now() + 60_000).toISOString(), comment: '' }, null);
    h.push('host:web-1', { cpu_percent: 99 });
    h.push('host:web-1', { cpu_percent: 9 });
    h.push('host:web-2', { cpu_percent: 99 });
    await waitFor('web-2', () => h.notifier.sent.length === 1);
    await sleep(100);
    expect(h.notifier.sent.map((n) => [n.kind, n.alerts[0]!.labels.host])).toEqual([['firing', 'web-2']]);
    expect((await h.engine.history({ state: 'resolved' })).map((a) => a.labels.host)).toEqual(['web-1']);
  });

  it('holds back alerts in a maintenance window until it ends', async () => {
    const now = Date.now();
    const h = await harness({
      defaults: false,
      rules: [cpuRule()],
      maintenance: [{ name: 'patching', starts_at: new Date(now - 60_000).toISOString(), ends_at: new Date(now + 800).toISOString(), match: { host: 'web-1' } }],
    });
    h.push('host:web-1', { cpu_percent: 99 });
    h.push('host:db-1', { cpu_percent: 99 });
    await waitFor('db-1', () => h.notifier.sent.length === 1);
    expect(h.notifier.sent[0]!.alerts[0]!.labels.host).toBe('db-1');
    expect(h.engine.mutedBy({ alertname: 'HighCPU', host: 'web-1' })).toEqual(['maintenance:patching']);
    await waitFor('web-1 after the window', () => h.notifier.sent.some((n) => n.alerts.some((a) => a.labels.host === 'web-1')));
  });
});

describe('routes', () => {
  it('routes by severity and labels: first match wins, continue goes on, no match is not sent', async () => {
    const h = await harness({
      defaults: false,
      channels: [channel('pager'), channel('ops'), channel('db-team')],
      routes: [
        { match: { severity: 'critical' }, channels: ['pager'], continue: true },
        { match: { team: 'db' }, channels: ['db-team'] },
        { match: { host: '*' }, channels: ['ops'] },
      ],
      rules: [
        cpuRule({ severity: 'critical' }),
        { name: 'DbMemory', kind: 'metric', metric: 'memory_percent', match: { host: 'db-1' }, op: '>', threshold: 90, labels: { team: 'db' } },
        { name: 'Queue', kind: 'metric', metric: 'queue_depth', op: '>', threshold: 10 },
      ],
    });
    h.push('host:web-1', { cpu_percent: 99 });
    h.push('host:db-1', { memory_percent: 99 });
    h.push('service:worker', { queue_depth: 99 });
    await waitFor('two notifications', () => h.notifier.sent.length === 2);
    await sleep(100);
    const got = Object.fromEntries(h.notifier.sent.map((n) => [n.alerts[0]!.rule, n.channels]));
    expect(got).toEqual({ HighCPU: ['ops', 'pager'], DbMemory: ['db-team'] });
    expect(h.engine.active().map((a) => a.rule).sort()).toEqual(['DbMemory', 'HighCPU', 'Queue']);
  });

  it('sends to every channel when there are no routes', async () => {
    const h = await harness({ defaults: false, channels: [channel('a'), channel('b')], rules: [cpuRule()] });
    h.push('host:web-1', { cpu_percent: 99 });
    await waitFor('sent', () => h.notifier.sent.length === 1);
    expect(h.notifier.sent[0]!.channels).toEqual(['a', 'b']);
  });
});

describe('restart', () => {
  it('reloads active alerts without notifying them again, and announces their resolution', async () => {
    const first = await harness({ defaults: false, group_interval: '200ms', rules: [cpuRule(), cpuRule({ name: 'SlowCPU', threshold: 50, for: '1h' })] });
    first.push('host:web-1', { cpu_percent: 99 });
    await waitFor('notified', () => first.notifier.sent.length === 1);
    await first.stopEngine();
    const saved = (await first.store.alerts.active()).sort((a, b) => a.rule.localeCompare(b.rule));
    expect(saved.map((a) => [a.rule, a.state])).toEqual([
      ['HighCPU', 'firing'],
      ['SlowCPU', 'pending'],
    ]);
    expect(saved[0]!.last_notified_at).not.toBeNull();
    await first.close();

    const second = await harness({ defaults: false, group_interval: '200ms', rules: [cpuRule(), cpuRule({ name: 'SlowCPU', threshold: 50, for: '1h' })] }, { dataDir: first.dataDir });
    expect(second.engine.active().map((a) => [a.rule, a.state]).sort()).toEqual([
      ['HighCPU', 'firing'],
      ['SlowCPU', 'pending'],
    ]);
    // Still above: nothing new to say. Another host proves notifications flow.
    second.push('host:web-1', { cpu_percent: 98 });
    second.push('host:web-2', { cpu_percent: 99 });
    await waitFor('web-2', () => second.notifier.sent.length >= 1);
    await sleep(100);
    expect(second.notifier.sent.flatMap((n) => n.alerts.map((a) => a.labels.host))).toEqual(['web-2']);
    second.push('host:web-1', { cpu_percent: 5 });
    await waitFor('resolved', () => second.notifier.of('resolved').length === 1);
    expect(second.notifier.of('resolved')[0]!.alerts[0]!.labels.host).toBe('web-1');
  });

  it('resolves alerts of rules removed while the hub was down', async () => {
    const first = await harness({ defaults: false, rules: [cpuRule()] });
    first.push('host:web-1', { cpu_percent: 99 });
    await waitFor('notified', () => first.notifier.sent.length === 1);
    await first.close();
    const second = await harness({ defaults: false, group_interval: '200ms', rules: [] }, { dataDir: first.dataDir });
    expect(second.engine.active()).toEqual([]);
    await waitFor('resolved', () => second.notifier.of('resolved').length === 1);
  });
});
