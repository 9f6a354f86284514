/**
 * The hub's in-memory view of its hosts: each record (read through from the store on a miss,
 * kept current by the registry's own writes), when it last reported, and its status. Status
 * changes are found by `sweep` (on a timer) and by reports, and published as 'host.status'.
 */
import type { EventBus } from '../core/events.js';
import type { HostRecord, Store } from '../store/index.js';
import { hostStatus, type HostStatus } from './status.js';

/** One host as the hub holds it. */
export interface HostEntry {
  record: HostRecord;
  lastSeenMs: number | null;
  status: HostStatus;
  /** JSON of the stored meta, to write it only when it changes. */
  metaJson: string | null;
  /** Reports of one host are processed one request at a time (the replay guard needs it). */
  queue: Promise<unknown>;
}

/** Hosts by id, with their statuses. */
export class HostTable {
  private readonly entries = new Map<string, HostEntry>();

  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly staleAfter: number,
  ) {}

  /** Loads every stored host. */
  async load(now = Date.now()): Promise<void> {
    for (const r of await this.store.hosts.list()) this.put(r, now);
  }

  /** The host, from memory or else the store (a host registered by `certs issue` in another process). */
  async lookup(id: string): Promise<HostEntry | undefined> {
    const known = this.entries.get(id);
    if (known) return known;
    const record = await this.store.hosts.get(id);
    return record ? this.put(record) : undefined;
  }

  /** The host if it is in memory. */
  peek(id: string): HostEntry | undefined {
    return this.entries.get(id);
  }

  /** Every host in memory, by id. */
  all(): HostEntry[] {
    return [...this.entries.values()].sort((a, b) => (a.record.id < b.record.id ? -1 : 1));
  }

  /** Adds or replaces a host's record (its report progress stays as the record says). */
  put(record: HostRecord, now = Date.now()): HostEntry {
    const previous = this.entries.get(record.id);
    const lastSeenMs = record.last_seen === null ? null : Date.parse(record.last_seen);
    const entry: HostEntry = {
      record,
      lastSeenMs,
      status: previous?.status ?? hostStatus(lastSeenMs, record.interval_s, this.staleAfter, now),
      metaJson: record.meta === null ? null : JSON.stringify(record.meta),
      queue: previous?.queue ?? Promise.resolve(),
    };
    this.entries.set(record.id, entry);
    return entry;
  }

  delete(id: string): void {
    this.entries.delete(id);
  }

  /** Status of an entry now. */
  statusOf(e: HostEntry, now = Date.now()): HostStatus {
    return hostStatus(e.lastSeenMs, e.record.interval_s, this.staleAfter, now);
  }

  /** Recomputes every status and publishes the changes. */
  sweep(now = Date.now()): void {
    for (const e of this.entries.values()) this.refresh(e, now);
  }

  /** Recomputes one status and publishes a change. */
  refresh(e: HostEntry, now = Date.now()): void {
    const to = this.statusOf(e, now);
    if (to === e.status) return;
    const from = e.status;
    e.status = to;
    this.bus.publish('host.status', { host: e.record.id, from, to, at: new Date(now).toISOString() });
  }

  /** Runs `fn` after every earlier call for the same host has finished. */
  serialize<T>(e: HostEntry, fn: () => Promise<T>): Promise<T> {
    const run = e.queue.then(fn, fn);
    e.queue = run.catch(() => {});
    return run;
  }
}
