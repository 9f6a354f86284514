/**
 * The supervisor: runs the configured services in dependency order, re-adopts the ones an
 * earlier hub left running, restarts them by policy, probes their health and samples their
 * resource use. The HTTP API and the CLI drive it through this interface only.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ServiceSpec } from '../core/config/index.js';
import { AppError } from '../core/errors.js';
import type { EventBus } from '../core/events.js';
import { dependencyOrder, transitiveDependencies } from '../core/graph.js';
import type { RunMode, ServiceRecord } from '../core/types.js';
import { newServiceRecord, type Store } from '../store/index.js';
import type { OutputSink } from './capture/spool.js';
import { adoptProcess, terminate } from './process.js';
import { ListeningPorts } from './ports.js';
import { planReload, type ServiceChange } from './reconcile.js';
import { Sampler } from './sampler.js';
import { ServiceUnit } from './unit.js';
import { toServiceView, type ServiceView } from './view.js';

export type { ServiceView } from './view.js';
export type { OutputSink, OutputStream } from './capture/spool.js';

/** Outcome of an action on one service, in the seed API's shape. */
export interface ActionResult {
  success: boolean;
  service: string;
  message: string;
  pid: number | null;
  port: number | null;
}

/** What a configuration reload did to one service. */
export interface ServiceReload {
  service: string;
  change: Exclude<ServiceChange['kind'], 'moved'>;
  /** What happened to its process. */
  action: 'started' | 'stopped' | 'restarted' | 'none';
  success: boolean;
  message: string;
  /** The settings that differ (changed and updated services), spelled as in wheelhouse.yaml. */
  fields: string[];
}

/** What the supervisor is built from. */
export interface SupervisorDeps {
  services: ServiceSpec[];
  store: Store;
  bus: EventBus;
  logger: Logger;
  dataDir: string;
  sampleIntervalMs: number;
  /** Environment every service inherits. */
  baseEnv: Record<string, string>;
  /** Where the services' stdout and stderr go. */
  output: OutputSink;
}

/** The supervisor's interface. Names that are not configured throw `service/not_found`. */
export interface Supervisor {
  /** Re-adopts surviving processes, then starts what should run (in the background; see `startupDone`). */
  start(): Promise<void>;
  /** Resolves when the boot-time starts have finished (successfully or not). */
  readonly startupDone: Promise<void>;
  /** Stops every service in reverse dependency order (when `stopServices`), then lets go of them. */
  stop(opts: { stopServices: boolean }): Promise<void>;
  views(): ServiceView[];
  view(name: string): ServiceView;
  startService(name: string, mode: RunMode): Promise<ActionResult>;
  stopService(name: string): Promise<ActionResult>;
  restartService(name: string, mode: RunMode): Promise<ActionResult>;
  startAll(mode: RunMode): Promise<ActionResult[]>;
  stopAll(): Promise<ActionResult[]>;
  restartAll(mode: RunMode): Promise<ActionResult[]>;
  /**
   * Applies a new list of services: new ones are added (and started when autostart), removed
   * ones stopped and forgotten, ones whose process settings changed stopped and started again
   * with them (if they should run), others updated in place. Unchanged services are not
   * touched. Not re-entrant: the caller runs one reload at a time (the hub does).
   */
  reload(services: ServiceSpec[]): Promise<ServiceReload[]>;
}

/** Builds the supervisor; nothing runs until `start`. */
export function createSupervisor(deps: SupervisorDeps): Supervisor {
  return new FleetSupervisor(deps);
}

/** How long a dependent waits for its dependency to become ready. */
const dependencyTimeoutMs = 60_000;

class FleetSupervisor implements Supervisor {
  private readonly units = new Map<string, ServiceUnit>();
  private services: ServiceSpec[];
  private order: ServiceSpec[];
  private sampler: Sampler | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private resolveStartup!: () => void;
  readonly startupDone = new Promise<void>((r) => (this.resolveStartup = r));

