/**
 * What to do when a service's process exits on its own: restart now, restart after a
 * backoff, stay stopped, or give up (crash loop). Pure: the unit feeds it exits and the clock.
 */
import type { RestartSpec } from '../core/config/index.js';

/** The decision for one exit. */
export type RestartDecision =
  | { action: 'restart'; delayMs: number }
  | { action: 'stay-stopped'; reason: string }
  | { action: 'give-up'; reason: string };

/** Tracks one service's recent exits and turns each into a decision. */
export class RestartPolicy {
  private exitTimes: number[] = [];
  private unstableRuns = 0;

  constructor(private readonly spec: RestartSpec) {}

  /**
   * Records an exit after a run of `runMs` and decides. A run of at least `stable_after`
   * resets the backoff (restart at once); shorter runs double it up to `max_backoff`.
   * `crash_loop_exits` exits within `crash_loop_window` give up, whatever the policy.
   */
  onExit(exit: { code: number | null; signal: string | null; runMs: number; now: number }): RestartDecision {
    const failed = exit.code !== 0 || exit.signal !== null;
    const how = describeExit(exit.code, exit.signal);
    if (this.spec.policy === 'never') return { action: 'stay-stopped', reason: `${how}; restart policy is never` };
    if (this.spec.policy === 'on-failure' && !failed) return { action: 'stay-stopped', reason: `${how}; restart policy is on-failure` };

    this.exitTimes = this.exitTimes.filter((t) => exit.now - t < this.spec.crashLoopWindowMs);
    this.exitTimes.push(exit.now);
    if (this.exitTimes.length >= this.spec.crashLoopExits) {
      const windowS = this.spec.crashLoopWindowMs / 1000;
      return { action: 'give-up', reason: `crash loop: ${this.exitTimes.length} exits within ${windowS}s (last: ${how})` };
    }
    if (exit.runMs >= this.spec.stableAfterMs) {
      this.unstableRuns = 0;
      return { action: 'restart', delayMs: 0 };
    }
    this.unstableRuns += 1;
    const delayMs = Math.min(this.spec.backoffMs * 2 ** (this.unstableRuns - 1), this.spec.maxBackoffMs);
    return { action: 'restart', delayMs };
  }

  /** Forgets past exits: a manual start begins with a clean slate. */
  reset(): void {
    this.exitTimes = [];
    this.unstableRuns = 0;
  }
}

/** "exited with code 1", "killed by SIGKILL". */
export function describeExit(code: number | null, signal: string | null): string {
  if (signal) return `killed by ${signal}`;
  if (code === null) return 'exited (status unknown: the process was not a child of this hub)';
  return `exited with code ${code}`;
}
