/**
 * The benchmark's log rows: deterministic (seeded), so the floor, the HTTP and OTLP bodies and
 * the stdout writer all get exactly the same rows without keeping them in memory. Messages are
 * ~120 characters of words (Zipf-distributed over a fixed word list) with numbers and ids; 20
 * services, 5 levels (mostly INFO), a context {user, route, ms}, 16-hex trace ids shared by the
 * few lines of one request, user ids on about a third of the rows, and timestamps rising
 * through the 24 hours before `endTs`, as a live system writes them.
 */

/** One generated row in the store's terms: level code 1 (DEBUG) … 5 (CRITICAL), times in epoch ms. */
export interface Row {
  /** Position in the generated sequence, 1-based (the stdout writer sends it along, to count losses). */
  seq: number;
  ts: number;
  service: string;
  level: number;
  message: string;
  context: { user: string; route: string; ms: number };
  trace_id: string | null;
  user_id: string | null;
}

/** What a generated set is: enough to generate the same rows again. */
export interface RowSpec {
  total: number;
  seed: number;
  /** Newest timestamp; the oldest is `spanMs` earlier. */
  endTs: number;
  spanMs: number;
}

/** Values the queries look for, gathered while generating. */
export interface Probes {
  /** A word that occurs in no row except the few planted ones. */
  rareWord: string;
  rareRows: number;
  /** A frequent word of the word list, and how many rows contain it. */
  commonWord: string;
  commonRows: number;
  /** Trace ids of rows spread evenly over the set (each shared by 1–6 rows). */
  traceIds: string[];
}

/** The 20 services. */
export const services = [
  'api-gateway', 'auth', 'billing', 'catalog', 'checkout', 'email', 'inventory', 'notifications', 'orders', 'payments',
  'search', 'shipping', 'users', 'web', 'worker', 'scheduler', 'reports', 'media', 'recommendations', 'audit',
] as const;

/** Level codes and their share of rows: mostly INFO, few errors, as in production logs. */
const levelShares: [number, number][] = [[1, 0.15], [2, 0.65], [3, 0.12], [4, 0.07], [5, 0.01]];

const routes = ['/api/orders/:id', '/api/orders', '/api/cart', '/api/users/:id', '/api/login', '/api/search', '/api/products/:id', '/api/checkout', '/health', '/api/invoices/:id', '/api/shipments', '/api/reports/daily'];

/** The word list, most frequent first (word k is drawn with weight 1/(k+1)). */
const words = (
  'request completed user order the for with from to in failed retry cache miss hit database query slow timeout connection ' +
  'session token refresh expired payment invoice customer account created updated deleted processing queue job worker ' +
  'upstream downstream gateway latency response status handler started finished pending scheduled batch item items ' +
  'product catalog inventory stock reserved released shipment carrier label tracking email sent delivered bounced ' +
  'notification push webhook received signature verified invalid missing field value config loaded reload feature ' +
  'flag enabled disabled rate limit exceeded throttled backoff attempt attempts lock acquired contention deadlock ' +
  'transaction commit rollback index scan rows returned bytes written read file upload download image resized ' +
  'thumbnail search results page cursor offset sort filter applied report generated export import sync partial ' +
  'complete incomplete warning error critical unexpected null reference parse json payload schema validation ' +
  'passed rejected authorized unauthorized forbidden login logout password reset mfa code challenge audit entry ' +
  'record migration applied version deploy rollout canary healthy unhealthy probe memory heap cpu threshold alert ' +
  'triggered resolved acknowledged escalated pager shard replica primary failover elected leader follower heartbeat ' +
  'lag offset consumer producer topic partition message published subscribed channel closed opened socket tls ' +
  'handshake certificate renewed dns lookup resolved address pool exhausted spawned exited signal graceful shutdown'
).split(' ');

