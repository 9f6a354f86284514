/**
 * Queries on a built store: each case run directly on the store (SqliteLogRepo in this process)
 * and through the API of a hub started on the same data directory; p50 and p95 over repeated
 * runs after a warm-up, rotating over services, hours and trace ids where the case allows. Then
 * a streamed export, counted row by row.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { now } from '../lib/clock.js';
import { percentile } from '../lib/stats.js';
import type { BuiltStore } from './floor.js';
import { Hub } from './hub.js';
import type { ExportResult, Log, QueryResult, QuerySuiteResult, RunContext } from './model.js';
import { services } from './rows.js';
import { openLogStore, type LogStore, type StoreFilter } from './store.js';

const hour = 3_600_000;

/** One query case: the store call and the equivalent API path, for rotation step `i`. */
interface QueryCase {
  name: string;
  kind: 'filtered' | 'full-text';
  repo: (store: LogStore, i: number) => Promise<number>;
  /** The filter the API also counts (GET /api/logs answers a total alongside the page); none for counts. */
  countFilter?: (i: number) => StoreFilter;
  http: (i: number) => string;
}

const levelParam = (code: number): string => ['', 'DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'][code]!;

/** The API query string of a filter (GET /api/logs). */
function logsPath(f: StoreFilter, limit: number, offset = 0): string {
  const p = new URLSearchParams();
  if (f.service) p.set('service', f.service);
  if (f.level) p.set('level', levelParam(f.level));
  if (f.since !== undefined) p.set('start_time', new Date(f.since).toISOString());
  if (f.until !== undefined) p.set('end_time', new Date(f.until).toISOString());
  if (f.traceId) p.set('trace_id', f.traceId);
  if (f.q) p.set('q', f.q);
  if (f.beforeId) p.set('before_id', String(f.beforeId));
  p.set('limit', String(limit));
  if (offset) p.set('offset', String(offset));
  return `/api/logs?${p.toString()}`;
}

/** The cases for `store`; `beforeIds[s]` is the id the keyset page of service s starts below. */
function cases(store: BuiltStore, beforeIds: Map<string, number>): QueryCase[] {
  const svc = (i: number): string => services[i % services.length]!;
  const trace = (i: number): string => store.probes.traceIds[i % store.probes.traceIds.length]!;
  // Hours 2–13 before the newest row: complete hours, well inside the data.
  const errorHour = (i: number): StoreFilter => ({ service: svc(i), level: 4, since: store.endTs - (2 + (i % 12)) * hour, until: store.endTs - (1 + (i % 12)) * hour });
  const filtered = (name: string, filter: (i: number) => StoreFilter, limit = 100, offset = 0): QueryCase => ({
    name,
    kind: filter(0).q ? 'full-text' : 'filtered',
    repo: async (s, i) => (await s.query(filter(i), limit, offset)).length,
    countFilter: filter,
    http: (i) => logsPath(filter(i), limit, offset),
  });
  return [
    filtered('latest 100 of one service', (i) => ({ service: svc(i) })),
    filtered('ERROR of one service in one hour', errorHour),
    filtered('by trace id', (i) => ({ traceId: trace(i) })),
    filtered('deep page: offset 10,000 (one service)', (i) => ({ service: svc(i) }), 100, 10_000),
    filtered('keyset page: before_id, same rows', (i) => ({ service: svc(i), beforeId: beforeIds.get(svc(i))! })),
    filtered(`full-text: rare word "${store.probes.rareWord}"`, () => ({ q: store.probes.rareWord })),
    filtered(`full-text: common word "${store.probes.commonWord}", newest 100`, () => ({ q: store.probes.commonWord })),
    {
      name: 'counts by level per service, last hour',
      kind: 'filtered',
      repo: async (s) => (await s.levelCounts(Date.now() - hour, Date.now())).length,
      http: () => '/api/logs/counts?window=1h',
    },
    {
      name: 'counts by level per service, last 24 h',
      kind: 'filtered',
      repo: async (s) => (await s.levelCounts(Date.now() - 24 * hour, Date.now())).length,
      http: () => '/api/logs/counts?window=24h',
    },
  ];
}

/** Runs `fn(i)` `warmup` times untimed, then `repeats` times timed; returns the times in ms. */
async function timed(repeats: number, warmup: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const ms: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = now();
    await fn(i);
    ms.push(now() - t0);
  }
  return ms;
}

/** The export measured on `store`: all rows up to 1M, one service's rows beyond. */
function exportFilter(store: BuiltStore): { what: string; filter: StoreFilter; query: string } {
  if (store.rows <= 1_000_000) return { what: 'all rows', filter: {}, query: 'format=csv' };
  return { what: `service ${services[0]}`, filter: { service: services[0] }, query: `format=csv&service=${services[0]}` };
}