  constructor(private readonly deps: SupervisorDeps) {
    this.services = deps.services;
    this.order = dependencyOrder(deps.services);
  }

  async start(): Promise<void> {
    const { dataDir, logger } = this.deps;
    mkdirSync(join(dataDir, 'spool'), { recursive: true, mode: 0o700 });
    await this.retireUnconfigured();
    const toStart: { unit: ServiceUnit; mode: RunMode }[] = [];
    for (const spec of this.order) {
      const unit = this.makeUnit(spec, await this.deps.store.services.get(spec.name));
      this.units.set(spec.name, unit);
      const found = await unit.resume();
      if (found === 'adopted') logger.info({ service: spec.name, pid: unit.pid }, 're-adopted running service');
      if (found !== 'adopted' && unit.desired === 'running') toStart.push({ unit, mode: unit.state.mode });
    }
    this.sampler = new Sampler(() => [...this.units.values()], this.deps.sampleIntervalMs);
    this.sampler.start();
    this.flushTimer = setInterval(() => void this.flushAll(), 1000);
    this.flushTimer.unref();
    void this.startSet(toStart.map((t) => t.unit.spec.name), (name) => toStart.find((t) => t.unit.spec.name === name)!.mode)
      .then((results) => {
        for (const r of results.filter((x) => !x.success)) logger.warn({ service: r.service }, r.message);
      })
      .finally(() => this.resolveStartup());
  }

  async stop(opts: { stopServices: boolean }): Promise<void> {
    this.sampler?.stop();
    clearInterval(this.flushTimer);
    if (opts.stopServices) await this.stopSet([...this.units.keys()], false);
    for (const unit of this.units.values()) await unit.release();
  }

  views(): ServiceView[] {
    return [...this.units.values()]
      .map((u) => toServiceView(u.spec, u.state))
      .sort((a, b) => a.display_order - b.display_order || a.service_name.localeCompare(b.service_name));
  }

  view(name: string): ServiceView {
    const unit = this.unit(name);
    return toServiceView(unit.spec, unit.state);
  }

  async startService(name: string, mode: RunMode): Promise<ActionResult> {
    const unit = this.unit(name);
    const needed = [...transitiveDependencies(this.services, name)];
    const results = await this.startSet([...needed, name], () => mode);
    const own = results.find((r) => r.service === name)!;
    if (!own.success) {
      const failedDep = results.find((r) => r.service !== name && !r.success);
      if (failedDep) throw new AppError('service/dependency_failed', `cannot start ${name}: ${failedDep.message}`);
      throw own.error ?? new AppError('service/spawn_failed', own.message);
    }
    return strip(own, unit);
  }

  async stopService(name: string): Promise<ActionResult> {
    const unit = this.unit(name);
    const outcome = await unit.stop({ remember: true });
    return { success: true, service: name, message: outcome.message, pid: null, port: unit.spec.port };
  }

  async restartService(name: string, mode: RunMode): Promise<ActionResult> {
    const unit = this.unit(name);
    await unit.stop({ remember: false });
    const outcome = await unit.start(mode);
    return {
      success: true,
      service: name,
      message: outcome.message.replace('started successfully', 'restarted successfully'),
      pid: outcome.pid,
      port: unit.spec.port,
    };
  }

  async startAll(mode: RunMode): Promise<ActionResult[]> {
    return (await this.startSet([...this.units.keys()], () => mode)).map((r) => strip(r, this.unit(r.service)));
  }

  async stopAll(): Promise<ActionResult[]> {
    return this.stopSet([...this.units.keys()], true);
  }

  async restartAll(mode: RunMode): Promise<ActionResult[]> {
    await this.stopSet([...this.units.keys()], false);
    const results = await this.startAll(mode);
    return results.map((r) => ({ ...r, message: r.message.replace('started successfully', 'restarted successfully') }));
  }