/** Cumulative Zipf weights over `words`, for drawing by binary search. */
const zipf = (() => {
  const cum = new Float64Array(words.length);
  let sum = 0;
  for (let k = 0; k < words.length; k++) cum[k] = sum += 1 / (k + 1);
  for (let k = 0; k < words.length; k++) cum[k]! /= sum;
  return cum;
})();

/** The word the "common word" search looks for: frequent, yet not in every row. */
export const commonWord = words[12]!; // "cache": in ~15% of the rows
/** The planted word: not in the word list, so only the planted rows hold it. */
export const rareWord = 'quetzalcoatl';
const plantedRows = 5;

/** mulberry32: a small, fast, seeded 32-bit generator; returns floats in [0, 1). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Generates the rows of `spec` in order, a batch at a time, and gathers the probes on the way. */
export class RowGenerator {
  private readonly rand: () => number;
  private seq = 0;
  private trace: string | null = null;
  private traceLeft = 0;
  private readonly planted: Set<number>;
  private readonly traceAt: Set<number>;
  readonly probes: Probes = { rareWord, rareRows: 0, commonWord, commonRows: 0, traceIds: [] };

  constructor(readonly spec: RowSpec) {
    this.rand = prng(spec.seed);
    this.planted = new Set(Array.from({ length: plantedRows }, (_, k) => Math.floor((spec.total * (k + 1)) / (plantedRows + 1))));
    this.traceAt = new Set(Array.from({ length: 40 }, (_, k) => Math.floor((spec.total * (k + 0.5)) / 40)));
  }

  /** Rows generated so far. */
  get generated(): number {
    return this.seq;
  }

  /** The next `n` rows (fewer at the end of the set; none once it is exhausted). */
  next(n: number): Row[] {
    const out: Row[] = [];
    const { total, endTs, spanMs } = this.spec;
    const r = this.rand;
    while (out.length < n && this.seq < total) {
      const seq = ++this.seq;
      if (this.traceLeft === 0) {
        // A new request: 1–6 lines share its trace id; a fifth of the lines have none.
        this.traceLeft = 1 + Math.floor(r() * 6);
        this.trace = r() < 0.8 ? hex16(r) : null;
      }
      this.traceLeft -= 1;
      let message = this.message();
      if (this.planted.has(seq)) {
        message = `${message.slice(0, 100)} ${rareWord} seen`;
        this.probes.rareRows += 1;
      }
      if (this.traceAt.has(seq)) {
        // Sample a row that has a trace id: the next one that does, if this one has none.
        if (this.trace) this.probes.traceIds.push(this.trace);
        else this.traceAt.add(seq + 1);
      }
      const lv = r();
      let level = 5;
      let acc = 0;
      for (const [code, share] of levelShares) {
        acc += share;
        if (lv < acc) {
          level = code;
          break;
        }
      }
      out.push({
        seq,
        // Rising through the window, a little out of order (up to 2 s), as concurrent writers are.
        ts: Math.round(endTs - spanMs + (spanMs * seq) / total - r() * 2000),
        service: services[Math.floor(r() * services.length)]!,
        level,
        message,
        context: { user: `u${Math.floor(r() * 5000)}`, route: routes[Math.floor(r() * routes.length)]!, ms: Math.floor(r() * r() * 2000) },
        trace_id: this.trace,
        user_id: r() < 0.33 ? `user-${Math.floor(r() * 20000)}` : null,
      });
    }
    return out;
  }

  /** ~120 characters: mostly words, some numbers and ids. */
  private message(): string {
    const r = this.rand;
    let s = '';
    let common = false;
    const length = 112 + Math.floor(r() * 16);
    while (s.length < length) {
      const kind = r();
      let token: string;
      if (kind < 0.72) {
        token = words[pickZipf(r())]!;
        if (token === commonWord) common = true;
      } else if (kind < 0.86) token = String(Math.floor(r() * 100000));
      else if (kind < 0.93) token = `${['ord', 'inv', 'req', 'cus', 'job'][Math.floor(r() * 5)]}-${Math.floor(r() * 1e7).toString(36)}`;
      else token = `${Math.floor(r() * 2000)}ms`;
      s += s === '' ? token : ` ${token}`;
    }
    if (common) this.probes.commonRows += 1;
    return s;
  }
}