/** Every query case on `store`, directly and through a hub; then the exports. */
export async function measureQueries(ctx: RunContext, store: BuiltStore, opts: { repeats: number; warmup: number }, log: Log): Promise<QuerySuiteResult> {
  const problems: string[] = [];
  const results = new Map<string, QueryResult>();
  const exp = exportFilter(store);
  const beforeIds = new Map<string, number>();
  let expectedExportRows = 0;
  let repoExport: ExportResult | null = null;

  // Directly on the store.
  const repoStore = await openLogStore(ctx.app, store.dataDir);
  try {
    // The store learns how far the full-text index reaches from its worker's first message, which
    // needs a turn of the event loop; until then a search sees only the first slice (2^20 ids).
    await repoStore.waitSearchable(60_000);
    for (const s of services) {
      const [row] = await repoStore.query({ service: s }, 1, 9_999);
      if (row) beforeIds.set(s, row.id);
    }
    const list = cases(store, beforeIds);
    for (const c of list) {
      const found = await c.repo(repoStore, 0);
      const ms = await timed(opts.repeats, opts.warmup, (i) => c.repo(repoStore, i));
      const countMs = c.countFilter ? await timed(opts.repeats, 2, (i) => repoStore.count(c.countFilter!(i), 10_000)) : [];
      results.set(c.name, { name: c.name, kind: c.kind, found, repoP50: percentile(ms, 50), repoP95: percentile(ms, 95), repoCountP95: percentile(countMs, 95), httpP50: null, httpP95: null });
      log(`${store.rows.toLocaleString('en-US')} rows, store: ${c.name}: p50 ${percentile(ms, 50)!.toFixed(2)} ms, p95 ${percentile(ms, 95)!.toFixed(2)} ms${countMs.length ? `, count p95 ${percentile(countMs, 95)!.toFixed(2)} ms` : ''} (${found} found)`);
    }
    // The keyset page must hold exactly the rows of the offset page.
    if (beforeIds.size < services.length) problems.push(`some services have fewer than 10,000 rows: the offset and before_id pages are not deep pages here`);
    else {
      const offsetIds = (await repoStore.query({ service: services[0] }, 100, 10_000)).map((r) => r.id).join();
      const keysetIds = (await repoStore.query({ service: services[0], beforeId: beforeIds.get(services[0]) }, 100, 0)).map((r) => r.id).join();
      if (offsetIds !== keysetIds) problems.push('the before_id page differs from the offset 10,000 page');
    }
    const rare = results.get(list[5]!.name)!;
    if (rare.found !== store.probes.rareRows) problems.push(`the rare word was found in ${rare.found} rows, ${store.probes.rareRows} were planted`);
    expectedExportRows = (await repoStore.count(exp.filter, 1e12)).total;
    const t0 = now();
    let rows = 0;
    for await (const page of repoStore.scan(exp.filter, 5000)) rows += page.length;
    const ms = now() - t0;
    repoExport = { what: `${exp.what} (LogRepo.scan, pages of 5,000)`, rows, bytes: 0, ms, rowsPerSec: rows / (ms / 1000) };
    log(`${store.rows.toLocaleString('en-US')} rows, store: scan of ${exp.what}: ${rows.toLocaleString('en-US')} rows at ${Math.round(repoExport.rowsPerSec).toLocaleString('en-US')} rows/s`);
  } finally {
    await repoStore.close();
  }

  // Through a hub on the same data directory.
  const phase = `queries-${store.rows}`;
  const dir = join(ctx.logDir, phase);
  mkdirSync(dir, { recursive: true });
  // A size limit above the store's size: the default (5 GB) would have retention delete rows under the queries.
  const hub = await Hub.start(ctx.children, { app: ctx.app, dir, dataDir: store.dataDir, env: ctx.env, config: { system: { log_level: 'warn' }, logs: { max_size: '1000GB' } }, profileDir: ctx.profileDir(phase) });
  let httpExport: ExportResult | null = null;
  try {
    const stats = await hub.stats();
    if (stats.last_id !== store.rows || stats.searchable_up_to < stats.last_id) problems.push(`the hub sees ${stats.last_id} rows, ${stats.searchable_up_to} searchable; ${store.rows} were stored`);
    for (const c of cases(store, beforeIds)) {
      const ms = await timed(opts.repeats, opts.warmup, async (i) => {
        const a = await Promise.race([hub.api.get(c.http(i)), hub.failed]);
        if (a.status !== 200) throw new Error(`GET ${c.http(i)}: HTTP ${a.status} ${a.body.slice(0, 300)}`);
      });
      const r = results.get(c.name)!;
      r.httpP50 = percentile(ms, 50);
      r.httpP95 = percentile(ms, 95);
      log(`${store.rows.toLocaleString('en-US')} rows, HTTP: ${c.name}: p50 ${r.httpP50!.toFixed(2)} ms, p95 ${r.httpP95!.toFixed(2)} ms`);
    }
    let newlines = 0;
    const r = await Promise.race([
      hub.api.stream(`/api/logs/export?${exp.query}`, (chunk) => {
        for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) newlines += 1;
      }),
      hub.failed,
    ]);
    if (r.status !== 200) throw new Error(`GET /api/logs/export?${exp.query}: HTTP ${r.status}`);
    // One line per row (generated messages hold no newline) after the header.
    const rows = newlines - 1;
    if (rows !== expectedExportRows) problems.push(`the CSV export held ${rows} rows, ${expectedExportRows} match`);
    httpExport = { what: `${exp.what} (GET /api/logs/export?format=csv)`, rows, bytes: r.bytes, ms: r.ms, rowsPerSec: rows / (r.ms / 1000) };
    log(`${store.rows.toLocaleString('en-US')} rows, HTTP: CSV export of ${exp.what}: ${rows.toLocaleString('en-US')} rows, ${(r.bytes / 1e6).toFixed(0)} MB at ${Math.round(httpExport.rowsPerSec).toLocaleString('en-US')} rows/s`);
  } finally {
    await hub.stop();
  }
  return { store, repeats: opts.repeats, queries: [...results.values()], repoExport, httpExport, problems };
}
