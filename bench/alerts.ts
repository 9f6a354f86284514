/**
 * `npm run bench -- alerts`: alert latency, from a threshold crossing in a report pushed
 * over the API (POST /api/metrics/report with a host key) to the notification arriving at
 * a local webhook, with a `for: 0` rule (median of --samples crossings, each a new host so
 * each is a new group); a storm of --storm hosts crossing at once, counting webhook calls
 * with group_by [alertname] and with the default grouping (per host); and the engine's
 * CPU cost per report, in process. Prints tables, checks the target (median ≤ 0.3 s) and
 * writes bench/results/alerts.json. Needs a build (npm run build).
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { measureEvaluation, type EvaluationCost } from './alerts/evaluate.js';
import { BenchHub } from './alerts/hub.js';
import { WebhookReceiver } from './alerts/webhook.js';
import { commandOf, buildStamp } from './lib/build.js';
import { epochMs, now, sleep } from './lib/clock.js';
import { writeResults } from './lib/results.js';
import { max, median, min, percentile, ratio } from './lib/stats.js';
import { num, printTable, times } from './lib/table.js';

/** Prometheus 2.42 + Alertmanager on this kind of machine (issue 4): breach → firing, and → webhook with default grouping. */
const prometheusFiringS = 0.8;
const alertmanagerWebhookS = 31;
const targetMedianS = 0.3;

interface Options {
  samples: number;
  storm: number;
  groupInterval: string;
}

const usage = 'usage: npm run bench -- alerts [--samples 30] [--storm 100] [--group-interval 10s]';

function parse(args: string[]): Options {
  const o: Options = { samples: 30, storm: 100, groupInterval: '10s' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const v = args[++i];
    const n = Number(v);
    if (a === '--samples' && Number.isInteger(n) && n >= 1) o.samples = n;
    else if (a === '--storm' && Number.isInteger(n) && n >= 2) o.storm = n;
    else if (a === '--group-interval' && v && /^\d+(ms|s|m)$/.test(v)) o.groupInterval = v;
    else throw new Error(`bad option ${a} ${v ?? ''}\n${usage}`);
  }
  return o;
}

/** Only the CPU rule, `for: 0`: the built-in agent-silent rule would add its own notifications. */
const rule = { name: 'HighCPU', kind: 'metric', metric: 'cpu_percent', match: { host: '*' }, op: '>', threshold: 80, for: '0s', severity: 'critical' };

interface StormResult {
  groupBy: string;
  hosts: number;
  webhookCalls: number;
  firstCallMs: number | null;
  allNotifiedMs: number | null;
  alertsInCalls: number[];
}