function pickZipf(x: number): number {
  let lo = 0;
  let hi = zipf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (zipf[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function hex16(r: () => number): string {
  const a = Math.floor(r() * 0x100000000).toString(16).padStart(8, '0');
  const b = Math.floor(r() * 0x100000000).toString(16).padStart(8, '0');
  return a + b;
}

/** Severity number (OTLP) of each level code. */
const severity: Record<number, [number, string]> = { 1: [5, 'DEBUG'], 2: [9, 'INFO'], 3: [13, 'WARN'], 4: [17, 'ERROR'], 5: [21, 'FATAL'] };
const levelNames: Record<number, string> = { 1: 'DEBUG', 2: 'INFO', 3: 'WARNING', 4: 'ERROR', 5: 'CRITICAL' };

/** A row as the store's NewLogEntry (what the hub hands to the store after validating an HTTP entry). */
export function toNewEntry(row: Row): { ts: number; service: string; level: number; message: string; context: string; trace_id: string | null; user_id: string | null; hostname: string | null; process_id: number | null; source: 'http' } {
  return { ts: row.ts, service: row.service, level: row.level, message: row.message, context: JSON.stringify(row.context), trace_id: row.trace_id, user_id: row.user_id, hostname: null, process_id: null, source: 'http' };
}

/** A batch as the body of POST /api/logs/ingest (seed 000 LogEntry array). */
export function ingestBody(rows: readonly Row[]): string {
  return JSON.stringify(
    rows.map((r) => {
      const e: Record<string, unknown> = { timestamp: new Date(r.ts).toISOString(), service_name: r.service, level: levelNames[r.level], message: r.message, context: r.context };
      if (r.trace_id) e.trace_id = r.trace_id;
      if (r.user_id) e.user_id = r.user_id;
      return e;
    }),
  );
}

/**
 * A batch as an OTLP/HTTP JSON ExportLogsServiceRequest: one resource per service, context as
 * attributes, the user id as enduser.id. OTLP trace ids are 16 bytes, so the 8-byte id is
 * zero-padded to 32 hex digits.
 */
export function otlpBody(rows: readonly Row[]): string {
  const byService = new Map<string, unknown[]>();
  for (const r of rows) {
    const [number, text] = severity[r.level]!;
    const attributes: unknown[] = [
      { key: 'user', value: { stringValue: r.context.user } },
      { key: 'route', value: { stringValue: r.context.route } },
      { key: 'ms', value: { intValue: String(r.context.ms) } },
    ];
    if (r.user_id) attributes.push({ key: 'enduser.id', value: { stringValue: r.user_id } });
    const record: Record<string, unknown> = { timeUnixNano: `${r.ts}000000`, severityNumber: number, severityText: text, body: { stringValue: r.message }, attributes };
    if (r.trace_id) record.traceId = `0000000000000000${r.trace_id}`;
    let list = byService.get(r.service);
    if (!list) byService.set(r.service, (list = []));
    list.push(record);
  }
  return JSON.stringify({
    resourceLogs: [...byService].map(([service, logRecords]) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeLogs: [{ scope: { name: 'bench' }, logRecords }],
    })),
  });
}

/** A row as one JSON line a service prints (seed 000 shape plus `seq`, which the hub keeps in the context). */
export function stdoutLine(row: Row): string {
  const e: Record<string, unknown> = { timestamp: new Date(row.ts).toISOString(), level: levelNames[row.level], message: row.message, context: row.context };
  if (row.trace_id) e.trace_id = row.trace_id;
  if (row.user_id) e.user_id = row.user_id;
  e.seq = row.seq;
  return JSON.stringify(e);
}
