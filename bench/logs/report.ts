/** The logs benchmark's tables and its verdicts on the targets. */
import { ratio } from '../lib/stats.js';
import { num, printTable, times, type Cell } from '../lib/table.js';
import { coreCount } from './cpu.js';
import type { BulkResult, LogsResults, QuerySuiteResult } from './model.js';

/** Other processes using more than this many cores during a part make its figures suspect. */
const noisyCores = 0.25;

/** Targets from the brief. */
export const targets = {
  ingestLinesPerSec: 100_000,
  ingestOfFloor: 0.8,
  filteredP95Ms: 20,
  fullTextP95Ms: 100,
  exportRowsPerSec: 200_000,
  /** Soak: end RSS at most this times the RSS after the first 20 s. */
  flatFactor: 1.2,
  /** Soak: the store never above this times its size limit (retention runs every few seconds, so it may overshoot a little). */
  sizeFactor: 1.1,
  /** Query targets are judged on stores of at least this many rows. */
  queryTargetRows: 10_000_000,
} as const;

/** One target's outcome. */
export interface Verdict {
  target: string;
  measured: string;
  result: 'PASS' | 'FAIL' | 'n/a';
}

const s = (ms: number | null | undefined, digits = 2): Cell => (ms === null || ms === undefined ? null : `${num(ms / 1000, digits)} s`);
const ms = (x: number | null | undefined, digits = 1): Cell => num(x, digits);
/** "105,000 @0.05, 67,000 @0.70": each try's rate with the cores other processes used meanwhile. */
const triesCell = (tries: { rate: number | null; otherCores: number }[] | undefined): Cell =>
  tries && tries.length > 1 ? tries.map((t) => `${num(t.rate) ?? '—'} @${t.otherCores.toFixed(2)}`).join(', ') : null;
const pct = (part: number | null | undefined, whole: number | null | undefined): Cell => {
  const r = ratio(part, whole);
  return r === null ? null : `${Math.round(r * 100)}%`;
};

