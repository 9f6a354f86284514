// GET /api/config over a real hub: the effective configuration for admins with every secret
// redacted (channels, SMTP, OIDC, Keycloak, service env, URLs, command flags); refused to others.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, signIn } from '../src/auth/testing/http.js';
import { startTestHub, type TestHub } from '../src/testing/hub-inprocess.js';

const node = process.execPath;
const password = 'config-view-password-1';

/** Every secret the configuration holds: none may appear in the answer. */
const secrets = {
  webhookPath: 'wh-path-secret-1',
  hmac: 'hmac-secret-2',
  slackPath: 'slack-path-secret-3',
  smtp: 'smtp-secret-4',
  bot: '42:tg-secret-5',
  oidc: 'oidc-secret-6',
  keycloak: 'kc-secret-7',
  apiToken: 'env-token-secret-8',
  dbPassword: 'db-url-secret-9',
  flag: 'flag-secret-10',
  inline: 'inline-secret-11',
  query: 'query-secret-12',
  shell: 'shell-secret-13',
};

let t: TestHub;

beforeAll(async () => {
  t = await startTestHub(
    {
      api: {
        command: [node, '-e', 'setInterval(() => {}, 1000)', '--', '--password', secrets.flag, `--api-key=${secrets.inline}`, '--verbose'],
        autostart: false,
        env: { API_TOKEN: secrets.apiToken, DATABASE_URL: `postgres://app:${secrets.dbPassword}@db.internal:5432/app`, LOG_FORMAT: 'json', camelCase: 'kept' },
        health: { http: `http://127.0.0.1:1/health?access_token=${secrets.query}&verbose=1`, interval: '30s' },
      },
      worker: { command: `DB_PASSWORD=${secrets.shell} exec sleep 1000`, autostart: false },
    },
    {},
    {
      alerts: {
        channels: [
          { name: 'hook', type: 'webhook', url: `http://127.0.0.1:9/in/${secrets.webhookPath}`, secret: secrets.hmac },
          { name: 'team', type: 'slack', url: `https://hooks.slack.com/services/T1/B2/${secrets.slackPath}` },
          { name: 'mail', type: 'email', smtp: { host: 'smtp.example.com', port: 587, user: 'mailer', password: secrets.smtp }, from: 'hub@example.com', to: ['ops@example.com'] },
          { name: 'tg', type: 'telegram', bot_token: secrets.bot, chat_id: 1001 },
        ],
      },
      auth: {
        password_min_length: 14,
        oidc: { issuer: 'https://sso.example.com/realms/ops', client_id: 'wheelhouse', client_secret: secrets.oidc, role_map: { 'ops-admins': 'admin' } },
        keycloak: { url: 'https://sso.example.com', realm: 'ops', admin_user: 'hub-admin', admin_password: secrets.keycloak },
      },
    },
  );
  for (const [name, role] of [['cora', 'admin'], ['olga', 'operator'], ['vick', 'viewer']] as const) {
    const res = await call(t, 'POST', '/api/users', { token: t.token, body: { name, role, password } });
    expect(res.status).toBe(201);
  }
});
afterAll(async () => t?.close());

interface ConfigView {
  file: string | null;
  data_dir: string;
  version: string;
  config: {
    hub: Record<string, unknown>;
    auth: { password_min_length: number; oidc: Record<string, unknown>; keycloak: Record<string, unknown> };
    alerts: { channels: Record<string, unknown>[] };
    services: { name: string; env: Record<string, string>; command: { kind: string; argv?: string[]; line?: string }; health: { probe: { url: string } } }[];
  };
}

describe('GET /api/config', () => {
  it('answers an admin the effective configuration with every secret redacted', async () => {
    const admin = await signIn(t, 'cora', password);
    const res = await call<ConfigView>(t, 'GET', '/api/config', { cookie: admin.cookie });
    expect(res.status).toBe(200);
    const text = JSON.stringify(res.body);
    for (const [what, secret] of Object.entries(secrets)) expect(text, what).not.toContain(secret);

    const { file, data_dir, version, config } = res.body;
    expect(file).toMatch(/wheelhouse\.yaml$/);
    expect(data_dir).toBe(t.dataDir);
    expect(version).toBe('test');
    expect(config.hub.data_dir).toBe(t.dataDir);
    // Every section of the file, none dropped by the response schema.
    expect(Object.keys(config).sort()).toEqual(['agents', 'alerts', 'auth', 'history', 'hub', 'logs', 'metrics', 'scrape', 'services', 'store', 'system']);
    expect((config as unknown as { history: Record<string, number> }).history).toEqual({ retention_ms: 90 * 86_400_000, audit_retention_ms: 365 * 86_400_000 });

    const [hook, team, mail, tg] = config.alerts.channels;
    expect(hook).toMatchObject({ name: 'hook', type: 'webhook', url: 'http://127.0.0.1:9/[redacted]', secret: '[redacted]' });
    expect(team).toMatchObject({ url: 'https://hooks.slack.com/[redacted]', secret: null });
    expect(mail).toMatchObject({ smtp: { host: 'smtp.example.com', port: 587, secure: false, user: 'mailer', password: '[redacted]' }, to: ['ops@example.com'] });
    expect(tg).toMatchObject({ bot_token: '[redacted]', chat_id: '1001' });

    // Settings named like a secret but holding a number are settings.
    expect(config.auth.password_min_length).toBe(14);
    expect(config.auth.oidc).toMatchObject({ issuer: 'https://sso.example.com/realms/ops', client_id: 'wheelhouse', client_secret: '[redacted]', role_map: { 'ops-admins': 'admin' } });
    expect(config.auth.keycloak).toMatchObject({ admin_user: 'hub-admin', admin_password: '[redacted]' });

    const api = config.services.find((s) => s.name === 'api')!;
    // Environment variable names are data: kept as written, secret-named values redacted, URL passwords too.
    expect(api.env).toEqual({ API_TOKEN: '[redacted]', DATABASE_URL: 'postgres://app:[redacted]@db.internal:5432/app', LOG_FORMAT: 'json', camelCase: 'kept' });
    expect(api.command.argv!.slice(-4)).toEqual(['--password', '[redacted]', '--api-key=[redacted]', '--verbose']);
    expect(api.health.probe.url).toBe('http://127.0.0.1:1/health?access_token=[redacted]&verbose=1');
    const worker = config.services.find((s) => s.name === 'worker')!;
    expect(worker.command).toEqual({ kind: 'shell', line: 'DB_PASSWORD=[redacted] exec sleep 1000' });
  });

  it('answers the same to the hub\'s admin token', async () => {
    const res = await call<ConfigView>(t, 'GET', '/api/config', { token: t.token });
    expect(res.status).toBe(200);
    expect(res.body.data_dir).toBe(t.dataDir);
  });

  it.each([
    ['an operator', 'olga'],
    ['a viewer', 'vick'],
  ])('refuses %s with 403', async (_who, name) => {
    const session = await signIn(t, name, password);
    const res = await call<{ error: { code: string } }>(t, 'GET', '/api/config', { cookie: session.cookie });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('auth/forbidden');
  });

  it('refuses a call without credentials with 401', async () => {
    const res = await call<{ error: { code: string } }>(t, 'GET', '/api/config');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('auth/missing_token');
  });
});
