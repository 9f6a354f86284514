/**
 * The floor: the same rows stored with no hub in between. First through the store's own code
 * path (SqliteLogRepo.append in batches, in this process), timed until appended and until the
 * full-text worker has caught up; then the raw floor of the issue: bare better-sqlite3 with
 * prepared statements and large transactions into the same `logs` table and indexes and the
 * same full-text slice tables (filled in the same transaction), without the store's chunk,
 * Bloom filter and count bookkeeping; and once more without the full-text index, to show
 * what it costs. The hub is judged against the faster of the first two. Also builds the large
 * query stores with SqliteLogRepo, generating rows batch by batch (untimed).
 */
import Database from 'better-sqlite3';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { now } from '../lib/clock.js';
import { bestUndisturbed, quietWaitMs } from './cpu.js';
import type { Log } from './model.js';
import { RowGenerator, toNewEntry, type Probes, type RowSpec } from './rows.js';
import { logSchema, openLogStore, type LogSchema, type StoreEntry } from './store.js';

/** Floor figures. */
export interface FloorResult {
  rows: number;
  batch: number;
  /** SqliteLogRepo.append, all batches. */
  appendMs: number;
  appendRowsPerSec: number;
  /** From the first append until full-text search covers every row. */
  searchableMs: number;
  searchableRowsPerSec: number;
  /** CPU of this process, all threads (main and full-text worker), until appended and until searchable. */
  appendCpuMs: number;
  searchableCpuMs: number;
  /** The raw floor: bare better-sqlite3 inserts, same table, indexes and full-text slices, no bookkeeping. */
  raw: RawResult;
  /** The same without the full-text index (what the index costs). */
  rawNoFts: RawResult;
  /** The floor the hub is judged against: the faster of SqliteLogRepo.append and the raw floor. */
  rowsPerSec: number;
  storeBytes: number;
  /** Every try (the figures above are the chosen one's: the best undisturbed try, else the least disturbed), with the cores other processes used meanwhile. */
  tries: { rowsPerSec: number; otherCores: number }[];
}

/** One bare better-sqlite3 variant. */
export interface RawResult {
  /** Rows per transaction. */
  batch: number;
  ms: number;
  rowsPerSec: number;
  tries: { rowsPerSec: number; otherCores: number }[];
}


/** A store built for the queries. */
export interface BuiltStore {
  rows: number;
  dataDir: string;
  probes: Probes;
  /** Newest timestamp of the generated rows. */
  endTs: number;
  /** Sum of append calls only (generation excluded). */
  appendMs: number;
  appendRowsPerSec: number;
  /** Wall time from the first append until searchable (generation included). */
  wallToSearchableMs: number;
  storeBytes: number;
}

/**
 * Stores `spec`'s rows in a fresh store in `dataDir` with SqliteLogRepo (the store is kept: it
 * is the first query store), then in `bareDir` with bare inserts, with and without the
 * full-text index (deleted after each try).
 */
export async function measureFloor(app: string, spec: RowSpec, batch: number, dataDir: string, bareDir: string, tries: number, log: Log): Promise<{ floor: FloorResult; store: BuiltStore }> {
  // Generated and converted before the clock starts: the floor times storing, not making rows.
  const gen = new RowGenerator(spec);
  const batches: StoreEntry[][] = [];
  for (let rows = gen.next(batch); rows.length > 0; rows = gen.next(batch)) batches.push(rows.map(toNewEntry));
  log(`floor: ${spec.total.toLocaleString('en-US')} rows generated, appending in batches of ${batch}`);

  const repoRuns = await bestUndisturbed(tries, quietWaitMs, (attempt) => appendAll(app, `${dataDir}-try${attempt}`, batches, log), (r) => -r.appendMs);
  // The chosen try's store becomes the first query store; the others go.
  for (const t of repoRuns.all) if (t !== repoRuns.chosen) rmSync(t.value.dir, { recursive: true, force: true });
  renameSync(repoRuns.chosen.value.dir, dataDir);
  const schema = await logSchema(app);
  const raw = async (fts: boolean): Promise<RawResult> => {
    const runs = await bestUndisturbed(tries, quietWaitMs, async () => {
      const ms = bareInsert(schema, bareDir, batches, fts);
      rmSync(bareDir, { recursive: true, force: true });
      log(`floor: bare better-sqlite3${fts ? ' with full-text' : ', no full-text'}: ${Math.round(spec.total / (ms / 1000)).toLocaleString('en-US')} rows/s`);
      return ms;
    }, (ms) => -ms);
    const ms = runs.chosen.value;
    return { batch, ms, rowsPerSec: spec.total / (ms / 1000), tries: runs.all.map((t) => ({ rowsPerSec: spec.total / (t.value / 1000), otherCores: t.otherCores })) };
  };
  const rawFts = await raw(true);
  const rawNoFts = await raw(false);

  const { appendMs, searchableMs, appendCpuMs, searchableCpuMs, storeBytes } = repoRuns.chosen.value;
  const appendRowsPerSec = spec.total / (appendMs / 1000);
  const floor: FloorResult = {
    rows: spec.total,
    batch,
    appendMs,
    appendRowsPerSec,
    searchableMs,
    searchableRowsPerSec: spec.total / (searchableMs / 1000),
    appendCpuMs,
    searchableCpuMs,
    raw: rawFts,
    rawNoFts,
    rowsPerSec: Math.max(appendRowsPerSec, rawFts.rowsPerSec),
    storeBytes,
    tries: repoRuns.all.map((t) => ({ rowsPerSec: spec.total / (t.value.appendMs / 1000), otherCores: t.otherCores })),
  };
  const built: BuiltStore = { rows: spec.total, dataDir, probes: gen.probes, endTs: spec.endTs, appendMs, appendRowsPerSec: floor.appendRowsPerSec, wallToSearchableMs: searchableMs, storeBytes };
  return { floor, store: built };
}

