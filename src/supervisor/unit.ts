/**
 * One supervised service: its process, its restart policy, its health monitor, its output
 * capture and its persisted record. Every state change goes through `exclusive`, so a stop
 * arriving during a start, or an exit during a stop, is applied in order.
 */
import type { Logger } from 'pino';
import { dirname } from 'node:path';
import type { ServiceSpec } from '../core/config/index.js';
import { AppError } from '../core/errors.js';
import type { EventBus } from '../core/events.js';
import type { RunMode, ServiceRecord, ServiceStatus } from '../core/types.js';
import type { Store } from '../store/index.js';
import { tcpListeners, socketOwner } from '../system/proc.js';
import { ListeningPorts } from './ports.js';
import { ServiceOutput, type SpoolPaths } from './capture/output.js';
import type { OutputSink } from './capture/spool.js';
import { checkRunnable, toArgv } from './command.js';
import { createProbe, HealthMonitor, type HealthUpdate } from './health/index.js';
import { describeExit, RestartPolicy } from './policy.js';
import { adoptProcess, killLeftovers, spawnService, terminate, type ExitInfo, type ProcessHandle } from './process.js';
import { RestartSchedule } from './schedule.js';
import { ServiceWatch } from './watch.js';

/** What a unit is built from. */
export interface UnitDeps {
  spec: ServiceSpec;
  store: Store;
  bus: EventBus;
  logger: Logger;
  /** Its stdout and stderr spools under the data directory. */
  paths: SpoolPaths;
  /** Where captured stdout and stderr go. */
  output: OutputSink;
  /** Environment every service inherits (the hub's, minus its own secrets). */
  baseEnv: Record<string, string>;
}

/** Result of a start or stop, phrased for the API. */
export interface ActionOutcome {
  message: string;
  pid: number | null;
}

/** How long a start waits for a service without a health probe to survive its first moments. */
const settleMs = 250;

/** One supervised service. */
export class ServiceUnit {
  private current: ServiceSpec;
  private record: ServiceRecord;
  private handle: ProcessHandle | null = null;
  private generation = 0;
  private readonly policy: RestartPolicy;
  private monitor: HealthMonitor | null = null;
  private restartTimer: NodeJS.Timeout | undefined;
  private lock: Promise<unknown> = Promise.resolve();
  private stopping = false;
  private overLimit = false;
  private watch: ServiceWatch | null = null;
  private schedule: RestartSchedule | null = null;
  private dirty = false;
  private readonly output: ServiceOutput;
  private readonly readyWaiters = new Set<() => void>();

  constructor(
    private readonly deps: UnitDeps,
    stored: ServiceRecord,
  ) {
    this.current = deps.spec;
    this.record = { ...stored };
    this.policy = new RestartPolicy(this.current.restart);
    this.output = new ServiceOutput(deps.spec.name, deps.paths, deps.output, deps.logger, () => this.handle?.pid ?? null);
  }

  get spec(): ServiceSpec {
    return this.current;
  }

  /**
   * Takes new settings that do not change how the process runs (names, visibility, order,
   * dependencies, autostart, log files; see reconcile.ts). Anything else needs a new unit.
   */
  updateSpec(spec: ServiceSpec): void {
    this.current = spec;
  }

  /** A copy of the current record. */
  get state(): ServiceRecord {
    return { ...this.record };
  }

  /** Ready: running, and healthy when it has a probe. */
  get ready(): boolean {
    return this.record.status === 'running' && (this.spec.health === null || this.record.health === 'healthy');
  }