/** Prints every table of `r` to stdout. */
export function printTables(r: LogsResults): void {
  const floor = r.floor;
  const rows: Cell[][] = [];
  if (floor) {
    const tries = (ts: { rowsPerSec: number; otherCores: number }[]): Cell => triesCell(ts.map((t) => ({ rate: t.rowsPerSec, otherCores: t.otherCores })));
    rows.push(['floor: SqliteLogRepo.append, batches of ' + num(floor.batch), num(floor.rows), s(floor.appendMs), num(floor.appendRowsPerSec), times(ratio(floor.appendRowsPerSec, floor.rowsPerSec)), s(floor.searchableMs - floor.appendMs), tries(floor.tries)]);
    rows.push([`raw floor: better-sqlite3, same table, 2 indexes + full-text, ${num(floor.raw.batch)}/transaction`, num(floor.rows), s(floor.raw.ms), num(floor.raw.rowsPerSec), times(ratio(floor.raw.rowsPerSec, floor.rowsPerSec)), '(same transaction)', tries(floor.raw.tries)]);
    rows.push([`  the same without full-text (what the index costs)`, num(floor.rows), s(floor.rawNoFts.ms), num(floor.rawNoFts.rowsPerSec), times(ratio(floor.rawNoFts.rowsPerSec, floor.rowsPerSec)), '(not searchable)', tries(floor.rawNoFts.tries)]);
  }
  for (const b of [r.http, r.otlp]) {
    if (!b) continue;
    const label = b.path === 'http' ? 'POST /api/logs/ingest' : 'POST /v1/logs (OTLP JSON)';
    rows.push([`hub: ${label}, ${num(b.batch)}/request, ${b.conns} conns`, num(b.acked), s(b.elapsedMs), num(b.linesPerSec), times(ratio(b.linesPerSec, floor?.rowsPerSec)), s(b.ftsLagMs), triesCell(b.tries?.map((t) => ({ rate: t.linesPerSec, otherCores: t.otherCores })))]);
  }
  if (r.stdout) {
    const o = r.stdout;
    rows.push(['hub: service stdout (JSON lines), from first line', num(o.stored), s(o.storedMs), num(o.linesPerSec), times(ratio(o.linesPerSec, floor?.rowsPerSec)), s(o.searchableMs !== null && o.storedMs !== null ? o.searchableMs - o.storedMs : null), triesCell(o.tries?.map((t) => ({ rate: t.linesPerSec, otherCores: t.otherCores })))]);
  }
  if (r.soak) rows.push([`hub: POST /api/logs/ingest sustained ${r.soak.durationS} s (soak)`, null, s(r.soak.durationS * 1000, 0), num(r.soak.linesPerSec), times(ratio(r.soak.linesPerSec, floor?.rowsPerSec)), `${num(r.soak.ftsBacklogAtEnd)} behind at end`, null]);
  if (rows.length > 0) printTable('Ingest: the same rows stored directly (floor) and through the hub ("vs floor": against the faster of the first two rows)', ['path', 'lines', 'time', 'lines/s', 'vs floor', 'then searchable after', 'tries: lines/s @cores used by other processes'], rows);

  const cpuRows: Cell[][] = [];
  if (floor) cpuRows.push(['floor (in process, until searchable)', pct(floor.searchableCpuMs, floor.searchableMs), null, null, null, num((floor.searchableCpuMs * 1000) / floor.rows, 1), null, null]);
  cpuRows.push(...[r.http, r.otlp].filter((b): b is BulkResult => b !== null).map((b) => [
    b.path === 'http' ? 'HTTP bulk' : 'OTLP JSON',
    pct(b.hubCpuMs, b.elapsedMs),
    pct(b.hubMainCpuMs, b.elapsedMs),
    pct(b.hubCpuMs !== null && b.hubMainCpuMs !== null ? b.hubCpuMs - b.hubMainCpuMs : null, b.elapsedMs),
    pct(b.loadgenCpuMs, b.elapsedMs),
    num(b.hubCpuMs !== null ? (b.hubCpuMs * 1000) / b.acked : null, 1),
    num(b.hubMainCpuMs !== null ? (b.hubMainCpuMs * 1000) / b.acked : null, 1),
    num(b.bodyBytes / b.rows, 0),
  ]));
  if (cpuRows.length > 0) {
    printTable('CPU during bulk ingest (% of one core over the run; 2 cores in all)', ['path', 'hub (floor: process), all threads', 'hub main thread', 'hub other threads (full-text worker, GC)', 'load generator', 'hub µs/line', 'main µs/line', 'body bytes/line'], cpuRows);
  }

  if (r.stdout) {
    const o = r.stdout;
    printTable('Service stdout capture (a supervised service prints the rows as JSON lines)', ['lines', 'writer loop', 'all stored after', 'all searchable after', 'lines/s (stored)', 'stored', 'lost', 'duplicated'], [
      [num(o.lines), s(o.writerLoopMs), s(o.storedMs), s(o.searchableMs), num(o.linesPerSec), num(o.stored), num(o.lost), num(o.duplicated)],
    ]);
  }

  if (r.soak) {
    const k = r.soak;
    printTable(`Hub memory during ${k.durationS} s of sustained HTTP ingest (RSS, MB; store limited to logs.max_size ${num(k.maxBytes / 1e9, 2)} GB)`, ['idle before', `after ${k.refS.toFixed(0)} s`, 'max', 'end', `end / ${k.refS.toFixed(0)} s`, 'lines/s', 'store limit reached at', 'largest store / limit', 'statuses'], [
      [num(k.idleMb), num(k.refMb), num(k.maxMb), num(k.endMb), times(ratio(k.endMb, k.refMb)), num(k.linesPerSec), k.limitReachedAtS === null ? 'never' : `${k.limitReachedAtS.toFixed(0)} s`, times(ratio(k.maxStoreBytes, k.maxBytes)), Object.entries(k.statuses).map(([st, n]) => `${st}×${n}`).join(' ')],
    ]);
    const step = Math.max(1, Math.round(10 / (k.samples[1] ? k.samples[1].t - k.samples[0]!.t : 10)));
    const picked = k.samples.filter((_, i) => i % step === 0 || i === k.samples.length - 1);
    printTable('  RSS over the soak', ['t', 'RSS MB', 'acknowledged', 'full-text behind', 'rows stored', 'store GB'], picked.map((p) => [`${p.t.toFixed(0)} s`, num(p.rssMb), num(p.acked), num(p.lastId - p.searchableUpTo), num(p.rows), num(p.bytes / 1e9, 2)]));
  }

  for (const q of r.queries) printQueries(q);

  const bg = Object.entries(r.background);
  if (bg.length > 0) {
    printTable('Machine load during each part (cores busy on average; 2 cores in all)', ['part', 'wall', 'this run', 'other processes', 'others just before'], bg.map(([part, b]) => [part, s(b.wallMs, 0), num(b.ourCores, 2), num(b.otherCores, 2), num(b.otherBefore, 2)]));
  }

  const builds = r.queries.map((q) => [num(q.store.rows), num(q.store.appendRowsPerSec), s(q.store.wallToSearchableMs, 1), `${(q.store.storeBytes / 1e9).toFixed(2)} GB`, num(q.store.probes.commonRows), num(q.store.probes.rareRows)]);
  if (builds.length > 0) printTable('Query stores (built with SqliteLogRepo.append)', ['rows', 'append rows/s', 'until searchable', 'size (logs.db + logs-fts.db)', `rows with the common word`, 'rows with the rare word'], builds);
}

