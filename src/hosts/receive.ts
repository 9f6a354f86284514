/**
 * The report path, shared by POST /api/metrics/report on the API and on the agents' TLS
 * listener: parse the request, authenticate the host, rate-limit it, then (one request per
 * host at a time) validate each report, skip replays, store the rest as metric points
 * (answering after their commit), note the host's progress, and publish 'host.report'.
 */
import type { EventBus } from '../core/events.js';
import type { MetricsService } from '../metrics/index.js';
import { AppError, isAppError } from '../core/errors.js';
import type { Report, ReportReply } from '../protocol/index.js';
import type { MetricPoint, Store } from '../store/index.js';
import { authenticate, type Credential } from './auth.js';
import { HostError, RateLimited } from './errors.js';
import type { RateLimiter } from './rate-limit.js';
import type { ProgressWriter } from './progress.js';
import type { HostEntry, HostTable } from './table.js';
import { claimedHost, reportsOf } from './validate.js';

/** What the report path works with. */
export interface ReceiveDeps {
  store: Store;
  metrics: MetricsService;
  bus: EventBus;
  hosts: HostTable;
  limiter: RateLimiter;
  /** Where host progress goes (written behind, see progress.ts). */
  progress: ProgressWriter;
  now?: () => number;
}

/** Metric source of a host's points. */
export function hostSource(hostId: string): string {
  return `host:${hostId}`;
}

/**
 * Takes one request's body. Resolves to the per-report outcome; throws HostError for a
 * request refused as a whole (bad shape, authentication, rate limit, every report invalid).
 */
export async function receiveReports(deps: ReceiveDeps, body: unknown, credential: Credential, address: string | null): Promise<ReportReply> {
  // Credentials first: a request without any is refused before its body is looked at.
  if (credential.kind === 'none') {
    throw new AppError('auth/missing_token', 'authentication required: a client certificate (on the agents\' TLS listener) or the host\'s API key ("Authorization: Bearer <key>" or "X-Api-Key: <key>")');
  }
  const raws = reportsOf(body);
  const claimed = new Set(raws.map(claimedHost).filter((id): id is string => id !== undefined));
  if (claimed.size > 1) throw new HostError('hosts/invalid_report', `one request carries the reports of one host; this one names ${[...claimed].map((c) => `"${c}"`).join(', ')}`);
  const hostId = [...claimed][0] ?? (credential.kind === 'cert' ? credential.peer.cn : undefined);
  if (hostId === undefined) throw new HostError('hosts/unauthenticated', 'cannot check the API key: no report names its host_id');
  const host = await authenticate(deps.store, deps.hosts, credential, hostId);
  const wait = deps.limiter.take(hostId);
  if (wait > 0) throw new RateLimited(hostId, wait, deps.limiter.perMinute);
  return deps.hosts.serialize(host, () => take(deps, host, raws, address));
}

/** The per-report schema check, loaded by the first report (see report-schema.ts). */
let reportSchema: Promise<typeof import('./report-schema.js')> | undefined;

async function take(deps: ReceiveDeps, host: HostEntry, raws: unknown[], address: string | null): Promise<ReportReply> {
  const { validateReport } = await (reportSchema ??= import('./report-schema.js'));
  const now = deps.now?.() ?? Date.now();
  const r = host.record;
  let { last_ts: lastTs, last_run: lastRun, last_seq: lastSeq } = r;
  let interval = r.interval_s;
  let meta: Record<string, unknown> | undefined;
  const taken: { index: number; report: Report }[] = [];
  const rejected: ReportReply['rejected'] = [];
  let skipped = 0;
  raws.forEach((raw, index) => {
    const report = validateReport(raw, now);
    if (typeof report === 'string') {
      rejected.push({ index, error: report });
      return;
    }
    // A replay: not newer than the newest accepted report (by time, and by seq within one agent run).
    if ((lastTs !== null && report.ts <= lastTs) || (report.run === lastRun && lastSeq !== null && report.seq <= lastSeq)) {
      skipped++;
      return;
    }
    taken.push({ index, report });
    lastTs = report.ts;
    lastRun = report.run;
    lastSeq = report.seq;
  });
  const accepted = await store(deps, r.id, taken, rejected);
  rejected.sort((a, b) => a.index - b.index);
  if (accepted.length === 0 && skipped === 0) {
    const first = rejected[0]!;
    const message = raws.length === 1 ? `invalid report: ${first.error}` : `all ${raws.length} reports are invalid; the first (index ${first.index}): ${first.error}`;
    throw new HostError('hosts/invalid_report', message, { rejected });
  }
  const newest = accepted.at(-1);
  if (newest) interval = newest.interval_s;
  meta = accepted.findLast((a) => a.meta !== undefined)?.meta;
  const metaJson = meta === undefined ? host.metaJson : JSON.stringify(meta);
  const at = new Date(now).toISOString();
  deps.progress.note(r.id, {
    last_seen: at,
    last_address: address,
    last_ts: lastTs!,
    last_run: lastRun!,
    last_seq: lastSeq!,
    interval_s: interval,
    ...(metaJson !== host.metaJson && meta !== undefined ? { meta } : {}),
  });
  host.record = { ...r, last_seen: at, last_address: address, last_ts: lastTs, last_run: lastRun, last_seq: lastSeq, interval_s: interval, meta: meta ?? r.meta };
  host.metaJson = metaJson;
  host.lastSeenMs = now;
  deps.hosts.refresh(host, now);
  deps.bus.publish('host.report', { host: r.id, at, interval_s: interval });
  return { accepted: accepted.length, skipped, rejected };
}

/**
 * Stores the reports as points, all in one call; when the metrics service refuses the call
 * (a rule of its own, such as a point older than the raw retention), point by point, so only
 * the offending reports are rejected. Returns the stored reports, in order.
 */
async function store(deps: ReceiveDeps, hostId: string, taken: { index: number; report: Report }[], rejected: ReportReply['rejected']): Promise<Report[]> {
  if (taken.length === 0) return [];
  const point = (report: Report): MetricPoint => ({ source: hostSource(hostId), ts: report.ts, values: report.samples });
  try {
    await deps.metrics.ingest(taken.map((t) => point(t.report)));
    return taken.map((t) => t.report);
  } catch (err) {
    if (!isAppError(err) || err.code !== 'request/invalid' || taken.length === 1) {
      if (isAppError(err) && err.code === 'request/invalid') {
        rejected.push({ index: taken[0]!.index, error: err.message });
        return [];
      }
      throw err;
    }
  }
  const stored: Report[] = [];
  for (const t of taken) {
    try {
      await deps.metrics.ingest([point(t.report)]);
      stored.push(t.report);
    } catch (err) {
      if (!isAppError(err) || err.code !== 'request/invalid') throw err;
      rejected.push({ index: t.index, error: err.message });
    }
  }
  return stored;
}