/** Runs the benchmark; resolves to the exit code (1 when the target is missed or a part failed). */
export default async function alertsBench(args: string[]): Promise<number> {
  let opts: Options;
  try {
    opts = parse(args);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  const repo = fileURLToPath(new URL('..', import.meta.url));
  if (!existsSync(commandOf(repo))) {
    process.stderr.write('no build: run npm run build first\n');
    return 2;
  }
  const started = now();
  // The hub reads its settings from the config file only: no WHEELHOUSE_* from the caller.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('WHEELHOUSE_')));
  const log = (m: string): void => void process.stderr.write(`[${((now() - started) / 1000).toFixed(1).padStart(5)}s] ${m}\n`);
  const webhook = await WebhookReceiver.start();
  const hubs: BenchHub[] = [];
  const errors: string[] = [];
  const latencies: number[] = [];
  const answers: number[] = [];
  const storms: StormResult[] = [];
  let evaluation: EvaluationCost | null = null;
  const stopAll = async (): Promise<void> => {
    await Promise.all(hubs.splice(0).map((h) => h.stop().catch(() => {})));
    await webhook.close();
  };
  const onSignal = (): void => void stopAll().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    // 1. Latency: each sample a host of its own (a new group: no group_interval wait).
    log(`latency: ${opts.samples} crossings, one host each`);
    const hub = await BenchHub.start(repo, { defaults: false, rules: [rule], channels: [{ name: 'hook', type: 'webhook', url: webhook.url }] }, env);
    hubs.push(hub);
    const hosts = Array.from({ length: opts.samples + 3 }, (_, i) => `lat-${i}`);
    await hub.addHosts(hosts);
    for (const [i, host] of hosts.entries()) {
      if ((await hub.report(host, { cpu_percent: 10 })) !== 200) throw new Error(`a quiet report of ${host} was refused`);
      const from = webhook.arrivals.length;
      const t0 = epochMs();
      const status = await hub.report(host, { cpu_percent: 95 });
      const answered = epochMs();
      if (status !== 200) throw new Error(`the crossing report of ${host} was refused: HTTP ${status}`);
      const arrival = await webhook.waitFor((a) => a.status === 'firing' && a.hosts.includes(host), 10_000, from);
      // The first three warm up the hub's code paths and connections.
      if (i >= 3) {
        latencies.push(arrival.at - t0);
        answers.push(answered - t0);
      }
      await sleep(20);
    }
    await hub.stop();
    hubs.splice(0);

    // 2. Storms: every host crossing at once, grouped by alertname, then per host (the default).
    for (const groupBy of [['alertname'], ['alertname', 'host', 'service']]) {
      const label = groupBy.join(',');
      log(`storm: ${opts.storm} hosts at once, group_by [${label}], group_interval ${opts.groupInterval}`);
      const h = await BenchHub.start(repo, { defaults: false, group_by: groupBy, group_interval: opts.groupInterval, rules: [rule], channels: [{ name: 'hook', type: 'webhook', url: webhook.url }] }, env);
      hubs.push(h);
      const ids = Array.from({ length: opts.storm }, (_, i) => `storm-${i}`);
      await h.addHosts(ids);
      await Promise.all(ids.map((id) => h.report(id, { cpu_percent: 10 })));
      const from = webhook.arrivals.length;
      const t0 = epochMs();
      const statuses = await Promise.all(ids.map((id) => h.report(id, { cpu_percent: 99 })));
      if (statuses.some((s) => s !== 200)) throw new Error(`storm reports refused: ${statuses.filter((s) => s !== 200).length}`);
      // Every host notified, then one more group_interval to show nothing else comes.
      const seen = (): Set<string> => new Set(webhook.arrivals.slice(from).flatMap((a) => a.hosts));
      const deadline = Date.now() + 120_000;
      while (seen().size < ids.length && Date.now() < deadline) await sleep(50);
      const allAt = seen().size === ids.length ? Math.max(...webhook.arrivals.slice(from).map((a) => a.at)) : null;
      await sleep(Number(opts.groupInterval.replace(/\D+$/, '')) * (opts.groupInterval.endsWith('ms') ? 1 : opts.groupInterval.endsWith('m') ? 60_000 : 1000) + 1000);
      const calls = webhook.arrivals.slice(from).filter((a) => a.status === 'firing');
      storms.push({
        groupBy: label,
        hosts: ids.length,
        webhookCalls: calls.length,
        firstCallMs: calls[0] ? calls[0].at - t0 : null,
        allNotifiedMs: allAt === null ? null : allAt - t0,
        alertsInCalls: calls.map((c) => c.hosts.length),
      });
      await h.stop();
      hubs.splice(0);
    }

    // 3. The engine alone.
    log('evaluation cost: 10,000 hosts, built-in rules, in process');
    evaluation = await measureEvaluation(repo, 10_000, 5);
  } catch (err) {
    errors.push((err as Error).stack ?? String(err));
    log(`failed: ${(err as Error).message}`);
  } finally {
    await stopAll();
  }

  const medianMs = median(latencies);
  printTable(`Alert latency: report with a crossing → webhook arrival (for: 0), ${latencies.length} crossings`, ['', 'median', 'p90', 'min', 'max', 'median / target 0.3 s', 'Prometheus firing 0.8 s / median', 'Alertmanager webhook 31 s / median'], [
    [
      'crossing → webhook (ms)',
      num(medianMs, 1),
      num(percentile(latencies, 90), 1),
      num(min(latencies), 1),
      num(max(latencies), 1),
      times(ratio(medianMs, targetMedianS * 1000)),
      times(ratio(prometheusFiringS * 1000, medianMs)),
      times(ratio(alertmanagerWebhookS * 1000, medianMs)),
    ],
    ['report answered (ms)', num(median(answers), 1), num(percentile(answers, 90), 1), num(min(answers), 1), num(max(answers), 1), null, null, null],
  ]);
  printTable(`Storm: ${opts.storm} hosts crossing at once (group_interval ${opts.groupInterval})`, ['group_by', 'webhook calls', 'alerts per call', 'first call (ms)', 'all hosts notified (ms)'], storms.map((s) => [
    s.groupBy,
    num(s.webhookCalls),
    s.alertsInCalls.length <= 4 ? s.alertsInCalls.join(', ') : `${s.alertsInCalls.slice(0, 3).join(', ')}, … (${s.alertsInCalls.length})`,
    num(s.firstCallMs, 1),
    num(s.allNotifiedMs, 0),
  ]));
  if (evaluation) {
    printTable('Evaluation cost in the engine (CPU per report, built-in rules)', ['hosts', 'series per report', 'quiet (µs)', 'alerting (µs)', 'reports/s per core (quiet)'], [
      [num(evaluation.hosts), num(evaluation.seriesPerReport), num(evaluation.quietUsPerReport, 1), num(evaluation.alertingUsPerReport, 1), num(1e6 / evaluation.quietUsPerReport)],
    ]);
  }
  const ok = medianMs !== null && medianMs <= targetMedianS * 1000 && errors.length === 0;
  const grouped = storms.find((s) => s.groupBy === 'alertname');
  process.stdout.write(`\n${ok ? 'PASS' : 'FAIL'}: median crossing → webhook ${num(medianMs, 1) ?? '—'} ms (target ≤ ${targetMedianS * 1000} ms)`);
  if (grouped) process.stdout.write(`; storm of ${grouped.hosts} hosts grouped by alertname: ${grouped.webhookCalls} webhook calls`);
  process.stdout.write('\n');
  const path = writeResults('alerts', {
    build: buildStamp(repo),
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? null, loadavg: loadavg() },
    options: opts,
    latency: { samplesMs: latencies, medianMs, p90Ms: percentile(latencies, 90), reportAnsweredMs: answers },
    storms,
    evaluation,
    errors,
    pass: ok,
  });
  process.stderr.write(`results: ${path}\n`);
  return ok ? 0 : 1;
}
