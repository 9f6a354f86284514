/** The printed report: one table per measurement, managers side by side, then the targets. */
import { median, max, ratio } from '../lib/stats.js';
import { num, printTable, times, type Cell } from '../lib/table.js';
import { columns, type ColumnName, type ColumnResult } from './model.js';
import { settings } from './settings.js';

/** A checked target. */
export interface Verdict {
  target: string;
  result: 'PASS' | 'FAIL' | 'SKIP';
  detail: string;
}

type Results = Record<ColumnName, ColumnResult>;
type Pick = (c: ColumnResult) => number | null;

const headers = ['', ...columns, 'WH/PM2', 'WH/supervisord'];

/** A row of numbers with the two ratios; skipped columns say so. */
function row(label: string, r: Results, pick: Pick, digits = 0, withRatios = true): Cell[] {
  const v = (n: ColumnName): number | null => (r[n].skipped ? null : pick(r[n]));
  const cells = columns.map((n) => (r[n].skipped ? 'skipped' : num(v(n), digits)));
  const ratios = withRatios ? [times(ratio(v('wheelhouse'), v('pm2'))), times(ratio(v('wheelhouse'), v('supervisord')))] : ['', ''];
  return [label, ...cells, ...ratios];
}

function textRow(label: string, r: Results, pick: (c: ColumnResult) => string | null): Cell[] {
  return [label, ...columns.map((n) => (r[n].skipped ? 'skipped' : pick(r[n]))), '', ''];
}

/** Prints every table. */
export function printTables(r: Results): void {
  const n = settings.services;
  printTable(`1. crash-to-healthy: kill -9 of a service up ≥ ${settings.upBeforeKillMs / 1000} s → a NEW process answers /health (ms; floor: spawn → healthy)`, headers, [
    row('median', r, (c) => median(c.crash.map((x) => x.ms))),
    row('max', r, (c) => max(c.crash.map((x) => x.ms))),
    row('tries', r, (c) => c.crash.length, 0, false),
  ]);
  printTable(`2. cold start: manager not running → all ${n} answer /health (ms; floor: spawn ${n} by hand)`, headers, [
    row('median', r, (c) => median(c.coldMs)),
    row('max', r, (c) => max(c.coldMs)),
    row('manager up (median)', r, (c) => median(c.coldManagerUpMs)),
    row('tries', r, (c) => c.coldMs.length, 0, false),
  ]);
  printTable(`3. warm start: manager running, all stopped → "start all" via the CLI → all ${n} answer /health (ms)`, headers, [
    row('median', r, (c) => median(c.warmMs)),
    row('max', r, (c) => max(c.warmMs)),
    row('CLI returned (median)', r, (c) => median(c.warmCliMs)),
    row('tries', r, (c) => c.warmMs.length, 0, false),
  ]);
  printTable(`4. memory: RSS of the manager process managing ${n} services, idle (MB)`, headers, [
    row('VmRSS', r, (c) => c.memory?.mb ?? null, 1),
    textRow('process', r, (c) => (c.name === 'floor' ? 'none' : c.memory ? `pid ${c.memory.pid}` : null)),
  ]);
  printTable(`5. stdout capture: ${settings.captureLines.toLocaleString('en-US')} lines written as fast as possible → all stored by the manager (log file; Wheelhouse: its log store)`, headers, [
    row('lines/s', r, (c) => c.capture?.linesPerSec ?? null),
    row('until complete (ms)', r, (c) => c.capture?.completeMs ?? null),
    row('lost', r, (c) => c.capture?.lost ?? null, 0, false),
    row('duplicated', r, (c) => c.capture?.duplicated ?? null, 0, false),
    row('other lines', r, (c) => c.capture?.otherLines ?? null, 0, false),
    row('writer blocked (ms)', r, (c) => c.capture?.writerLoopMs ?? null),
  ]);
  printTable(`6. crash loop: a service exiting 100 ms after each start, managed for ${settings.crashLoopWindowMs / 1000} s with default restart settings`, headers, [
    row('starts', r, (c) => c.crashLoop?.starts ?? null, 0, false),
    textRow('end state', r, (c) => (c.name === 'floor' ? 'n/a' : c.crashLoop?.endState ?? null)),
  ]);
}