  async reload(services: ServiceSpec[]): Promise<ServiceReload[]> {
    const changes = planReload(this.services, services);
    if (changes.length === 0) return [];
    const order = dependencyOrder(services);
    const report = new Map<string, ServiceReload>();
    const fieldsOf = (c: ServiceChange): string[] => (c.kind === 'changed' || c.kind === 'updated' ? c.fields : []);
    for (const c of changes) {
      if (c.kind === 'moved') continue;
      const service = c.kind === 'removed' ? c.name : c.spec.name;
      report.set(service, { service, change: c.kind, action: 'none', success: true, message: '', fields: fieldsOf(c) });
    }

    // Removed and rebuilt services stop first, dependents before what they depend on (old order).
    const rebuilt = changes.filter((c) => c.kind === 'removed' || c.kind === 'changed').map((c) => (c.kind === 'removed' ? c.name : c.spec.name));
    const wasUp = new Set(rebuilt.filter((n) => this.unit(n).pid !== null));
    for (const r of await this.stopSet(rebuilt, false)) {
      const entry = report.get(r.service)!;
      if (!r.success) Object.assign(entry, { success: false, message: `could not stop: ${r.message}` });
      else if (wasUp.has(r.service)) Object.assign(entry, { action: 'stopped', message: r.message });
    }
    for (const name of rebuilt) {
      await this.units.get(name)!.release();
      this.units.delete(name);
    }

    this.services = services;
    this.order = order;
    await this.deps.store.services.removeExcept(services.map((s) => s.name));
    const toStart: string[] = [];
    for (const c of changes) {
      if (c.kind === 'moved') {
        this.units.get(c.spec.name)!.updateSpec(c.spec);
        continue;
      }
      const entry = report.get(c.kind === 'removed' ? c.name : c.spec.name)!;
      if (c.kind === 'removed') {
        entry.message ||= 'removed (was not running)';
        continue;
      }
      if (c.kind === 'updated') {
        this.units.get(c.spec.name)!.updateSpec(c.spec);
        entry.message = `updated in place (${c.fields.join(', ')})`;
        continue;
      }
      const unit = this.makeUnit(c.spec, await this.deps.store.services.get(c.spec.name));
      this.units.set(c.spec.name, unit);
      await unit.resume();
      if (unit.desired === 'running' && entry.success) toStart.push(c.spec.name);
      else entry.message = c.kind === 'added' ? 'added; autostart is off, not started' : `updated (${entry.fields.join(', ')}); not running, not started`;
    }

    // Started in dependency order, with whatever they need that is not up yet.
    const modeOf = (name: string): RunMode => this.unit(name).state.mode;
    const needed = new Set(toStart.flatMap((n) => [...transitiveDependencies(services, n), n]));
    for (const r of await this.startSet([...needed], modeOf)) {
      const entry = report.get(r.service);
      if (!entry || !toStart.includes(r.service)) continue;
      const restarted = entry.action === 'stopped';
      Object.assign(entry, {
        success: r.success,
        action: r.success ? (restarted ? 'restarted' : 'started') : entry.action,
        message: r.success ? (restarted ? `restarted with the new settings (${entry.fields.join(', ')})` : r.message) : `not started: ${r.message}`,
      });
    }
    return [...report.values()];
  }

  // ---- internals ----

  private makeUnit(spec: ServiceSpec, stored: ServiceRecord | undefined): ServiceUnit {
    const { store, dataDir, logger } = this.deps;
    return new ServiceUnit(
      {
        spec,
        store,
        bus: this.deps.bus,
        logger,
        baseEnv: this.deps.baseEnv,
        output: this.deps.output,
        paths: {
          spoolOut: join(dataDir, 'spool', `${spec.name}.stdout`),
          spoolErr: join(dataDir, 'spool', `${spec.name}.stderr`),
        },
      },
      stored ?? { ...newServiceRecord(spec.name, new Date().toISOString()), desired: spec.autostart ? 'running' : 'stopped' },
    );
  }

