/**
 * Reads wheelhouse.yaml: YAML syntax, schema, references and cross-field rules, reporting
 * every problem as `file:line:col: path: message`, then applies defaults and overrides.
 */
import { readFileSync, existsSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { AppError } from '../errors.js';
import { defaultDataDir } from './data-dir.js';
import { ConfigError } from './error.js';
import { findCycle } from '../graph.js';
import { parseDuration, parseSize } from '../units.js';
import { cronProblem } from './cron.js';
import type { CommandSpec, Config, ConfigOverrides, HealthSpec, ServiceSpec, WatchSpec } from './model.js';
import { agentSettings, alertingSettings, metricSettings, monitoringIssues, scrapeTargets } from './monitoring.js';
import { PositionIndex } from './positions.js';
import { resolveReferences } from './references.js';
import type { RawConfig, RawService } from './schema.js';
import { schemaIssues, type ConfigIssue } from './validate.js';

/** Where to load from and what overrides the file. */
export interface LoadOptions {
  /** Path of the file; null runs with no file (no services, defaults only). */
  file: string | null;
  overrides?: ConfigOverrides;
  /** Environment for `${env:NAME}` references. */
  env?: Record<string, string | undefined>;
}

/** Loads, validates and normalizes the configuration. Throws ConfigError listing every problem. */
export function loadConfig(options: LoadOptions): Config {
  const file = options.file === null ? null : resolve(options.file);
  let raw: RawConfig = {};
  if (file !== null) {
    if (!existsSync(file)) throw new ConfigError([`${file}: file not found`]);
    raw = parseAndCheck(file, options.env ?? {});
  }
  return normalize(raw, file, options.overrides ?? {});
}

function parseAndCheck(file: string, env: Record<string, string | undefined>): RawConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`${file}: cannot read: ${(err as Error).message}`]);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return `${file}:${pos.line}:${pos.col}: ${e.message.split('\n')[0]}`;
      }),
    );
  }
  const value = doc.toJS({ maxAliasCount: 100 }) ?? {};
  const positions = new PositionIndex(doc, lines);
  const issues: ConfigIssue[] = [];
  if (typeof value !== 'object' || Array.isArray(value)) {
    issues.push({ path: [], message: 'the file must be a mapping (key: value) at the top level' });
  } else {
    issues.push(...schemaIssues(value));
    if (issues.length === 0) issues.push(...crossFieldIssues(value as RawConfig));
    if (issues.length === 0) issues.push(...resolveReferences(value, { env, baseDir: dirname(file) }));
  }
  if (issues.length > 0) throw new ConfigError(format(file, issues, positions));
  return value as RawConfig;
}

function format(file: string, issues: ConfigIssue[], positions: PositionIndex): string[] {
  return issues
    .map((i) => {
      const pos = i.key !== undefined ? positions.keyAt(i.path, i.key) : positions.valueAt(i.path);
      const path = [...i.path, ...(i.key !== undefined ? [i.key] : [])].join('.') || '(root)';
      return { pos, text: `${file}:${pos.line}:${pos.col}: ${path}: ${i.message}` };
    })
    .sort((a, b) => a.pos.line - b.pos.line || a.pos.col - b.pos.col)
    .map((x) => x.text);
}