  /**
   * Picks up where the previous hub left off: follows the output spools and re-adopts the
   * recorded process if it is still the same process. Returns what it found.
   */
  async resume(): Promise<'adopted' | 'gone' | 'none'> {
    await this.output.follow();
    const pattern = this.spec.restart.schedule;
    if (pattern) {
      // A running service only: a scheduled restart never starts a stopped or errored one.
      this.schedule = new RestartSchedule(pattern, () => {
        if (this.handle) void this.restartBecause(`scheduled restart (restart.schedule "${pattern}")`, this.handle);
      });
    }
    const { pid, proc_start } = this.record;
    if (pid === null || proc_start === null) {
      if (this.record.status !== 'stopped' && this.record.status !== 'errored') await this.setStatus('stopped', this.record.reason);
      return 'none';
    }
    const handle = adoptProcess(pid, proc_start);
    if (!handle) {
      const wasRunning = this.record.status;
      this.record.pid = null;
      this.record.proc_start = null;
      this.record.exit_code = null;
      this.record.exit_signal = null;
      this.record.stopped_at = new Date().toISOString();
      await this.setStatus('stopped', `process ${pid} exited while the hub was down (was ${wasRunning})`);
      return 'gone';
    }
    this.attach(handle, this.record.started_at ? Date.parse(this.record.started_at) : Date.now());
    // It has been running all along: only its health is unknown until the first probe.
    await this.setStatus('running', 'adopted from the previous hub');
    this.deps.bus.publish('service.adopted', { service: this.spec.name, pid, at: new Date().toISOString() });
    return 'adopted';
  }

  /** What the user last asked for. */
  get desired(): 'running' | 'stopped' {
    return this.record.desired;
  }

  /**
   * Starts the service (no-op when already up). Waits until it is ready or has clearly failed.
   * `ports` shares one reading of the listening ports across a batch of starts.
   */
  async start(mode: RunMode, opts: { remember: boolean; ports?: ListeningPorts } = { remember: true }): Promise<ActionOutcome> {
    const since = Date.now();
    const started = await this.exclusive(async () => {
      if (opts.remember) this.record.desired = 'running';
      if (this.handle) {
        await this.persist();
        return false;
      }
      clearTimeout(this.restartTimer);
      this.policy.reset();
      await this.spawn(mode, { checkPort: true, ports: opts.ports });
      return true;
    });
    const name = this.spec.name;
    if (!started) return { message: `${name} is already running`, pid: this.record.pid };
    return this.awaitStart(since);
  }

  /** Stops the service and its whole process family. `remember` records that the user wants it stopped. */
  async stop(opts: { remember: boolean } = { remember: true }): Promise<ActionOutcome> {
    return this.exclusive(async () => {
      if (opts.remember) this.record.desired = 'stopped';
      clearTimeout(this.restartTimer);
      await this.watch?.stop();
      const handle = this.handle;
      if (!handle) {
        const wasWaiting = this.record.status === 'backoff' || this.record.status === 'errored';
        if (this.record.status !== 'stopped') await this.setStatus('stopped', wasWaiting ? 'stopped by request' : this.record.reason);
        else await this.persist();
        return { message: `${this.spec.name} is not running`, pid: null };
      }
      const how = await this.halt(handle, 'stop requested');
      await this.setStatus('stopped', how);
      return { message: how ? `${this.spec.name} ${how}` : `${this.spec.name} stopped successfully`, pid: null };
    });
  }

