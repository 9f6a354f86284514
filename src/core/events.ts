/**
 * The in-process event bus. Modules publish domain events on typed topics; other modules
 * (the store recorder, the WebSocket feed, alerting) subscribe. Publishing never throws into
 * the publisher: a failing subscriber is reported through `onSubscriberError` and skipped.
 */
import type { MetricPoint } from '../store/metrics.js';
import type { ServiceStatus } from './types.js';

/** Every topic and the payload it carries. */
export interface EventMap {
  'service.state': {
    service: string;
    from: ServiceStatus;
    to: ServiceStatus;
    pid: number | null;
    reason: string | null;
    at: string;
  };
  'service.exit': {
    service: string;
    pid: number;
    code: number | null;
    signal: string | null;
    uptime_ms: number | null;
    at: string;
  };
  'service.healthy': { service: string; message: string; at: string };
  'service.unhealthy': { service: string; message: string; at: string };
  'service.adopted': { service: string; pid: number; at: string };
  'service.errored': { service: string; reason: string; at: string };
  /** CPU and memory of a service's whole process family, every sample interval. Not persisted as an event. */
  'service.sample': { service: string; cpu_percent: number; memory_mb: number; at: string };
  /** Metric points just stored (agents, scrapes, services). Not persisted as an event. */
  'metrics.points': { points: readonly MetricPoint[] };
  /** A host's agent reported (after authentication and validation). */
  'host.report': { host: string; at: string; interval_s: number };
  /** A host went online / stale / offline. */
  'host.status': { host: string; from: string; to: string; at: string };
  'alert.triggered': { fingerprint: string; rule: string; severity: string; labels: Record<string, string>; value: number | null; at: string };
  'alert.resolved': { fingerprint: string; rule: string; severity: string; labels: Record<string, string>; at: string };
  /** A rule's condition started to hold: the alert waits out the rule's `for` before firing. */
  'alert.pending': { fingerprint: string; rule: string; severity: string; labels: Record<string, string>; value: number | null; at: string };
  /** A pending alert's condition stopped holding before it fired: it is dropped without a notification. */
  'alert.cleared': { fingerprint: string; rule: string; severity: string; labels: Record<string, string>; at: string };
  'silence.created': { id: string; created_by: string | null; ends_at: string; at: string };
  'silence.expired': { id: string; at: string };
}

/** A topic name. */
export type Topic = keyof EventMap;

/** An event as delivered to catch-all subscribers. */
export type BusEvent = { [K in Topic]: { topic: K; payload: EventMap[K] } }[Topic];

type Handler<K extends Topic> = (payload: EventMap[K]) => void;

/** Typed publish/subscribe; synchronous delivery in subscription order. */
export class EventBus {
  private readonly handlers = new Map<Topic, Set<Handler<Topic>>>();
  private readonly catchAll = new Set<(event: BusEvent) => void>();

  constructor(private readonly onSubscriberError: (err: unknown, topic: Topic) => void = () => {}) {}

  /** Delivers `payload` to every subscriber of `topic`, then to catch-all subscribers. */
  publish<K extends Topic>(topic: K, payload: EventMap[K]): void {
    for (const handler of this.handlers.get(topic) ?? []) {
      try {
        (handler as Handler<K>)(payload);
      } catch (err) {
        this.onSubscriberError(err, topic);
      }
    }
    for (const handler of this.catchAll) {
      try {
        handler({ topic, payload } as BusEvent);
      } catch (err) {
        this.onSubscriberError(err, topic);
      }
    }
  }

  /** Subscribes to one topic; returns the unsubscribe function. */
  subscribe<K extends Topic>(topic: K, handler: Handler<K>): () => void {
    let set = this.handlers.get(topic);
    if (!set) {
      set = new Set();
      this.handlers.set(topic, set);
    }
    set.add(handler as Handler<Topic>);
    return () => set.delete(handler as Handler<Topic>);
  }

  /** True when anyone listens to `topic` (lets publishers skip building costly payloads). */
  hasSubscribers(topic: Topic): boolean {
    return (this.handlers.get(topic)?.size ?? 0) > 0 || this.catchAll.size > 0;
  }

  /** Subscribes to every topic; returns the unsubscribe function. */
  subscribeAll(handler: (event: BusEvent) => void): () => void {
    this.catchAll.add(handler);
    return () => this.catchAll.delete(handler);
  }
}