/** Rules the schema cannot say: references between services, one probe kind, unique ports. */
function crossFieldIssues(raw: RawConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const services = raw.services ?? {};
  const names = new Set(Object.keys(services));
  const ports = new Map<number, string>();
  for (const [name, svc] of Object.entries(services)) {
    if (name === 'all') issues.push({ path: ['services'], key: 'all', message: '"all" is reserved for commands on every service' });
    (svc.depends_on ?? []).forEach((dep, i) => {
      if (dep === name) issues.push({ path: ['services', name, 'depends_on', i], message: 'a service cannot depend on itself' });
      else if (!names.has(dep)) issues.push({ path: ['services', name, 'depends_on', i], message: `unknown service "${dep}"` });
    });
    if (svc.health) {
      const kinds = (['http', 'tcp', 'command'] as const).filter((k) => svc.health?.[k] !== undefined);
      if (kinds.length !== 1) {
        issues.push({ path: ['services', name, 'health'], message: `give exactly one probe: http, tcp or command (found ${kinds.length === 0 ? 'none' : kinds.join(', ')})` });
      }
    }
    const schedule = svc.restart?.schedule;
    if (schedule !== undefined) {
      const problem = cronProblem(schedule);
      if (problem) issues.push({ path: ['services', name, 'restart', 'schedule'], message: `invalid cron schedule "${schedule}": ${problem}` });
    }
    if (svc.port !== undefined) {
      const other = ports.get(svc.port);
      if (other) issues.push({ path: ['services', name, 'port'], message: `port ${svc.port} is also used by service "${other}"` });
      else ports.set(svc.port, name);
    }
  }
  // Self-dependencies are reported above; the cycle search looks for longer loops.
  const cycle = findCycle(Object.entries(services).map(([name, s]) => ({ name, dependsOn: (s.depends_on ?? []).filter((d) => d !== name) })));
  if (cycle) issues.push({ path: ['services', cycle[0]!, 'depends_on'], message: `dependency cycle: ${cycle.join(' -> ')}` });
  if (raw.store?.kind === 'postgres' && !raw.store.url) issues.push({ path: ['store'], message: 'kind postgres needs a url' });
  issues.push(...monitoringIssues(raw));
  return issues;
}

function normalize(raw: RawConfig, file: string | null, overrides: ConfigOverrides): Config {
  const baseDir = file ? dirname(file) : process.cwd();
  const rel = (p: string): string => (isAbsolute(p) ? p : resolve(baseDir, p));
  const hub = raw.hub ?? {};
  const dataDir = overrides.dataDir !== undefined ? resolve(overrides.dataDir) : hub.data_dir ? rel(hub.data_dir) : defaultDataDir();
  const services = Object.entries(raw.services ?? {}).map(([name, svc], index) => normalizeService(name, svc, index, rel));
  return {
    file,
    hub: {
      host: overrides.host ?? hub.host ?? '127.0.0.1',
      port: overrides.port ?? hub.port ?? 5004,
      dataDir,
      bodyLimit: parseSize(hub.body_limit ?? '1MB')!,
      sampleIntervalMs: parseDuration(hub.sample_interval ?? '5s')!,
    },
    store: raw.store?.kind === 'postgres' ? { kind: 'postgres', url: raw.store.url! } : { kind: 'sqlite' },
    system: {
      environment: raw.system?.environment ?? 'development',
      logLevel: raw.system?.log_level ?? 'info',
      hostname: raw.system?.hostname ?? hostname(),
    },
    logs: {
      retentionMs: parseDuration(raw.logs?.retention ?? '7d')!,
      maxBytes: parseSize(raw.logs?.max_size ?? '5GB')!,
      maxMessageBytes: parseSize(raw.logs?.max_message ?? '64KB')!,
      maxQueued: raw.logs?.max_queue ?? 200_000,
      ingestBodyLimit: parseSize(raw.logs?.ingest_body_limit ?? '16MB')!,
    },
    history: {
      retentionMs: parseDuration(raw.history?.retention ?? '90d')!,
      auditRetentionMs: parseDuration(raw.history?.audit_retention ?? '365d')!,
    },
    metrics: metricSettings(raw),
    agents: agentSettings(raw),
    scrape: scrapeTargets(raw),
    alerts: alertingSettings(raw),
    auth: authConfig(raw),
    services,
  };
}

