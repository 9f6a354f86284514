/**
 * Where the CLI finds things: the config file, the data directory, the hub's URL and a
 * token, from flags first, then the environment, then the config file, then defaults.
 * This is the only place the CLI reads the environment.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { adminTokenPath } from '../auth/tokens.js';
import { defaultDataDir } from '../core/config/data-dir.js';
import type { Config, ConfigOverrides } from '../core/config/index.js';
import { AppError } from '../core/errors.js';
import { withCliSession } from './users/session-file.js';

/** Global flags every command accepts. */
export interface GlobalFlags {
  config?: string;
  dataDir?: string;
  port?: string;
  host?: string;
  url?: string;
  json?: boolean;
}

/** The config file to use: --config, WHEELHOUSE_CONFIG, ./wheelhouse.yaml if present, else none. */
export function configPath(flags: GlobalFlags): string | null {
  const given = flags.config ?? process.env.WHEELHOUSE_CONFIG;
  if (given) return resolve(given);
  const local = resolve('wheelhouse.yaml');
  return existsSync(local) ? local : null;
}

/** Overrides from flags and environment. */
export function overrides(flags: GlobalFlags): ConfigOverrides {
  const out: ConfigOverrides = {};
  const dataDir = flags.dataDir ?? process.env.WHEELHOUSE_DATA_DIR;
  if (dataDir) out.dataDir = dataDir;
  const host = flags.host ?? process.env.WHEELHOUSE_HOST;
  if (host) out.host = host;
  const port = flags.port ?? process.env.WHEELHOUSE_PORT;
  if (port !== undefined && port !== '') {
    const n = Number(port);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new AppError('request/invalid', `invalid port "${port}": use a number from 0 to 65535`);
    out.port = n;
  }
  return out;
}

/** Loads the full configuration (for the hub and `config validate`). */
export async function loadFullConfig(flags: GlobalFlags): Promise<Config> {
  // Loaded on demand: the YAML parser is not needed by commands that only call a hub.
  const { loadConfig } = await import('../core/config/load.js');
  return loadConfig({ file: configPath(flags), overrides: overrides(flags), env: process.env });
}

/** How the CLI reaches the hub. */
export interface HubAddress {
  url: string;
  token: string | undefined;
  tokenSource: string;
}

/** The hub's URL and a token for the client commands. */
export async function hubAddress(flags: GlobalFlags): Promise<HubAddress> {
  const envUrl = flags.url ?? process.env.WHEELHOUSE_URL;
  const envToken = process.env.WHEELHOUSE_TOKEN;
  const given = overrides(flags);
  let config: Config | undefined;
  // The file is read only for what the flags and environment leave open: with a URL and a token,
  // or a URL and a data directory (whose admin.token to read), it has nothing to add, and
  // loading and validating it is over a third of a short command's run time.
  const needConfig = !envUrl || (!envToken && given.dataDir === undefined);
  if (needConfig) config = await loadFullConfig(flags);
  const host = config?.hub.host ?? '127.0.0.1';
  const url = (envUrl ?? `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${config?.hub.port ?? 5004}`).replace(/\/+$/, '');
  if (envToken) return { url, token: envToken, tokenSource: 'WHEELHOUSE_TOKEN' };
  // Then the session of `wheelhouse login`, then the local admin token.
  const fromSession = withCliSession({ url, token: undefined, tokenSource: 'none' });
  if (fromSession.token) return fromSession;
  const file = adminTokenPath(config?.hub.dataDir ?? (given.dataDir !== undefined ? resolve(given.dataDir) : defaultDataDir()));
  try {
    return { url, token: readFileSync(file, 'utf8').trim(), tokenSource: file };
  } catch {
    return { url, token: undefined, tokenSource: file };
  }
}

/** The first admin's password for a new hub (WHEELHOUSE_ADMIN_PASSWORD), if set. */
export function adminPasswordFromEnv(): string | undefined {
  return process.env.WHEELHOUSE_ADMIN_PASSWORD || undefined;
}

/** The environment services inherit: the caller's, without Wheelhouse's own settings and secrets. */
export function serviceEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('WHEELHOUSE_')) env[k] = v;
  }
  return env;
}
