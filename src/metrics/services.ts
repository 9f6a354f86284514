/**
 * Services' CPU and memory as metrics: the supervisor publishes 'service.sample' for every
 * running service each sample interval (all in one synchronous pass); they are gathered
 * and stored with one ingest per pass, each service as source `service:<name>` with
 * `service_cpu_percent{service="<name>"}` and `service_memory_bytes{service="<name>"}`.
 * Service states (from 'service.state') are kept for the `up` gauge of /metrics.
 */
import type { Logger } from 'pino';
import type { EventBus } from '../core/events.js';
import type { MetricPoint } from '../store/index.js';
import { seriesKey } from './series.js';

/** The series keys of one service. */
export function serviceKeys(service: string): { cpu: string; memory: string } {
  return { cpu: seriesKey('service_cpu_percent', { service }), memory: seriesKey('service_memory_bytes', { service }) };
}

/** Turns service samples on the bus into metric points. */
export class ServiceSamples {
  private pending = new Map<string, MetricPoint>();
  private readonly inFlight = new Set<Promise<void>>();
  private scheduled = false;
  private readonly unsubscribe: (() => void)[] = [];
  /** Last known status of each service. */
  readonly states = new Map<string, string>();

  constructor(
    private readonly bus: EventBus,
    private readonly ingest: (points: MetricPoint[]) => Promise<void>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.unsubscribe.push(
      this.bus.subscribe('service.sample', (s) => {
        const keys = serviceKeys(s.service);
        const ts = Date.parse(s.at);
        this.pending.set(s.service, {
          source: `service:${s.service}`,
          ts: Number.isFinite(ts) ? ts : Date.now(),
          values: { [keys.cpu]: s.cpu_percent, [keys.memory]: Math.round(s.memory_mb * 1024 * 1024) },
        });
        if (!this.scheduled) {
          this.scheduled = true;
          // Every sample of one sampler pass is published before this runs: one ingest per pass.
          setImmediate(() => this.flush());
        }
      }),
      this.bus.subscribe('service.state', (e) => void this.states.set(e.service, e.to)),
    );
  }

  async stop(): Promise<void> {
    for (const u of this.unsubscribe.splice(0)) u();
    await Promise.all(this.inFlight);
  }

  private flush(): void {
    this.scheduled = false;
    const points = [...this.pending.values()].filter((p) => Object.values(p.values).every(Number.isFinite));
    this.pending = new Map();
    if (points.length === 0) return;
    const run: Promise<void> = this.ingest(points)
      .catch((err: unknown) => this.logger.error({ err }, 'storing service samples failed'))
      .finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }
}
