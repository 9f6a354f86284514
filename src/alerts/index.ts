/**
 * Alerting: rules (from the config, built-in defaults, and the API) evaluated as data
 * arrives (metric points, service events, host reports, log lines), alerts moving
 * pending → firing → resolved, deduplicated by fingerprint, grouped, silenced, held back in
 * maintenance windows, repeated at the repeat interval, and handed to the notifier.
 * Publishes 'alert.triggered' and 'alert.resolved' on the bus.
 *
 * STUB — the implementation is being written (createAlertEngine): until then no rule runs.
 */
import type { Logger } from 'pino';
import { AppError } from '../core/errors.js';
import type { AlertingSettings, AlertRuleSpec } from '../core/config/index.js';
import type { EventBus } from '../core/events.js';
import type { LogService } from '../logs/index.js';
import type { AlertRecord, AlertRepo, Matcher, SilenceRecord } from '../store/index.js';
import type { Notifier } from './notifiers/index.js';

/** The alert engine's interface. */
export interface AlertEngine {
  /** Rules in force: built-in defaults (unless disabled), the config's, the API's. */
  rules(): (AlertRuleSpec & { origin: 'default' | 'config' | 'api' })[];
  /** Adds (or replaces) an API rule; validated like the config's; throws AppError with the problem. */
  putRule(rule: unknown, actor: string | null): Promise<AlertRuleSpec>;
  removeRule(name: string): Promise<boolean>;
  active(): AlertRecord[];
  history(query: { rule?: string; state?: AlertRecord['state']; since?: string; limit?: number }): Promise<AlertRecord[]>;
  silence(input: { matchers: Matcher[]; endsAt: string; startsAt?: string; comment: string }, actor: string | null): Promise<SilenceRecord>;
  silences(includeExpired: boolean): Promise<SilenceRecord[]>;
  expireSilence(id: string): Promise<boolean>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** What the engine is built from. */
export interface AlertDeps {
  settings: AlertingSettings;
  repo: AlertRepo;
  bus: EventBus;
  logs: LogService;
  notifier: Notifier;
  logger: Logger;
  /** Report interval of each host (for agent_silent), looked up when a host reports. */
  hostInterval: (hostId: string) => number | undefined;
}

/** Builds the engine (not started). */
export function createAlertEngine(deps: AlertDeps): AlertEngine {
  void deps;
  const notYet = async (): Promise<never> => {
    throw new AppError('request/invalid', 'alert rules are not available yet');
  };
  return {
    rules: () => [],
    putRule: notYet,
    removeRule: async () => false,
    active: () => [],
    history: async () => [],
    silence: notYet,
    silences: async () => [],
    expireSilence: async () => false,
    start: async () => {},
    stop: async () => {},
  };
}