/** Checks the targets against the numbers. A comparison with a skipped or failed column is SKIP. */
export function checkTargets(r: Results): Verdict[] {
  const wh = r.wheelhouse;
  const out: Verdict[] = [];
  const compare = (target: string, other: ColumnName, pick: Pick, ok: (w: number, o: number) => boolean, unit: string, explain: (w: number, o: number) => string): void => {
    const w = wh.skipped ? null : pick(wh);
    const o = r[other].skipped ? null : pick(r[other]);
    if (o === null) return void out.push({ target, result: 'SKIP', detail: `no ${other} number (${r[other].skipped ?? r[other].errors[0] ?? 'not measured'})` });
    if (w === null) return void out.push({ target, result: 'FAIL', detail: `no wheelhouse number (${wh.skipped ?? wh.errors[0] ?? 'not measured'})` });
    out.push({ target, result: ok(w, o) ? 'PASS' : 'FAIL', detail: `${explain(w, o)} ${unit}` });
  };
  const f = (x: number, d = 0): string => num(x, d)!;
  compare('crash-to-healthy median ≤ 0.7× PM2', 'pm2', (c) => median(c.crash.map((x) => x.ms)), (w, o) => w <= 0.7 * o, 'ms', (w, o) => `wheelhouse ${f(w)} vs limit ${f(0.7 * o)} (pm2 ${f(o)})`);
  compare('cold start median ≤ 0.7× PM2', 'pm2', (c) => median(c.coldMs), (w, o) => w <= 0.7 * o, 'ms', (w, o) => `wheelhouse ${f(w)} vs limit ${f(0.7 * o)} (pm2 ${f(o)})`);
  compare('warm start median ≤ supervisord', 'supervisord', (c) => median(c.warmMs), (w, o) => w <= o, 'ms', (w, o) => `wheelhouse ${f(w)} vs supervisord ${f(o)}`);
  compare('hub memory ≤ PM2 daemon', 'pm2', (c) => c.memory?.mb ?? null, (w, o) => w <= o, 'MB', (w, o) => `wheelhouse ${f(w, 1)} vs pm2 ${f(o, 1)}`);
  const cap = wh.capture;
  const clean = cap !== null && cap.lost === 0 && cap.duplicated === 0;
  compare('capture lines/s ≥ supervisord, 0 lost / duplicated', 'supervisord', (c) => c.capture?.linesPerSec ?? null, (w, o) => w >= o && clean, 'lines/s', (w, o) => `wheelhouse ${f(w)} vs supervisord ${f(o)}; wheelhouse lost ${cap?.lost}, duplicated ${cap?.duplicated};`);
  const loop = wh.crashLoop;
  const loopError = wh.errors.find((e) => e.startsWith('crash loop')) ?? wh.skipped;
  out.push(
    loop === null && !loopError
      ? { target: 'crash loop ≤ 8 starts in 20 s, ending errored', result: 'SKIP', detail: 'not measured (left out with --only)' }
      : loop === null
      ? { target: 'crash loop ≤ 8 starts in 20 s, ending errored', result: 'FAIL', detail: `not measured (${wh.errors.find((e) => e.startsWith('crash loop')) ?? wh.skipped ?? 'error'})` }
      : {
          target: 'crash loop ≤ 8 starts in 20 s, ending errored',
          result: loop.starts <= 8 && loop.endState === 'errored' ? 'PASS' : 'FAIL',
          detail: `wheelhouse ${loop.starts} starts, end state ${loop.endState}`,
        },
  );
  return out;
}

/** Prints the verdicts, then any errors and leftovers per column. */
export function printVerdicts(r: Results, verdicts: Verdict[]): void {
  printTable('targets', ['', 'target', 'detail'], verdicts.map((v) => [v.result, v.target, v.detail]));
  for (const c of Object.values(r)) {
    if (c.skipped) process.stdout.write(`\nskipped: ${c.skipped}\n`);
    for (const e of c.errors) process.stdout.write(`\n${c.name} error: ${e}\n`);
    if (c.leftovers.length > 0) process.stdout.write(`\n${c.name} left ${c.leftovers.length} process(es) running after shutdown (killed): ${c.leftovers.join('; ')}\n`);
  }
}
