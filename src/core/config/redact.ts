/**
 * The configuration as others may see it: keys in snake_case like the rest of the API, and
 * every secret replaced by "[redacted]".
 *
 * What counts as a secret: any value under a key named like secret, password, token, key or
 * credential (channel secrets, SMTP passwords, the OIDC client secret, the Keycloak admin
 * password, service environment variables such as API_TOKEN); the password in any URL and
 * query parameters named like a secret; the path and query of notification channel URLs
 * (Slack, Discord and webhook URLs carry their token there); the value after a secret-named
 * flag in a service command (`--password x`, `--api-key=x`, `DB_PASSWORD=x cmd`).
 */
import type { Config } from './model.js';

/** Every section of the configuration but `file`, with snake_case keys. */
export type RedactedConfig = Record<string, unknown>;

/** What a secret is replaced with. */
export const redacted = '[redacted]';

/** Words of a key that make its value a secret (matched at the end of each word: apikey, clientsecret). */
const secretWords = ['secret', 'password', 'passwd', 'token', 'key', 'credential', 'credentials'];
const secretExact = new Set(['pwd', 'pass', 'dsn']);

/** Fields whose children are data (names chosen by the user): their keys are kept as written. */
const dataRecords = new Set(['env', 'prodEnv', 'labels', 'annotations', 'match', 'roleMap']);

/** True when a key (camelCase, snake_case, kebab-case or UPPER_CASE) names a secret. */
export function isSecretKey(key: string): boolean {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return words.some((w) => secretExact.has(w) || secretWords.some((s) => w.endsWith(s)));
}

/** The configuration as GET /api/config shows it: snake_case keys, every secret redacted. */
export function redactConfig(config: Config): RedactedConfig {
  const { file: _file, ...rest } = config;
  // Channel URLs hold their secret in the path (Slack, Discord) or may (webhooks): keep only the origin.
  const masked = { ...rest, alerts: { ...rest.alerts, channels: rest.alerts.channels.map((c) => ({ ...c, url: c.url === null ? null : maskPath(c.url) })) } };
  return walk(masked, false) as RedactedConfig;
}

function walk(value: unknown, keepKeys: boolean, parent = ''): unknown {
  if (typeof value === 'string') return parent === 'line' ? scrubCommandLine(value) : scrubUrl(value);
  if (Array.isArray(value)) return parent === 'argv' ? scrubArgv(value.map(String)) : value.map((v) => walk(v, false));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const key = keepKeys ? k : snake(k);
    // Only text is a secret (password_min_length is a setting); one that is not set stays
    // visible as such: "not configured" is no secret.
    out[key] = typeof v === 'string' && v !== '' && isSecretKey(k) ? redacted : walk(v, dataRecords.has(k), k);
  }
  return out;
}

function snake(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** "https://hooks.slack.com/services/T/B/x" → "https://hooks.slack.com/[redacted]". */
function maskPath(url: string): string {
  try {
    const u = new URL(url);
    const rest = u.pathname !== '/' || u.search || u.hash ? `/${redacted}` : '';
    return `${u.protocol}//${u.host}${rest}`;
  } catch {
    return redacted;
  }
}

/** Hides the password of a URL and its query parameters named like a secret; other strings pass. */
function scrubUrl(s: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(s)) return s;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return s;
  }
  if (!u.password && ![...u.searchParams.keys()].some(isSecretKey)) return s;
  const auth = u.username ? `${u.username}${u.password ? `:${redacted}` : ''}@` : u.password ? `:${redacted}@` : '';
  const query = [...u.searchParams.entries()].map(([k, v]) => `${encodeURIComponent(k)}=${isSecretKey(k) ? redacted : encodeURIComponent(v)}`).join('&');
  // Special schemes (http, https) always have a host; others (postgres:) keep theirs in `host` too.
  return `${u.protocol}//${auth}${u.host}${u.pathname}${query ? `?${query}` : ''}${u.hash}`;
}

/** A flag whose value (the next argument) is a secret: `--password`, `-api-key`. */
const isSecretFlag = (arg: string | undefined): boolean => arg !== undefined && /^--?[A-Za-z0-9_-]+$/.test(arg) && isSecretKey(arg);

/** One argument: `--api-key=x` and `API_KEY=x` lose their value; URLs their credentials. */
function scrubArg(arg: string): string {
  const m = /^(--?)?([A-Za-z_][A-Za-z0-9_.-]*)=/.exec(arg);
  if (m && isSecretKey(m[2]!)) return `${m[0]}${redacted}`;
  return scrubUrl(arg);
}

/** `["--password", "x"]` → `["--password", "[redacted]"]`, and each argument as in scrubArg. */
function scrubArgv(argv: string[]): string[] {
  return argv.map((arg, i) => (isSecretFlag(argv[i - 1]) ? redacted : scrubArg(arg)));
}

/** The same for a shell line, word by word (quoted words kept whole). */
function scrubCommandLine(line: string): string {
  const parts = line.match(/\s+|(?:"[^"]*"|'[^']*'|[^\s"']+)+|["']/g) ?? [];
  let prev: string | undefined;
  return parts
    .map((part) => {
      if (/^\s+$/.test(part)) return part;
      const out = isSecretFlag(prev) ? redacted : scrubArg(part);
      prev = part;
      return out;
    })
    .join('');
}
