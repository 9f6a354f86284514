/**
 * Evaluators: one per kind of data a rule watches (metric points, service events, host
 * reports, log lines). Each subscribes to its source, evaluates the rules of its kinds as
 * data arrives and tells the tracker when a condition starts or stops holding.
 */
import type { RuleEntry } from '../rules.js';

/** One evaluator. `setRules` may be called at any time, before or after `start`. */
export interface Evaluator {
  /** Takes the rules in force (each evaluator keeps the kinds it handles). */
  setRules(rules: readonly RuleEntry[]): void;
  /** Subscribes to its data. */
  start(): void;
  /** Unsubscribes and cancels its timers. */
  stop(): void;
}

export { MetricEvaluator } from './metric.js';
export { ServiceEvaluator } from './service.js';
export { AgentEvaluator } from './agent.js';
export { LogEvaluator } from './logs.js';