/** One floor try: every batch appended to a fresh store in `dir`, timed until appended and until searchable. */
async function appendAll(app: string, dir: string, batches: StoreEntry[][], log: Log): Promise<{ dir: string; appendMs: number; searchableMs: number; appendCpuMs: number; searchableCpuMs: number; storeBytes: number }> {
  const rows = batches.reduce((n, b) => n + b.length, 0);
  mkdirSync(dir, { recursive: true });
  const store = await openLogStore(app, dir);
  const cpu0 = process.cpuUsage();
  const t0 = now();
  for (const b of batches) {
    await store.append(b);
    // A turn of the event loop between batches, as the hub's write queue takes: the full-text
    // worker's progress messages get through (the appends alone only ever await settled promises).
    await yieldTurn();
  }
  const appendMs = now() - t0;
  const appendCpuMs = cpuSince(cpu0);
  await store.waitSearchable(30 * 60_000);
  const searchableMs = now() - t0;
  const searchableCpuMs = cpuSince(cpu0);
  const storeBytes = (await store.stats()).bytes;
  await store.close();
  log(`floor: appended at ${Math.round(rows / (appendMs / 1000)).toLocaleString('en-US')} rows/s, searchable after ${(searchableMs / 1000).toFixed(1)} s`);
  return { dir, appendMs, searchableMs, appendCpuMs, searchableCpuMs, storeBytes };
}

/** CPU time of this process (all threads) since `start`, ms. */
function cpuSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

/** One turn of the event loop. */
function yieldTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Inserts `batches` into a fresh logs.db with the store's schema and pragmas, one transaction
 * per batch; with `fts`, each row also goes into its full-text slice table in logs-fts.db
 * (attached, so in the same transaction). Returns ms.
 */
function bareInsert(schema: LogSchema, dir: string, batches: StoreEntry[][], fts: boolean): number {
  mkdirSync(dir, { recursive: true });
  const db = new Database(join(dir, 'logs.db'));
  // The store's pragmas (src/store/sqlite/logs/repo.ts openDb, fts-worker.ts).
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -65536');
  for (const sql of schema.migrations) db.exec(sql);
  const insert = db.prepare('INSERT INTO logs (id, ts, service, level, message, context, trace_id, user_id, hostname, process_id, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const ftsInserts = new Map<string, Database.Statement>();
  if (fts) {
    db.prepare('ATTACH DATABASE ? AS fts').run(join(dir, 'logs-fts.db'));
    db.pragma('fts.journal_mode = WAL');
    db.pragma('fts.synchronous = NORMAL');
  }
  const ftsInsert = (id: number): Database.Statement => {
    const table = schema.ftsTableFor(id);
    let stmt = ftsInserts.get(table);
    if (!stmt) {
      db.exec(schema.ftsSliceDdl(`fts.${table}`));
      stmt = db.prepare(`INSERT INTO fts.${table} (rowid, message, context) VALUES (?, ?, ?)`);
      ftsInserts.set(table, stmt);
    }
    return stmt;
  };
  let id = 0;
  const tx = db.transaction((entries: StoreEntry[]) => {
    for (const e of entries) {
      insert.run(++id, e.ts, e.service, e.level, e.message, e.context, e.trace_id, e.user_id, e.hostname, e.process_id, e.source);
      if (fts) ftsInsert(id).run(id, e.message, e.context);
    }
  });
  const t0 = now();
  for (const b of batches) tx(b);
  const ms = now() - t0;
  db.close();
  return ms;
}

/** Builds a query store of `spec.total` rows with SqliteLogRepo, generating batch by batch; waits until searchable. */
export async function buildStore(app: string, spec: RowSpec, batch: number, dataDir: string, log: Log): Promise<BuiltStore> {
  mkdirSync(dataDir, { recursive: true });
  const gen = new RowGenerator(spec);
  const store = await openLogStore(app, dataDir);
  let appendMs = 0;
  const t0 = now();
  let nextReport = spec.total / 10;
  for (let rows = gen.next(batch); rows.length > 0; rows = gen.next(batch)) {
    const entries = rows.map(toNewEntry);
    const t = now();
    await store.append(entries);
    appendMs += now() - t;
    await yieldTurn();
    if (gen.generated >= nextReport) {
      log(`building ${spec.total.toLocaleString('en-US')}-row store: ${gen.generated.toLocaleString('en-US')} rows, full-text at ${(await store.searchableUpTo()).toLocaleString('en-US')}`);
      nextReport += spec.total / 10;
    }
  }
  await store.waitSearchable(60 * 60_000);
  const wallToSearchableMs = now() - t0;
  const storeBytes = (await store.stats()).bytes;
  await store.close();
  log(`built ${spec.total.toLocaleString('en-US')}-row store: appends ${Math.round(spec.total / (appendMs / 1000)).toLocaleString('en-US')} rows/s, searchable after ${(wallToSearchableMs / 1000).toFixed(0)} s, ${(storeBytes / 1e9).toFixed(2)} GB`);
  return { rows: spec.total, dataDir, probes: gen.probes, endTs: spec.endTs, appendMs, appendRowsPerSec: spec.total / (appendMs / 1000), wallToSearchableMs, storeBytes };
}
