/**
 * Health probing: the registry of probe kinds and the monitor that schedules one service's
 * probes and turns results into healthy / unhealthy transitions.
 */
import type { HealthSpec, ProbeSpec } from '../../core/config/index.js';
import { commandProbe } from './command.js';
import { httpProbe } from './http.js';
import type { Probe, ProbeResult } from './probe.js';
import { tcpProbe } from './tcp.js';

export type { Probe, ProbeResult } from './probe.js';

/** What a probe kind needs besides its own spec. */
interface ProbeContext {
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
}

const probeKinds = {
  http: (spec, ctx) => httpProbe(spec.url, ctx.timeoutMs),
  tcp: (spec, ctx) => tcpProbe(spec.host, spec.port, ctx.timeoutMs),
  command: (spec, ctx) => commandProbe(spec.command, ctx.cwd, ctx.env, ctx.timeoutMs),
} satisfies { [K in ProbeSpec['kind']]: (spec: Extract<ProbeSpec, { kind: K }>, ctx: ProbeContext) => Probe };

/** Builds the probe for a spec. */
export function createProbe(spec: ProbeSpec, ctx: ProbeContext): Probe {
  return (probeKinds[spec.kind] as (s: ProbeSpec, c: ProbeContext) => Probe)(spec, ctx);
}

/** A health verdict change or a fresh result. */
export interface HealthUpdate {
  healthy: boolean;
  /** True when this result changed the verdict (healthy ⇄ unhealthy, or the first verdict). */
  changed: boolean;
  result: ProbeResult;
}

/** While starting, probe this often so dependents and users learn of readiness quickly. */
const startupIntervalMs = 50;

/**
 * Probes one service on a timer: every `startupIntervalMs` until the first success, then
 * every `interval`. One failure does not make a healthy service unhealthy: `failures`
 * consecutive ones do. Probes never overlap. Reports every result once a verdict exists.
 */
export class HealthMonitor {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private verdict: boolean | undefined;
  private consecutiveFailures = 0;
  private everHealthy = false;
  private startedAt = 0;

  constructor(
    private readonly spec: HealthSpec,
    private readonly probe: Probe,
    private readonly onUpdate: (u: HealthUpdate) => void,
  ) {}

  /** Starts probing at once. */
  start(): void {
    this.running = true;
    this.verdict = undefined;
    this.consecutiveFailures = 0;
    this.everHealthy = false;
    this.startedAt = Date.now();
    this.schedule(0);
  }

  /** Stops probing; a probe in flight finishes but is not reported. */
  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => void this.tick(), delayMs);
  }

  private async tick(): Promise<void> {
    const result = await this.probe.check();
    if (!this.running) return;
    if (result.ok) {
      this.consecutiveFailures = 0;
      this.everHealthy = true;
    } else {
      this.consecutiveFailures += 1;
    }
    const healthy = result.ok || (this.verdict === true && this.consecutiveFailures < this.spec.failures);
    // Fast startup probing must not fail a slow starter early: until the first pass, a service
    // is declared unhealthy only after `failures` whole intervals without one.
    const startupExpired = Date.now() - this.startedAt >= this.spec.failures * this.spec.intervalMs;
    const decided = result.ok || this.verdict !== undefined || (this.everHealthy ? this.consecutiveFailures >= this.spec.failures : startupExpired);
    if (decided) {
      const changed = this.verdict !== healthy;
      this.verdict = healthy;
      this.onUpdate({ healthy, changed, result });
    }
    this.schedule(this.verdict !== undefined ? this.spec.intervalMs : Math.min(startupIntervalMs, this.spec.intervalMs));
  }
}