  /** Resolves true when the unit is ready, false when it fails or `timeoutMs` passes first. */
  waitReady(timeoutMs: number): Promise<boolean> {
    if (this.ready) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.readyWaiters.delete(check);
        resolve(this.ready);
      };
      const check = (): void => {
        if (this.ready || this.handle === null || this.record.health === 'unhealthy') done();
      };
      const timer = setTimeout(done, timeoutMs);
      this.readyWaiters.add(check);
    });
  }

  /** Records a CPU/memory sample of the process family; restarts it when over `restart.max_memory`. */
  sampled(cpuPercent: number, memoryMb: number): void {
    if (!this.handle) return;
    this.note({ cpu_percent: cpuPercent, memory_mb: memoryMb });
    this.deps.bus.publish('service.sample', { service: this.spec.name, cpu_percent: cpuPercent, memory_mb: memoryMb, at: new Date().toISOString() });
    const limit = this.spec.restart.maxMemoryBytes;
    if (limit !== null && memoryMb * 1024 * 1024 > limit && !this.overLimit) {
      // Like PM2's max_memory_restart: a graceful restart, not a crash.
      this.overLimit = true;
      const limitMb = Math.round((limit / 1024 / 1024) * 10) / 10;
      void this.restartBecause(`memory ${memoryMb} MB over the ${limitMb} MB limit (restart.max_memory)`, this.handle).finally(() => (this.overLimit = false));
    }
  }

  /** The pid to sample, when running. */
  get pid(): number | null {
    return this.handle?.pid ?? null;
  }

  /** Saves the record if samples or offsets changed since the last save. */
  async flush(): Promise<void> {
    if (this.dirty) await this.persist();
  }

  /** Lets go of the service without stopping it (hub exit): timers, probes and tailers end. */
  async release(): Promise<void> {
    clearTimeout(this.restartTimer);
    await this.watch?.stop();
    this.schedule?.stop();
    this.monitor?.stop();
    await this.output.drain(false);
    await this.output.stop();
    await this.persist();
  }

  // ---- internals ----

  /**
   * Stops `handle`'s process family and records the exit (the caller holds the lock). Resolves
   * with why it needed SIGKILL, or null when it stopped by itself.
   */
  private async halt(handle: ProcessHandle, why: string): Promise<string | null> {
    this.stopping = true;
    this.monitor?.stop();
    await this.setStatus('stopping', why);
    try {
      const { exit, escalated } = await terminate(handle, this.spec.stop.signal, this.spec.stop.graceMs);
      this.output.writerExited(handle.pid);
      this.detach();
      this.record.exit_code = exit.code;
      this.record.exit_signal = exit.signal;
      this.record.stopped_at = new Date().toISOString();
      this.publishExit(handle, exit, this.record.started_at ? Date.now() - Date.parse(this.record.started_at) : null);
      await this.output.drain(true);
      return escalated ? `did not exit within ${this.spec.stop.graceMs / 1000}s of ${this.spec.stop.signal}; killed` : null;
    } finally {
      this.stopping = false;
    }
  }

  /**
   * Stops the service (when it runs) and starts it again, for `reason`: a memory limit, its
   * schedule, or changed files. Not a crash: the backoff and the crash-loop count start afresh. With
   * `only`, nothing happens unless that is still the running process.
   */
  private restartBecause(reason: string, only: ProcessHandle | null): Promise<void> {
    return this.exclusive(async () => {
      if (this.stopping || this.record.desired !== 'running' || (only && this.handle !== only)) return;
      this.deps.logger.warn({ service: this.spec.name, pid: this.handle?.pid ?? null }, `${reason}; restarting`);
      clearTimeout(this.restartTimer);
      this.policy.reset();
      if (this.handle) await this.halt(this.handle, `${reason}; restarting`);
      else await this.setStatus('stopped', `${reason}; restarting`);
      await this.restart();
    });
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lock.then(work, work);
    this.lock = run.catch(() => {});
    return run;
  }

  private async spawn(mode: RunMode, opts: { checkPort: boolean; ports?: ListeningPorts | undefined }): Promise<void> {
    const { spec } = this;
    const command = mode === 'prod' && spec.prodCommand ? spec.prodCommand : spec.command;
    const env = this.environment(mode);
    checkRunnable(spec.name, command, spec.cwd, env);
    // A user's start gets a clear "port in use" error; an automatic restart skips the /proc
    // scan (it is on the crash-to-healthy path) and a taken port shows as a crash loop.
    if (opts.checkPort && spec.port !== null && (opts.ports ?? new ListeningPorts()).mayBeTaken(spec.port)) assertPortFree(spec.name, spec.port);
    const { file, args } = toArgv(command);
    await this.setStatus('starting', null);
    let handle: ProcessHandle;
    try {
      handle = await spawnService({ file, args, cwd: spec.cwd, env, stdoutPath: this.deps.paths.spoolOut, stderrPath: this.deps.paths.spoolErr });
    } catch (err) {
      await this.setStatus('errored', (err as Error).message);
      throw err;
    }
    this.record.mode = mode;
    this.record.pid = handle.pid;
    this.record.proc_start = handle.startTicks;
    this.record.started_at = new Date().toISOString();
    this.record.exit_code = null;
    this.record.exit_signal = null;
    this.record.cpu_percent = null;
    this.record.memory_mb = null;
    this.attach(handle, Date.now());
    // Persisted before anything else happens: a hub killed now still finds its child.
    await this.setStatus(spec.health ? 'starting' : 'running', null);
  }

  private attach(handle: ProcessHandle, startedAtMs: number): void {
    this.handle = handle;
    const generation = ++this.generation;
    this.record.health = this.spec.health ? 'unknown' : 'none';
    this.record.health_message = this.spec.health ? 'waiting for the first probe' : 'no health check configured';
    void handle.exited.then((exit) => this.exclusive(() => this.onExit(generation, handle, exit, Date.now() - startedAtMs)));
    if (this.spec.watch) {
      // Keeps watching across restarts and crashes (a change starts an errored service again).
      this.watch ??= new ServiceWatch(this.spec.watch, this.spec.cwd, [dirname(dirname(this.deps.paths.spoolOut))], {
        changed: (reason) => void this.restartBecause(reason, null),
        error: (err) => this.deps.logger.warn({ service: this.spec.name, err }, 'watching files failed'),
      });
      this.watch.start();
    }
    if (this.spec.health) {
      const env = this.environment(this.record.mode);
      const probe = createProbe(this.spec.health.probe, { cwd: this.spec.cwd, env, timeoutMs: this.spec.health.timeoutMs });
      this.monitor = new HealthMonitor(this.spec.health, probe, (u) => void this.exclusive(() => this.onHealth(generation, u)));
      this.monitor.start();
    }
  }

  private detach(): void {
    this.monitor?.stop();
    this.monitor = null;
    this.handle = null;
    this.generation++;
    this.record.pid = null;
    this.record.proc_start = null;
    this.record.cpu_percent = null;
    this.record.memory_mb = null;
    this.record.health = this.spec.health ? 'unknown' : 'none';
    this.record.health_message = null;
  }

  private async onExit(generation: number, handle: ProcessHandle, exit: ExitInfo, runMs: number): Promise<void> {
    if (generation !== this.generation || this.stopping) return;
    // The leader is gone; anything it left behind would hold ports and files of the next run.
    killLeftovers(handle.pid);
    this.output.writerExited(handle.pid);
    this.detach();
    const now = Date.now();
    this.record.exit_code = exit.code;
    this.record.exit_signal = exit.signal;
    this.record.stopped_at = new Date(now).toISOString();
    this.publishExit(handle, exit, runMs);
    const how = describeExit(exit.code, exit.signal);
    const decision = this.policy.onExit({ code: exit.code, signal: exit.signal, runMs, now });
    if (decision.action === 'restart' && decision.delayMs === 0) {
      // A service that had run stably comes back at once, before its predecessor's last output
      // is stored (that output is marked as the exited process's): the new process's boot is
      // the user's downtime, the bookkeeping is not.
      await this.setStatus('backoff', `${how}; restarting`);
      await this.restart();
      // Final (and the spools emptied) only when the restart failed and nothing writes them.
      await this.output.drain(this.handle === null);
      return;
    }
    await this.output.drain(true);
    if (decision.action === 'stay-stopped') {
      await this.setStatus('stopped', decision.reason);
    } else if (decision.action === 'give-up') {
      await this.setStatus('errored', decision.reason);
      this.deps.bus.publish('service.errored', { service: this.spec.name, reason: decision.reason, at: new Date().toISOString() });
      this.deps.logger.warn({ service: this.spec.name }, decision.reason);
    } else {
      await this.setStatus('backoff', `${how}; restarting${decision.delayMs > 0 ? ` in ${decision.delayMs}ms` : ''}`);
      this.scheduleRestart(decision.delayMs);
    }
  }

  private scheduleRestart(delayMs: number): void {
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      void this.exclusive(async () => {
        if (this.record.status !== 'backoff' || this.handle) return;
        await this.restart();
      });
    }, delayMs);
  }

  /** An automatic restart (the caller holds the lock); a failure leaves the unit errored. */
  private async restart(): Promise<void> {
    this.record.restarts += 1;
    try {
      await this.spawn(this.record.mode, { checkPort: false });
    } catch (err) {
      const reason = `restart failed: ${(err as Error).message}`;
      await this.setStatus('errored', reason);
      this.deps.bus.publish('service.errored', { service: this.spec.name, reason, at: new Date().toISOString() });
    }
  }

  private async onHealth(generation: number, u: HealthUpdate): Promise<void> {
    if (generation !== this.generation) return;
    const at = new Date().toISOString();
    this.record.last_checked = at;
    this.record.health_message = u.result.message;
    this.record.health = u.healthy ? 'healthy' : 'unhealthy';
    if (u.changed) {
      this.deps.bus.publish(u.healthy ? 'service.healthy' : 'service.unhealthy', { service: this.spec.name, message: u.result.message, at });
      if (this.record.status === 'starting') {
        await this.setStatus('running', u.healthy ? null : `started, but not healthy: ${u.result.message}`);
      } else {
        await this.persist();
      }
    } else {
      this.dirty = true;
    }
    this.notifyReady();
  }

  /** After a spawn: waits for readiness, or for an early exit, and phrases the outcome. */
  private async awaitStart(since: number): Promise<ActionOutcome> {
    const { name } = this.spec;
    const pid = this.record.pid;
    if (this.spec.health) {
      const window = this.spec.health.failures * this.spec.health.intervalMs + this.spec.health.timeoutMs;
      await this.waitReady(window);
    } else {
      await new Promise((r) => setTimeout(r, Math.min(settleMs, this.spec.restart.stableAfterMs)));
    }
    if (this.record.pid === pid && this.handle) {
      if (this.ready) return { message: `${name} started successfully`, pid };
      return { message: `${name} started, but is not healthy yet: ${this.record.health_message ?? 'no answer'}`, pid };
    }
    // The exit handler drained the spool, so what the process wrote to stderr is stored now.
    const tail = (await this.deps.output.recent(name, 'stderr', since, 600).catch(() => '')).trim().replace(/\s*\n\s*/g, ' | ');
    throw new AppError('service/spawn_failed', `${name} exited right after starting (${this.record.reason ?? 'unknown reason'})${tail ? `; stderr: ${tail}` : ''}`);
  }

  private notifyReady(): void {
    for (const check of [...this.readyWaiters]) check();
  }

  private environment(mode: RunMode): Record<string, string> {
    const { spec } = this;
    const env: Record<string, string> = { ...this.deps.baseEnv, ...spec.env, ...(mode === 'prod' ? spec.prodEnv : {}) };
    if (spec.port !== null && env.PORT === undefined) env.PORT = String(spec.port);
    env.WHEELHOUSE_SERVICE = spec.name;
    env.WHEELHOUSE_MODE = mode;
    return env;
  }

  private publishExit(handle: ProcessHandle, exit: ExitInfo, runMs: number | null = null): void {
    this.deps.bus.publish('service.exit', {
      service: this.spec.name,
      pid: handle.pid,
      code: exit.code,
      signal: exit.signal,
      uptime_ms: runMs,
      at: new Date().toISOString(),
    });
  }

  private async setStatus(to: ServiceStatus, reason: string | null): Promise<void> {
    const from = this.record.status;
    this.record.status = to;
    this.record.reason = reason;
    await this.persist();
    if (from !== to) {
      this.deps.bus.publish('service.state', { service: this.spec.name, from, to, pid: this.record.pid, reason, at: this.record.updated_at });
    }
    this.notifyReady();
  }

  private note(change: Partial<ServiceRecord>): void {
    Object.assign(this.record, change);
    this.dirty = true;
  }

  private async persist(): Promise<void> {
    this.record.updated_at = new Date().toISOString();
    this.dirty = false;
    await this.deps.store.services.save({ ...this.record });
  }
}

function assertPortFree(service: string, port: number): void {
  const inodes = tcpListeners(port);
  if (inodes.length === 0) return;
  const owner = socketOwner(inodes[0]!);
  const who = owner ? ` by ${owner.comm} (pid ${owner.pid})` : '';
  throw new AppError('service/port_in_use', `cannot start ${service}: port ${port} is already in use${who}`);
}
