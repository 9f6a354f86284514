/**
 * Alerting: rules (from the config, built-in defaults, and the API) evaluated as data
 * arrives (metric points, service events, host reports, log lines), alerts moving
 * pending → firing → resolved, deduplicated by fingerprint, grouped, silenced, held back in
 * maintenance windows, repeated at the repeat interval, and handed to the notifier.
 * Publishes 'alert.pending', 'alert.triggered', 'alert.cleared', 'alert.resolved', 'silence.created'
 * and 'silence.expired' on the bus.
 *
 * The parts: evaluators/ (one per data source) tell the tracker (tracker.ts: lifecycle,
 * persistence) when a rule's condition starts or stops holding; the tracker hands state
 * changes to the dispatcher (dispatcher.ts: routes, groups, timers), which asks muting.ts
 * whether an alert is silenced and hands notifications to the notifier.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AppError } from '../core/errors.js';
import type { AlertingSettings, AlertRuleSpec } from '../core/config/index.js';
import type { EventBus } from '../core/events.js';
import type { LogService } from '../logs/index.js';
import type { AlertRecord, AlertRepo, Matcher, SilenceRecord } from '../store/index.js';
import { Dispatcher } from './dispatcher.js';
import { AgentEvaluator, LogEvaluator, MetricEvaluator, ServiceEvaluator, type Evaluator } from './evaluators/index.js';
import { compileMatchers } from './matchers.js';
import { Muting } from './muting.js';
import type { Notifier } from './notifiers/index.js';
import { effectiveRules, validateRule, type RuleEntry } from './rules.js';
import { AlertTracker } from './tracker.js';

export { ruleView, type RuleEntry, type RuleOrigin, type RuleView } from './rules.js';

/** The alert engine's interface. */
export interface AlertEngine {
  /** Rules in force: built-in defaults (unless disabled), the config's, the API's (a later origin replaces an earlier rule of the same name). */
  rules(): (AlertRuleSpec & { origin: 'default' | 'config' | 'api' })[];
  /** Adds (or replaces) an API rule; validated like the config's; throws AppError with the problem. */
  putRule(rule: unknown, actor: string | null): Promise<AlertRuleSpec>;
  /** Removes an API rule (a default it replaced comes back); false when there is none; AppError for a config or built-in rule. */
  removeRule(name: string): Promise<boolean>;
  /** Firing and pending alerts, firing first. Copies: callers may change them. */
  active(): AlertRecord[];
  history(query: { rule?: string; state?: AlertRecord['state']; since?: string; limit?: number }): Promise<AlertRecord[]>;
  /** Creates a silence; throws request/invalid naming the field at fault (matchers, times). */
  silence(input: { matchers: Matcher[]; endsAt: string; startsAt?: string; comment: string }, actor: string | null): Promise<SilenceRecord>;
  silences(includeExpired: boolean): Promise<SilenceRecord[]>;
  /** Expires a silence now; false when no silence has this id (true again for one already expired). */
  expireSilence(id: string): Promise<boolean>;
  /** Ids of the silences (and `maintenance:<name>` of the windows) muting alerts with these labels now. */
  mutedBy(labels: Record<string, string>): string[];
  start(): Promise<void>;
  /** Stops evaluating and waits for pending alert saves. */
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

/** The longest silence: a year (longer ones are forgotten, not meant). */
const maxSilenceMs = 366 * 86_400_000;

/** Builds the engine (not started). */
export function createAlertEngine(deps: AlertDeps): AlertEngine {
  const { settings, repo, logger } = deps;
  const apiRules = new Map<string, AlertRuleSpec>();
  let current: RuleEntry[] = effectiveRules(settings.defaults, settings.rules, apiRules);
  // The dispatcher and the tracker need each other: the tracker reports changes, the dispatcher saves notification times.
  let dispatcher!: Dispatcher;
  const tracker = new AlertTracker({ repo, bus: deps.bus, logger, onChange: (a) => dispatcher.changed(a) });
  const muting = new Muting(settings.maintenance, () => dispatcher.reconsider());
  dispatcher = new Dispatcher({ settings, notifier: deps.notifier, muting, persist: (a) => tracker.persist(a), logger });
  const evaluators: Evaluator[] = [
    new MetricEvaluator(tracker, deps.bus),
    new ServiceEvaluator(tracker, deps.bus),
    new AgentEvaluator(tracker, deps.bus, deps.hostInterval),
    new LogEvaluator(tracker, deps.logs),
  ];
  let running = false;

  const apply = (): void => {
    current = effectiveRules(settings.defaults, settings.rules, apiRules);
    tracker.setRules(current);
    for (const e of evaluators) e.setRules(current);
  };
  const configNames = new Set(settings.rules.map((r) => r.name));

  return {
    rules: () => current.map((r) => ({ ...r })),

    async putRule(raw, actor) {
      const { spec, definition } = await validateRule(raw);
      if (configNames.has(spec.name)) {
        throw new AppError('request/invalid', `rule "${spec.name}" is defined in the config file; change it there, or use another name`);
      }
      await repo.saveRule({ name: spec.name, definition, created_at: new Date().toISOString(), created_by: actor });
      apiRules.set(spec.name, spec);
      apply();
      return spec;
    },

    async removeRule(name) {
      if (!apiRules.has(name)) {
        const rule = current.find((r) => r.name === name);
        if (rule?.origin === 'config') throw new AppError('request/invalid', `rule "${name}" is defined in the config file; remove it there`);
        if (rule?.origin === 'default') throw new AppError('request/invalid', `rule "${name}" is built in; set alerts.defaults: false in the config to drop the built-in rules, or replace it with an API rule of the same name`);
        return false;
      }
      await repo.removeRule(name);
      apiRules.delete(name);
      apply();
      return true;
    },

    active: () =>
      tracker
        .active()
        .map((a) => ({ ...a.record, labels: { ...a.record.labels }, annotations: { ...a.record.annotations } }))
        .sort((a, b) => (a.state === b.state ? a.started_at.localeCompare(b.started_at) : a.state === 'firing' ? -1 : 1)),

    async history(q) {
      const query: Parameters<AlertRepo['history']>[0] = { limit: Math.min(Math.max(1, q.limit ?? 100), 1000) };
      if (q.rule !== undefined) query.rule = q.rule;
      if (q.state !== undefined) query.state = q.state;
      if (q.since !== undefined) {
        const t = Date.parse(q.since);
        if (Number.isNaN(t)) throw new AppError('request/invalid', `since: not an ISO 8601 time: "${q.since.slice(0, 60)}"`);
        query.since = new Date(t).toISOString();
      }
      return repo.history(query);
    },

    async silence(input, actor) {
      compileMatchers(input.matchers);
      const now = Date.now();
      const startsAt = input.startsAt === undefined ? now : Date.parse(input.startsAt);
      const endsAt = Date.parse(input.endsAt);
      if (Number.isNaN(startsAt)) throw new AppError('request/invalid', `starts_at: not an ISO 8601 time: "${String(input.startsAt).slice(0, 60)}"`);
      if (Number.isNaN(endsAt)) throw new AppError('request/invalid', `ends_at: not an ISO 8601 time: "${String(input.endsAt).slice(0, 60)}"`);
      if (endsAt <= startsAt) throw new AppError('request/invalid', `ends_at (${new Date(endsAt).toISOString()}) must be after starts_at (${new Date(startsAt).toISOString()})`);
      if (endsAt <= now) throw new AppError('request/invalid', `ends_at (${new Date(endsAt).toISOString()}) is in the past`);
      if (endsAt - now > maxSilenceMs) throw new AppError('request/invalid', 'ends_at: a silence may last at most a year');
      const record: SilenceRecord = {
        id: randomUUID(),
        matchers: input.matchers.map((m) => ({ name: m.name, op: m.op, value: m.value })),
        starts_at: new Date(startsAt).toISOString(),
        ends_at: new Date(endsAt).toISOString(),
        comment: input.comment,
        created_by: actor,
        created_at: new Date(now).toISOString(),
        expired_at: null,
      };
      await repo.createSilence(record);
      muting.add(record);
      deps.bus.publish('silence.created', { id: record.id, created_by: actor, ends_at: record.ends_at, at: record.created_at });
      return record;
    },

    silences: (includeExpired) => repo.silences(includeExpired),

    async expireSilence(id) {
      const at = new Date().toISOString();
      if (await repo.expireSilence(id, at)) {
        muting.remove(id);
        deps.bus.publish('silence.expired', { id, at });
        return true;
      }
      return (await repo.silences(true)).some((s) => s.id === id);
    },

    mutedBy: (labels) => muting.mutedBy(labels),

    async start() {
      for (const stored of await repo.rules()) {
        try {
          const { spec } = await validateRule({ ...stored.definition, name: stored.name });
          if (configNames.has(spec.name)) logger.warn({ rule: spec.name }, 'an API rule has the name of a config rule; the config rule is used');
          else apiRules.set(spec.name, spec);
        } catch (err) {
          logger.error({ rule: stored.name, err: (err as Error).message }, 'a stored alert rule is no longer valid; ignored');
        }
      }
      muting.load(await repo.silences(false));
      apply();
      const now = Date.now();
      const restored = tracker.restore(await repo.active(), now);
      for (const a of restored) dispatcher.restore(a, now);
      // Alerts of rules removed while the hub was down end now (announced if their firing was).
      for (const a of restored) if (!tracker.ruleOf(a)) tracker.resolve(a, now);
      for (const e of evaluators) e.start();
      muting.start();
      running = true;
      logger.info({ rules: current.length, restored: restored.length }, 'alerting started');
    },

    async stop() {
      if (!running) return;
      running = false;
      for (const e of evaluators) e.stop();
      muting.stop();
      dispatcher.stop();
      tracker.stop();
      await tracker.drained();
    },
  };
}