function authConfig(raw: RawConfig): Config['auth'] {
  const a = raw.auth ?? {};
  return {
    sessionTtlMs: parseDuration(a.session_ttl ?? '7d')!,
    sessionIdleMs: parseDuration(a.session_idle ?? '12h')!,
    passwordMinLength: a.password_min_length ?? 12,
    loginAttemptsPerMinute: a.login_attempts_per_minute ?? 5,
    cookieSecure: a.cookie_secure ?? null,
    publicUrl: a.public_url ?? null,
    oidc: a.oidc
      ? {
          issuer: a.oidc.issuer,
          clientId: a.oidc.client_id,
          clientSecret: a.oidc.client_secret ?? null,
          scopes: a.oidc.scopes ?? ['openid', 'profile', 'email'],
          groupsClaim: a.oidc.groups_claim ?? 'groups',
          roleMap: a.oidc.role_map ?? {},
          defaultRole: a.oidc.default_role ?? null,
        }
      : null,
    keycloak: a.keycloak
      ? {
          url: a.keycloak.url.replace(/\/+$/, ''),
          realm: a.keycloak.realm,
          adminRealm: a.keycloak.admin_realm ?? 'master',
          adminUser: a.keycloak.admin_user,
          adminPassword: a.keycloak.admin_password,
          clientId: a.keycloak.client_id ?? 'admin-cli',
        }
      : null,
  };
}

function normalizeService(name: string, svc: RawService, index: number, rel: (p: string) => string): ServiceSpec {
  const restart = svc.restart ?? {};
  const cwd = rel(svc.cwd ?? '.');
  return {
    name,
    displayName: svc.display_name ?? name,
    description: svc.description ?? '',
    command: toCommand(svc.command),
    prodCommand: svc.prod_command !== undefined ? toCommand(svc.prod_command) : null,
    cwd,
    env: stringify(svc.env),
    prodEnv: stringify(svc.prod_env),
    port: svc.port ?? null,
    autostart: svc.autostart ?? true,
    dependsOn: svc.depends_on ?? [],
    health: toHealth(svc.health),
    restart: {
      policy: restart.policy ?? 'always',
      backoffMs: parseDuration(restart.backoff ?? '100ms')!,
      maxBackoffMs: parseDuration(restart.max_backoff ?? '30s')!,
      stableAfterMs: parseDuration(restart.stable_after ?? '1s')!,
      crashLoopExits: restart.crash_loop_exits ?? 5,
      crashLoopWindowMs: parseDuration(restart.crash_loop_window ?? '10s')!,
      // 0 means no limit, like leaving it out.
      maxMemoryBytes: restart.max_memory !== undefined ? parseSize(restart.max_memory)! || null : null,
      schedule: restart.schedule ?? null,
    },
    stop: { signal: (svc.stop?.signal ?? 'SIGTERM') as NodeJS.Signals, graceMs: parseDuration(svc.stop?.grace ?? '10s')! },
    logFiles: (svc.logs?.files ?? []).map((g) => (isAbsolute(g) ? g : resolve(cwd, g))),
    watch: toWatch(svc.watch, cwd),
    visible: svc.visible ?? true,
    adminOnly: svc.admin_only ?? false,
    displayOrder: svc.display_order ?? index,
  };
}

function toCommand(c: string | string[]): CommandSpec {
  return typeof c === 'string' ? { kind: 'shell', line: c } : { kind: 'argv', argv: c };
}

function toWatch(w: RawService['watch'], cwd: string): WatchSpec | null {
  if (w === undefined || w === false) return null;
  const o = w === true ? {} : w;
  return {
    paths: (o.paths ?? ['.']).map((p) => resolve(cwd, p)),
    ignore: o.ignore ?? ['node_modules', '.git', 'logs', '*.log'],
    debounceMs: parseDuration(o.debounce ?? '500ms')!,
  };
}

function toHealth(h: RawService['health']): HealthSpec | null {
  if (!h) return null;
  const common = {
    intervalMs: parseDuration(h.interval ?? '5s')!,
    timeoutMs: parseDuration(h.timeout ?? '2s')!,
    failures: h.failures ?? 3,
  };
  if (h.http !== undefined) return { probe: { kind: 'http', url: h.http }, ...common };
  if (h.tcp !== undefined) {
    const i = h.tcp.lastIndexOf(':');
    return { probe: { kind: 'tcp', host: h.tcp.slice(0, i), port: Number(h.tcp.slice(i + 1)) }, ...common };
  }
  return { probe: { kind: 'command', command: toCommand(h.command!) }, ...common };
}

function stringify(env: Record<string, string | number | boolean> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(env ?? {}).map(([k, v]) => [k, String(v)]));
}
