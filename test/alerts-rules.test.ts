// Each kind of rule on its real data source: the built-in defaults, service rules on a real
// supervised service, agent silence on host reports, log patterns on real log ingest; and
// rule validation.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { channel, startAlertHarness, type AlertHarness } from '../src/alerts/testing/harness.js';
import { defaultRules, validateRule } from '../src/alerts/rules.js';
import { parseMatcher } from '../src/cli/alerts/matchers.js';
import { startFleet, type Fleet } from '../src/supervisor/testing/fleet.js';
import { fixture, freePort, tempDir, waitFor } from '../src/testing/helpers.js';

const node = process.execPath;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
async function harness(alerts: Record<string, unknown>, opts: Parameters<typeof startAlertHarness>[1] = {}): Promise<AlertHarness> {
  const h = await startAlertHarness({ channels: [channel('hook')], group_interval: '200ms', ...alerts }, opts);
  cleanups.push(() => h.close());
  return h;
}
async function fleet(services: Record<string, unknown>): Promise<Fleet> {
  const f = await startFleet(services);
  cleanups.push(() => f.close());
  return f;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const firing = (h: AlertHarness, rule: string) => h.engine.active().find((a) => a.rule === rule && a.state === 'firing');

describe('built-in rules', () => {
  it('are the seed alerts: CPU > 80 % 5 m, memory > 90 % 5 m, disk > 85 % 1 m, service down, health 2 m, crash loop, agent silent 3 intervals', () => {
    const rules = Object.fromEntries(defaultRules().map((r) => [r.name, r]));
    expect(Object.keys(rules)).toEqual(['HighCPU', 'HighMemory', 'HighDisk', 'ServiceDown', 'ServiceUnhealthy', 'CrashLoop', 'AgentSilent']);
    expect(rules.HighCPU).toMatchObject({ kind: 'metric', metric: 'cpu_percent', op: '>', threshold: 80, forMs: 300_000, match: { host: '*' } });
    expect(rules.HighMemory).toMatchObject({ kind: 'metric', metric: 'memory_percent', op: '>', threshold: 90, forMs: 300_000 });
    expect(rules.HighDisk).toMatchObject({ kind: 'metric', metric: 'disk_used_percent', op: '>', threshold: 85, forMs: 60_000 });
    expect(rules.ServiceDown).toMatchObject({ kind: 'service_down', service: '*' });
    expect(rules.ServiceUnhealthy).toMatchObject({ kind: 'health', forMs: 120_000 });
    expect(rules.CrashLoop).toMatchObject({ kind: 'crash_loop', forMs: 0, severity: 'critical' });
    expect(rules.AgentSilent).toMatchObject({ kind: 'agent_silent', intervals: 3 });
  });

  it('are in force unless defaults is false; a config rule of the same name replaces one', async () => {
    const h = await harness({ rules: [{ name: 'HighCPU', kind: 'metric', metric: 'cpu_percent', match: { host: '*' }, op: '>', threshold: 50 }] });
    expect(h.engine.rules().map((r) => [r.name, r.origin])).toEqual([
      ['HighCPU', 'config'],
      ['HighMemory', 'default'],
      ['HighDisk', 'default'],
      ['ServiceDown', 'default'],
      ['ServiceUnhealthy', 'default'],
      ['CrashLoop', 'default'],
      ['AgentSilent', 'default'],
    ]);
    // The default disk rule per mount, pending for its minute; the replaced CPU rule fires at once.
    h.push('host:web-1', { cpu_percent: 60, 'disk_used_percent{mount="/"}': 91, 'disk_used_percent{mount="/boot"}': 20 });
    expect(h.engine.active().map((a) => [a.rule, a.state, a.labels.mount ?? null])).toEqual([
      ['HighCPU', 'firing', null],
      ['HighDisk', 'pending', '/'],
    ]);
    expect(h.engine.active()[1]!.annotations.summary).toBe('Disk / on web-1 is 91% full (above 85% for 1m)');
    const none = await harness({ defaults: false });
    expect(none.engine.rules()).toEqual([]);
  });
});

describe('service rules on a supervised service', () => {
  it('service down and crash loop: a crashing service fires both; a stop on request resolves them', async () => {
    const f = await fleet({
      crasher: { command: [node, fixture('crash.mjs')], autostart: false, restart: { backoff: '50ms', crash_loop_exits: 3, crash_loop_window: '20s' } },
    });
    const h = await harness(
      { defaults: false, rules: [{ name: 'ServiceDown', kind: 'service_down', service: '*' }, { name: 'CrashLoop', kind: 'crash_loop', service: 'crasher', severity: 'critical' }] },
      { parts: f },
    );
    await f.sup.startService('crasher', 'dev').catch(() => undefined);
    const down = await waitFor('service down', () => firing(h, 'ServiceDown'), 20_000);
    expect(down.labels).toEqual({ alertname: 'ServiceDown', severity: 'warning', service: 'crasher' });
    const loop = await waitFor('crash loop', () => firing(h, 'CrashLoop'), 20_000);
    expect(loop.annotations.summary).toContain('crasher');
    const notifiedRules = () => new Set(h.notifier.of('firing').flatMap((n) => n.alerts.map((a) => a.rule)));
    await waitFor('both notified', () => notifiedRules().size === 2);

    await f.sup.stopService('crasher');
    await waitFor('resolved', () => h.engine.active().length === 0);
    // While it was restarting between crashes ServiceDown may have resolved and fired again; the last word is "resolved".
    await waitFor('resolutions notified', () => h.notifier.sent.filter((n) => n.alerts.some((a) => a.rule === 'CrashLoop')).at(-1)?.kind === 'resolved');
    await waitFor('service down resolution', () => h.notifier.sent.filter((n) => n.alerts.some((a) => a.rule === 'ServiceDown')).at(-1)?.kind === 'resolved');
  });

  it('service down: not for a clean exit with restart policy on-failure, nor for a stop on request', async () => {
    const port = await freePort();
    const f = await fleet({
      once: { command: [node, fixture('crash.mjs')], env: { EXIT_CODE: '0', EXIT_AFTER_MS: '100' }, autostart: false, restart: { policy: 'on-failure' } },
      web: { command: [node, fixture('http-service.mjs')], port, autostart: false },
      failing: { command: [node, fixture('crash.mjs')], env: { EXIT_CODE: '2', EXIT_AFTER_MS: '300' }, autostart: false, restart: { policy: 'never' } },
    });
    const h = await harness({ defaults: false, rules: [{ name: 'ServiceDown', kind: 'service_down' }] }, { parts: f });
    await f.sup.startService('once', 'dev').catch(() => undefined);
    await f.sup.startService('web', 'dev');
    await f.sup.stopService('web');
    await f.sup.startService('failing', 'dev').catch(() => undefined);
    await waitFor('failing is down', () => firing(h, 'ServiceDown'), 20_000);
    await waitFor('once stopped', () => f.sup.view('once').status === 'stopped');
    expect(h.engine.active().map((a) => a.labels.service)).toEqual(['failing']);
  });

  it('health: unhealthy for `for` fires, healthy again resolves', async () => {
    const port = await freePort();
    const sick = join(tempDir(), 'sick');
    const f = await fleet({
      web: {
        command: [node, fixture('http-service.mjs')],
        port,
        env: { UNHEALTHY_FILE: sick },
        autostart: false,
        health: { http: `http://127.0.0.1:${port}/health`, interval: '100ms', failures: 2 },
      },
    });
    const h = await harness({ defaults: false, rules: [{ name: 'ServiceUnhealthy', kind: 'health', for: '300ms' }] }, { parts: f });
    await f.sup.startService('web', 'dev');
    writeFileSync(sick, '');
    const pending = await waitFor('pending', () => h.engine.active().find((a) => a.state === 'pending'));
    expect(pending.labels.service).toBe('web');
    await waitFor('firing', () => firing(h, 'ServiceUnhealthy'));
    rmSync(sick);
    await waitFor('resolved', () => h.engine.active().length === 0);
    await waitFor('resolution notified', () => h.notifier.of('resolved').length === 1);
  });
});

describe('agent silent', () => {
  it('fires after 3 missed intervals, resolves on the next report; regular reports keep it quiet', async () => {
    const h = await harness({ defaults: false, rules: [{ name: 'AgentSilent', kind: 'agent_silent', intervals: 3 }] });
    const report = (host: string) => h.bus.publish('host.report', { host, at: new Date().toISOString(), interval_s: 0.1 });
    report('web-1');
    report('web-2');
    for (let i = 0; i < 12; i++) {
      await sleep(50);
      report('web-2');
    }
    const silent = await waitFor('web-1 silent', () => firing(h, 'AgentSilent'));
    expect(silent.labels.host).toBe('web-1');
    expect(h.engine.active()).toHaveLength(1);
    report('web-1');
    expect(h.engine.active()).toEqual([]);
    await waitFor('resolution', () => h.notifier.of('resolved').length === 1);
  });

  it('uses the host registry interval when a report does not carry one', async () => {
    const h = await harness({ defaults: false, rules: [{ name: 'AgentSilent', kind: 'agent_silent', intervals: 2 }] }, { hostInterval: () => 0.1 });
    h.bus.publish('host.report', { host: 'db-1', at: new Date().toISOString(), interval_s: 0 });
    await waitFor('silent', () => firing(h, 'AgentSilent'));
  });
});

describe('log pattern rules on real log ingest', () => {
  it('counts matching lines in the window: words, level, service; resolves as lines age out', async () => {
    const h = await harness({
      defaults: false,
      rules: [
        { name: 'PermissionDenied', kind: 'log_pattern', query: 'permission denied', op: '>', threshold: 2, window: '1s' },
        { name: 'ApiErrors', kind: 'log_pattern', level: 'error', service: 'api', op: '>=', threshold: 1, window: '1s', severity: 'critical' },
      ],
    });
    const line = (service: string, level: string, message: string) => ({ service_name: service, level, message });
    await h.logs.ingest([line('web', 'INFO', 'Permission denied for /data'), line('web', 'INFO', 'permission granted')], 'http');
    await h.logs.ingest([line('worker', 'WARNING', 'open /x: permission DENIED'), line('api', 'WARNING', 'slow')], 'http');
    await sleep(50);
    expect(h.engine.active()).toEqual([]);
    await h.logs.ingest([line('cron', 'INFO', 'mkdir: Permission denied'), line('web', 'ERROR', 'boom')], 'http');
    const denied = await waitFor('permission denied', () => firing(h, 'PermissionDenied'));
    expect(denied.value).toBe(3);
    expect(denied.labels).toEqual({ alertname: 'PermissionDenied', severity: 'warning' });
    expect(firing(h, 'ApiErrors')).toBeUndefined();
    await h.logs.ingest([line('api', 'ERROR', 'db connection refused')], 'http');
    const api = await waitFor('api errors', () => firing(h, 'ApiErrors'));
    expect(api.labels.service).toBe('api');
    await waitFor('both resolve as the lines age out of the window', () => h.engine.active().length === 0, 10_000);
  });
});

describe('rule validation', () => {
  const cases: [unknown, RegExp][] = [
    [{ name: 'x', kind: 'metrics' }, /rule\.kind: must be one of metric, service_down/],
    [{ name: 'x', kind: 'metric', metric: 'cpu_percent', op: '>' }, /rule\.threshold: a metric rule needs "threshold"/],
    [{ name: 'x', kind: 'metric', threshold: 1, op: '>' }, /rule\.metric: a metric rule needs "metric"/],
    [{ name: 'x', kind: 'metric', metric: 'cpu percent', op: '>', threshold: 1 }, /rule\.metric: "cpu percent" is not a metric name/],
    [{ name: 'x', kind: 'metric', metric: 'cpu', op: '=>', threshold: 1 }, /rule\.op: must be one of >, >=/],
    [{ name: 'x', kind: 'metric', metric: 'cpu', op: '>', threshold: 'high' }, /rule\.threshold: must be number/],
    [{ name: 'x', kind: 'metric', metric: 'cpu', op: '>', threshold: 1, for: '5 minutes' }, /rule\.for: must be a duration/],
    [{ name: 'x', kind: 'log_pattern', threshold: 1 }, /rule\.query: a log_pattern rule needs "query" or "level"/],
    [{ name: 'x', kind: 'log_pattern', level: 'loud', threshold: 1 }, /rule\.level: unknown level "loud"/],
    [{ name: 'x', kind: 'health', sevrity: 'info' }, /rule: unknown property "sevrity"/],
    [{ name: 'bad name!', kind: 'health' }, /rule\.name: must match pattern/],
    [{ kind: 'health' }, /rule\.name: required/],
  ];
  for (const [raw, message] of cases) {
    it(`refuses ${JSON.stringify(raw)}`, async () => {
      await expect(validateRule(raw)).rejects.toThrow(message);
    });
  }

  it('normalizes a valid rule with the config defaults', async () => {
    const { spec, definition } = await validateRule({ name: 'Busy', kind: 'metric', metric: 'cpu_percent', op: '>=', threshold: 50, for: '2m' });
    expect(spec).toMatchObject({ name: 'Busy', forMs: 120_000, severity: 'warning', match: {}, windowMs: 300_000 });
    expect(definition).toEqual({ kind: 'metric', metric: 'cpu_percent', op: '>=', threshold: 50, for: '2m' });
  });

  it('parses matchers as the CLI writes them', () => {
    expect(parseMatcher('alertname=HighCPU')).toEqual({ name: 'alertname', op: '=', value: 'HighCPU' });
    expect(parseMatcher('host=~web-.*')).toEqual({ name: 'host', op: '=~', value: 'web-.*' });
    expect(parseMatcher('host!="db 1"')).toEqual({ name: 'host', op: '!=', value: 'db 1' });
    expect(parseMatcher('env!~prod|staging')).toEqual({ name: 'env', op: '!~', value: 'prod|staging' });
    expect(parseMatcher('=x')).toBeUndefined();
    expect(parseMatcher('host')).toBeUndefined();
  });
});