  private unit(name: string): ServiceUnit {
    const unit = this.units.get(name);
    if (!unit) throw new AppError('service/not_found', `unknown service "${name}"; configured: ${[...this.units.keys()].join(', ') || 'none'}`);
    return unit;
  }

  /**
   * Starts `names` in dependency order, independent ones in parallel. A service starts once
   * each of its dependencies in the set is ready; if one is not, it is not started.
   */
  private async startSet(names: string[], modeOf: (name: string) => RunMode): Promise<(ActionResult & { error?: unknown })[]> {
    const wanted = new Set(names);
    const ports = new ListeningPorts();
    const running = new Map<string, Promise<ActionResult & { error?: unknown }>>();
    for (const spec of this.order) {
      if (!wanted.has(spec.name)) continue;
      const unit = this.unit(spec.name);
      const depPromises = spec.dependsOn.filter((d) => wanted.has(d)).map((d) => running.get(d)!);
      running.set(
        spec.name,
        Promise.all(depPromises).then(async (depResults) => {
          const base = { service: spec.name, pid: null, port: spec.port };
          const failed = depResults.find((r) => !r.success);
          if (failed) return { ...base, success: false, message: `not started: dependency ${failed.service} failed to start` };
          for (const dep of spec.dependsOn) {
            if (!(await this.unit(dep).waitReady(dependencyTimeoutMs))) {
              return { ...base, success: false, message: `not started: dependency ${dep} is not ready (${this.unit(dep).state.health_message ?? this.unit(dep).state.status})` };
            }
          }
          try {
            const outcome = await unit.start(modeOf(spec.name), { remember: true, ports });
            return { ...base, success: true, message: outcome.message, pid: outcome.pid };
          } catch (error) {
            return { ...base, success: false, message: (error as Error).message, error };
          }
        }),
      );
    }
    return Promise.all(names.filter((n) => running.has(n)).map((n) => running.get(n)!));
  }

  /** Stops `names` in reverse dependency order: a service stops after everything in the set that depends on it. */
  private async stopSet(names: string[], remember: boolean): Promise<ActionResult[]> {
    const wanted = new Set(names);
    const stopping = new Map<string, Promise<ActionResult>>();
    for (const spec of [...this.order].reverse()) {
      if (!wanted.has(spec.name)) continue;
      const dependents = this.order.filter((s) => s.dependsOn.includes(spec.name) && wanted.has(s.name)).map((s) => stopping.get(s.name)!);
      stopping.set(
        spec.name,
        Promise.all(dependents).then(async () => {
          try {
            const outcome = await this.unit(spec.name).stop({ remember });
            return { success: true, service: spec.name, message: outcome.message, pid: null, port: spec.port };
          } catch (err) {
            return { success: false, service: spec.name, message: (err as Error).message, pid: null, port: spec.port };
          }
        }),
      );
    }
    return Promise.all(this.order.filter((s) => wanted.has(s.name)).map((s) => stopping.get(s.name)!));
  }

  /** Stops processes of services that were removed from the config while running, and forgets them. */
  private async retireUnconfigured(): Promise<void> {
    const configured = new Set(this.services.map((s) => s.name));
    for (const rec of await this.deps.store.services.list()) {
      if (configured.has(rec.name) || rec.pid === null || rec.proc_start === null) continue;
      const handle = adoptProcess(rec.pid, rec.proc_start);
      if (!handle) continue;
      this.deps.logger.warn({ service: rec.name, pid: rec.pid }, 'stopping a service that is no longer configured');
      await terminate(handle, 'SIGTERM', 10_000);
    }
    await this.deps.store.services.removeExcept([...configured]);
  }

  private async flushAll(): Promise<void> {
    for (const unit of this.units.values()) {
      try {
        await unit.flush();
      } catch (err) {
        this.deps.logger.error({ err }, 'could not save service state');
      }
    }
  }
}

function strip(r: ActionResult & { error?: unknown }, unit: ServiceUnit): ActionResult {
  return { success: r.success, service: r.service, message: r.message, pid: r.pid ?? unit.pid, port: r.port };
}