function printQueries(q: QuerySuiteResult): void {
  const judged = q.store.rows >= targets.queryTargetRows;
  const rows: Cell[][] = q.queries.map((x) => {
    const limit = x.kind === 'full-text' ? targets.fullTextP95Ms : targets.filteredP95Ms;
    return [x.name, x.kind, num(x.found), ms(x.repoP50, 2), ms(x.repoP95, 2), ms(x.repoCountP95, 2), ms(x.httpP50, 2), ms(x.httpP95, 2), `< ${limit}`, judged ? (x.httpP95 !== null && x.httpP95 < limit ? 'ok' : 'SLOW') : '(not judged)'];
  });
  for (const e of [q.repoExport, q.httpExport]) {
    if (e) rows.push([`export: ${e.what}`, 'export', num(e.rows), null, null, null, null, `${s(e.ms)}, ${num(e.rowsPerSec)} rows/s`, `≥ ${num(targets.exportRowsPerSec)} rows/s`, e.rowsPerSec >= targets.exportRowsPerSec ? 'ok' : 'SLOW']);
  }
  printTable(`Queries on ${num(q.store.rows)} rows (ms; p50/p95 of ${q.repeats} runs after a warm-up; "store" = SqliteLogRepo in process, "count" = the capped total GET /api/logs adds)`, ['query', 'kind', 'found', 'store p50', 'store p95', 'count p95', 'HTTP p50', 'HTTP p95', 'target p95', ''], rows);
  for (const p of q.problems) process.stdout.write(`  problem: ${p}\n`);
}

