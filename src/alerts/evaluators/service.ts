/**
 * Service rules, from the supervisor's events:
 * - service_down: a service that should run is in backoff, errored, or stopped without
 *   being asked to (an exit its restart policy does not restart after a failure, or a
 *   process found dead at hub start); resolved when it runs again or is stopped on request.
 * - health: 'service.unhealthy' until 'service.healthy' (or the service stops).
 * - crash_loop: 'service.errored' (the supervisor gave up) until it runs again or is stopped.
 */
import type { EventBus, EventMap } from '../../core/events.js';
import { matchesMap } from '../matchers.js';
import type { RuleEntry } from '../rules.js';
import type { AlertTracker } from '../tracker.js';
import type { Evaluator } from './index.js';

type Kind = 'service_down' | 'health' | 'crash_loop';

/** Evaluates service rules on supervisor events. */
export class ServiceEvaluator implements Evaluator {
  private rules: Record<Kind, RuleEntry[]> = { service_down: [], health: [], crash_loop: [] };
  /** Whether each service's last exit was a failure (an exit comes just before its state change). */
  private readonly lastExitFailed = new Map<string, boolean>();
  private unsubscribe: (() => void)[] = [];

  constructor(
    private readonly tracker: AlertTracker,
    private readonly bus: EventBus,
  ) {}

  setRules(rules: readonly RuleEntry[]): void {
    const next: Record<Kind, RuleEntry[]> = { service_down: [], health: [], crash_loop: [] };
    for (const r of rules) if (r.kind in next) next[r.kind as Kind].push(r);
    this.rules = next;
  }

  start(): void {
    this.unsubscribe = [
      this.bus.subscribe('service.exit', (e) => this.lastExitFailed.set(e.service, e.code !== 0 || e.signal !== null)),
      this.bus.subscribe('service.state', (e) => this.onState(e)),
      this.bus.subscribe('service.unhealthy', (e) => this.set('health', e.service, true)),
      this.bus.subscribe('service.healthy', (e) => this.set('health', e.service, false)),
      this.bus.subscribe('service.errored', (e) => this.set('crash_loop', e.service, true)),
    ];
  }

  stop(): void {
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
  }

  private onState(e: EventMap['service.state']): void {
    const { service, from, to, reason } = e;
    if (to === 'running') {
      this.set('service_down', service, false);
      this.set('crash_loop', service, false);
      return;
    }
    if (to === 'backoff' || to === 'errored') {
      this.set('service_down', service, true);
      if (to === 'errored') this.set('health', service, false);
      return;
    }
    if (to === 'stopping') {
      this.set('health', service, false);
      return;
    }
    if (to === 'stopped') {
      this.set('health', service, false);
      this.set('crash_loop', service, false);
      const requested = from === 'stopping' || reason === 'stopped by request';
      const exitedCleanly = (from === 'running' || from === 'starting') && this.lastExitFailed.get(service) === false;
      this.set('service_down', service, !requested && !exitedCleanly);
    }
  }

  private set(kind: Kind, service: string, holds: boolean): void {
    for (const rule of this.rules[kind]) {
      if (rule.service !== '*' && rule.service !== service) continue;
      const instance = { service };
      if (!matchesMap(rule.match, instance)) continue;
      const key = this.tracker.key(rule.name, instance);
      if (holds) this.tracker.raise(rule, key, null);
      else this.tracker.clear(key);
    }
  }
}