/** Checks the targets. */
export function checkTargets(r: LogsResults): Verdict[] {
  const v: Verdict[] = [];
  const verdict = (ok: boolean | null): Verdict['result'] => (ok === null ? 'n/a' : ok ? 'PASS' : 'FAIL');
  const rates = [r.http?.linesPerSec, r.soak?.linesPerSec].filter((x): x is number => x !== undefined);
  v.push({
    target: `HTTP bulk ingest ≥ ${num(targets.ingestLinesPerSec)} lines/s sustained (1M-line run and soak)`,
    measured: [r.http && `${num(r.http.linesPerSec)} (run)`, r.soak && `${num(r.soak.linesPerSec)} (soak)`].filter(Boolean).join(', ') || '—',
    result: verdict(rates.length === 0 ? null : rates.every((x) => x >= targets.ingestLinesPerSec)),
  });
  // Two readings of "≥ 80 % of the floor". The issue's floor is raw better-sqlite3 with the same
  // table, indexes and full-text filled in one transaction: like for like, the hub is compared
  // with it and with the store's own path until the rows are searchable. The stricter reading
  // compares the hub's acknowledged rate with SqliteLogRepo.append's rate while its full-text
  // index is still catching up on the other core (work the hub must also fit on the same 2
  // cores); it is judged as well, so that gap stays in view.
  const ofFloor = ratio(r.http?.linesPerSec, r.floor?.rowsPerSec);
  const floorName = r.floor ? (r.floor.rowsPerSec === r.floor.appendRowsPerSec ? 'SqliteLogRepo.append' : 'raw better-sqlite3') : '';
  let likeForLike: { raw: number; searchable: number; hubSearchable: number; floorSearchable: number } | null = null;
  if (r.http && r.floor && r.http.ftsLagMs !== null) {
    const hubSearchable = r.http.acked / ((r.http.elapsedMs + r.http.ftsLagMs) / 1000);
    const floorSearchable = Math.max(r.floor.searchableRowsPerSec, r.floor.raw.rowsPerSec);
    likeForLike = { raw: r.http.linesPerSec / r.floor.raw.rowsPerSec, searchable: hubSearchable / floorSearchable, hubSearchable, floorSearchable };
  }
  v.push({
    target: `HTTP bulk ingest ≥ ${targets.ingestOfFloor * 100}% of the raw floor (same table, indexes and full-text) and of the store's own path, until searchable`,
    measured: likeForLike
      ? `${Math.round(likeForLike.raw * 100)}% of the raw better-sqlite3 + full-text floor; until searchable ${Math.round(likeForLike.searchable * 100)}% (${num(likeForLike.hubSearchable)} vs ${num(likeForLike.floorSearchable)})`
      : '—',
    result: verdict(likeForLike === null ? null : likeForLike.raw >= targets.ingestOfFloor && likeForLike.searchable >= targets.ingestOfFloor),
  });
  v.push({
    target: `stricter: HTTP acknowledged ≥ ${targets.ingestOfFloor * 100}% of the store's append rate (its full-text still catching up)`,
    measured: ofFloor === null ? '—' : `${Math.round(ofFloor * 100)}% of ${num(r.floor!.rowsPerSec)} (${floorName}, appended)`,
    result: verdict(ofFloor === null ? null : ofFloor >= targets.ingestOfFloor),
  });

  const biggest = r.queries.at(-1);
  const onTarget = biggest && biggest.store.rows >= targets.queryTargetRows ? biggest : undefined;
  for (const kind of ['filtered', 'full-text'] as const) {
    const limit = kind === 'filtered' ? targets.filteredP95Ms : targets.fullTextP95Ms;
    const qs = onTarget?.queries.filter((q) => q.kind === kind && q.httpP95 !== null) ?? [];
    const worst = qs.reduce<(typeof qs)[number] | undefined>((w, q) => (!w || q.httpP95! > w.httpP95! ? q : w), undefined);
    v.push({
      target: `${kind} queries p95 < ${limit} ms on ${num(targets.queryTargetRows)} rows (HTTP)`,
      measured: worst ? `worst ${worst.httpP95!.toFixed(1)} ms (${worst.name}); ${qs.filter((q) => q.httpP95! >= limit).length}/${qs.length} over` : biggest ? `not run on ${num(targets.queryTargetRows)} rows (largest ${num(biggest.store.rows)})` : '—',
      result: verdict(worst ? qs.every((q) => q.httpP95! < limit) : null),
    });
  }
  const exports = r.queries.map((q) => q.httpExport).filter((e) => e !== null);
  v.push({
    target: `CSV export ≥ ${num(targets.exportRowsPerSec)} rows/s`,
    measured: exports.map((e) => `${num(e.rowsPerSec)} (${num(e.rows)} rows)`).join(', ') || '—',
    result: verdict(exports.length === 0 ? null : exports.every((e) => e.rowsPerSec >= targets.exportRowsPerSec)),
  });
  v.push({
    target: 'stdout capture loses nothing (and repeats nothing)',
    measured: r.stdout ? `${num(r.stdout.lost)} lost, ${num(r.stdout.duplicated)} duplicated of ${num(r.stdout.lines)}${r.stdout.tries && r.stdout.tries.length > 1 ? ` (every try: ${r.stdout.tries.map((t) => `${t.lost}/${t.duplicated}`).join(', ')})` : ''}` : '—',
    result: verdict(r.stdout ? (r.stdout.tries ?? [r.stdout]).every((t) => t.lost === 0 && t.duplicated === 0) : null),
  });
  v.push({
    target: `store within logs.max_size under sustained ingest (largest ≤ ${targets.sizeFactor}× the limit, soak)`,
    measured: r.soak ? (r.soak.limitReachedAtS === null ? `limit ${num(r.soak.maxBytes / 1e9, 2)} GB never reached` : `largest ${num(r.soak.maxStoreBytes / 1e9, 2)} GB of ${num(r.soak.maxBytes / 1e9, 2)} GB (reached at ${r.soak.limitReachedAtS.toFixed(0)} s of ${r.soak.durationS})`) : '—',
    result: verdict(r.soak && r.soak.limitReachedAtS !== null ? r.soak.maxStoreBytes <= targets.sizeFactor * r.soak.maxBytes : null),
  });
  v.push({
    target: `hub memory flat during the soak (end ≤ ${targets.flatFactor}× RSS after 20 s)`,
    measured: r.soak ? `${num(r.soak.refMb)} MB after ${r.soak.refS.toFixed(0)} s → ${num(r.soak.endMb)} MB at the end (max ${num(r.soak.maxMb)}) over ${r.soak.durationS} s` : '—',
    result: verdict(r.soak ? r.soak.flat : null),
  });
  return v;
}

/** Prints the verdicts, then what was skipped and what failed. */
export function printVerdicts(r: LogsResults, verdicts: Verdict[]): void {
  printTable('Targets', ['target', 'measured', 'result'], verdicts.map((x) => [x.target, x.measured, x.result]));
  const noisy = Object.entries(r.background).filter(([, b]) => b.otherCores > noisyCores);
  if (noisy.length > 0) {
    process.stdout.write(`\nnoise: other processes on this machine kept ${noisy.map(([part, b]) => `${b.otherCores.toFixed(2)} cores busy during ${part}`).join(', ')} (of ${coreCount}): those parts' figures are lower than this machine can do alone.\n`);
  }
  for (const sk of r.skipped) process.stdout.write(`skipped: ${sk}\n`);
  for (const e of r.errors) process.stdout.write(`ERROR: ${e}\n`);
}
