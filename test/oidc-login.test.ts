// OIDC login end to end: a real OpenID provider (oidc-provider) started here, the hub as its
// client, a browser made of fetch posting the provider's login and consent forms.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, signInAtProvider } from '../src/auth/oidc/testing/browser.js';
import { startTestProvider, type TestAccount, type TestProvider } from '../src/auth/oidc/testing/provider.js';
import { openStore, type Store } from '../src/store/index.js';
import { freePort } from '../src/testing/helpers.js';
import { startTestHub, type TestHub } from '../src/testing/hub-inprocess.js';

const clientId = 'wheelhouse';
const clientSecret = 'hub-client-secret';
const callback = '/api/auth/oidc/callback';

const accounts: Record<string, TestAccount> = {
  alice: { preferred_username: 'alice', name: 'Alice Admin', email: 'alice@example.com', groups: ['staff', 'ops-admins'] },
  bob: { preferred_username: 'bob', name: 'Bob Operator', groups: ['/ops'] },
  mallory: { preferred_username: 'mallory', groups: ['marketing', '<img src=x onerror=alert(1)>'] },
  carol: { preferred_username: 'carol' },
  squatter: { preferred_username: 'LocalOnly', groups: ['ops-admins'] },
};

type ErrorBody = { error: { code: string; message: string } };

async function startPair(options: { conformIdTokenClaims?: boolean; startProvider?: boolean } = {}): Promise<{ hub: TestHub; issuer: string; port: number; provider: TestProvider | null }> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const hub = await startTestHub({}, {}, {
    auth: {
      oidc: {
        issuer,
        client_id: clientId,
        client_secret: clientSecret,
        scopes: ['openid', 'profile', 'email', 'groups'],
        role_map: { 'ops-admins': 'admin', ops: 'operator', staff: 'viewer' },
        default_role: null,
      },
    },
  });
  const provider = options.startProvider === false ? null : await startTestProvider({ port, clientId, clientSecret, redirectUris: [`${hub.url}${callback}`], accounts, conformIdTokenClaims: options.conformIdTokenClaims });
  return { hub, issuer, port, provider };
}

let t: TestHub;
let issuer: string;
let provider: TestProvider | null;
let store: Store;

beforeAll(async () => {
  ({ hub: t, issuer, provider } = await startPair());
  store = await openStore({ kind: 'sqlite' }, t.dataDir);
});
afterAll(async () => {
  await store?.close();
  await t?.close();
  await provider?.close();
});

/** Runs the login of `login` up to the callback URL, not yet visited. */
async function toCallback(browser: Browser, login: string, returnTo?: string, hub = t): Promise<string> {
  const start = `${hub.url}/api/auth/oidc/login${returnTo === undefined ? '' : `?return_to=${encodeURIComponent(returnTo)}`}`;
  return signInAtProvider(browser, start, login, `${hub.url}${callback}`);
}

function cookieHeader(browser: Browser, hub = t): string {
  return `wh_session=${browser.cookie(hub.url, 'wh_session')}`;
}

describe('OIDC login', () => {
  it('says whether it is enabled', async () => {
    expect(await (await t.fetch('/api/auth/oidc')).json()).toEqual({ enabled: true, issuer, login_url: '/api/auth/oidc/login' });
  });

  it('redirects to the provider with state, nonce and PKCE, bound to the browser by a Lax cookie', async () => {
    const res = await t.fetch('/api/auth/oidc/login', { redirect: 'manual' });
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get('location')!);
    expect(`${to.origin}${to.pathname}`).toBe(`${issuer}/auth`);
    const q = Object.fromEntries(to.searchParams);
    expect(q).toMatchObject({ client_id: clientId, response_type: 'code', redirect_uri: `${t.url}${callback}`, scope: 'openid profile email groups', code_challenge_method: 'S256' });
    expect(q.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('wh_oidc='))!;
    expect(cookie).toBe(`wh_oidc=${q.state}; HttpOnly; SameSite=Lax; Path=/api/auth/oidc; Max-Age=600`);
  });

  it('signs in a member of ops-admins as admin with a working session', async () => {
    const browser = new Browser();
    const cb = await toCallback(browser, 'alice');
    const res = await browser.request(cb);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/');
    const setCookies = res.headers.getSetCookie();
    expect(setCookies.find((c) => c.startsWith('wh_session='))).toMatch(/^wh_session=whs_[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/$/);
    expect(setCookies).toContain('wh_oidc=; HttpOnly; SameSite=Lax; Path=/api/auth/oidc; Max-Age=0');

    const user = await store.auth.user('alice');
    expect(user).toMatchObject({ name: 'alice', display_name: 'Alice Admin', email: 'alice@example.com', role: 'admin', password_hash: null, source: `oidc:${issuer}`, disabled_at: null });

    const session = await t.fetch('/api/auth/session', { headers: { cookie: cookieHeader(browser) } });
    expect(session.status).toBe(200);
    expect(await session.json()).toMatchObject({ user: { name: 'alice', role: 'admin' }, credential: { kind: 'session', via: 'cookie' } });
    expect((await t.fetch('/api/services', { headers: { cookie: cookieHeader(browser) } })).status).toBe(200);
  });

  it('maps a Keycloak-style group path to its role and lands on return_to', async () => {
    const browser = new Browser();
    const res = await browser.request(await toCallback(browser, 'bob', '/services/api?tab=logs#tail'));
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/services/api?tab=logs#tail');
    expect((await store.auth.user('bob'))?.role).toBe('operator');
  });

  it('recomputes the role from the groups at every login', async () => {
    accounts.bob!.groups = ['staff'];
    try {
      const browser = new Browser();
      expect((await browser.request(await toCallback(browser, 'bob'))).status).toBe(302);
      expect((await store.auth.user('bob'))?.role).toBe('viewer');
      const session = await t.fetch('/api/auth/session', { headers: { cookie: cookieHeader(browser) } });
      expect(await session.json()).toMatchObject({ user: { name: 'bob', role: 'viewer' }, scopes: ['read'] });
    } finally {
      accounts.bob!.groups = ['/ops'];
    }
  });

  it('refuses a user in no mapped group (default_role null) with a clear, escaped 403', async () => {
    const browser = new Browser();
    const cb = await toCallback(browser, 'mallory');
    const page = await browser.request(cb);
    expect(page.status).toBe(403);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.getSetCookie().some((c) => c.startsWith('wh_session='))).toBe(false);
    const html = await page.text();
    expect(html).toContain('none of their groups (marketing, &#60;img src=x onerror=alert(1)&#62;) is mapped to a role');
    expect(html).not.toContain('<img');
    expect(await store.auth.user('mallory')).toBeUndefined();

    const again = new Browser();
    const json = await again.request(await toCallback(again, 'carol'), { headers: { accept: 'application/json' } });
    expect(json.status).toBe(403);
    expect(((await json.json()) as ErrorBody).error).toEqual({
      code: 'oidc/no_role',
      message: '"carol" signed in, but none of their groups (no "groups" claim) is mapped to a role in auth.oidc.role_map, and default_role is null: ask an admin for access',
    });
  });

  it('refuses a tampered state, and the genuine callback still works afterwards', async () => {
    const browser = new Browser();
    const cb = new URL(await toCallback(browser, 'alice'));
    const tampered = new URL(cb);
    tampered.searchParams.set('state', `${cb.searchParams.get('state')!.slice(0, -2)}AA`);
    const res = await browser.request(tampered.href, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.code).toBe('oidc/invalid_state');
    // The state cookie was cleared by the refused attempt; the browser still has the state in hand.
    browser.setCookie(t.url, 'wh_oidc', cb.searchParams.get('state')!);
    expect((await browser.request(cb.href)).status).toBe(302);
  });

  it('refuses a callback from a browser that did not start the login (login CSRF)', async () => {
    const attacker = new Browser();
    const cb = await toCallback(attacker, 'mallory');
    const victim = new Browser();
    const res = await victim.request(cb, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error).toEqual({ code: 'oidc/invalid_state', message: 'this login has no state (the login cookie is missing or the provider sent none): start again at /api/auth/oidc/login' });
  });

  it('refuses a replayed callback, and a replayed code under a fresh state', async () => {
    const browser = new Browser();
    const cb = await toCallback(browser, 'alice');
    const state = browser.cookie(t.url, 'wh_oidc')!;
    expect((await browser.request(cb)).status).toBe(302);
    browser.setCookie(t.url, 'wh_oidc', state);
    const replay = await browser.request(cb, { headers: { accept: 'application/json' } });
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as ErrorBody).error).toEqual({ code: 'oidc/invalid_state', message: 'this login was completed already or is unknown to the hub: start again at /api/auth/oidc/login' });

    // A new login, then its callback forged with the old (used) code: the provider refuses the code.
    const fresh = await browser.request(`${t.url}/api/auth/oidc/login`);
    const freshState = new URL(fresh.headers.get('location')!).searchParams.get('state')!;
    const forged = new URL(cb);
    forged.searchParams.set('state', freshState);
    const res = await browser.request(forged.href, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('oidc/code_rejected');
    expect(body.error.message).toContain('invalid_grant');
  });

  it('refuses return_to values that would leave the hub (no open redirect)', async () => {
    for (const bad of ['https://evil.example/', '//evil.example/x', '/\\evil.example', '\\\\evil.example', 'javascript:alert(1)', 'evil.example', '/ok\r\nSet-Cookie: x=1', '/\t/evil.example']) {
      const res = await t.fetch(`/api/auth/oidc/login?return_to=${encodeURIComponent(bad)}`, { redirect: 'manual' });
      expect(res.status, bad).toBe(400);
      expect(((await res.json()) as ErrorBody).error.code, bad).toBe('oidc/invalid_return_to');
      expect(res.headers.get('location'), bad).toBeNull();
    }
  });

  it('answers the provider\'s access_denied with a 403', async () => {
    const browser = new Browser();
    const { hops, res } = await browser.follow(`${t.url}/api/auth/oidc/login`);
    expect(res!.status).toBe(200); // the provider's login page
    const interaction = hops[hops.length - 1]!.url;
    const back = await browser.follow(`${interaction}/abort`, `${t.url}${callback}`);
    expect(back.stoppedAt).toContain('error=access_denied');
    const denied = await browser.request(back.stoppedAt!, { headers: { accept: 'application/json' } });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as ErrorBody).error).toEqual({ code: 'oidc/access_denied', message: 'the identity provider refused the login (access_denied: End-User aborted interaction)' });
  });

  it('never takes over a local user\'s name', async () => {
    const at = new Date().toISOString();
    await store.auth.createUser({ name: 'localonly', display_name: 'Local', email: null, role: 'viewer', password_hash: null, source: 'local', created_at: at, updated_at: at, disabled_at: null, sessions_valid_after: null });
    const browser = new Browser();
    const res = await browser.request(await toCallback(browser, 'squatter'), { headers: { accept: 'application/json' } });
    expect(res.status).toBe(409);
    expect(((await res.json()) as ErrorBody).error.code).toBe('oidc/user_conflict');
    expect((await store.auth.user('localonly'))?.role).toBe('viewer');
  });

  it('records logins and refused logins in the audit trail', async () => {
    const records = await store.audit.list({ action: 'auth.oidc.login', limit: 100 });
    expect(records.find((r) => r.actor === 'alice' && r.result === 'ok')).toMatchObject({ target: 'alice', status: 302, details: expect.objectContaining({ role: 'admin', groups: ['staff', 'ops-admins'], source: `oidc:${issuer}` }) });
    expect(records.find((r) => r.actor === 'mallory')).toMatchObject({ result: 'denied', status: 403, details: expect.objectContaining({ code: 'oidc/no_role' }) });
    expect(records.some((r) => r.result === 'failed' && r.status === 400 && r.details?.code === 'oidc/invalid_state')).toBe(true);
  });
});

describe('OIDC login, other providers', () => {
  it('reads the groups from userinfo when the ID token has none, and survives a provider that was down', async () => {
    const pair = await startPair({ conformIdTokenClaims: true, startProvider: false });
    let later: TestProvider | null = null;
    try {
      const down = await pair.hub.fetch('/api/auth/oidc/login', { redirect: 'manual' });
      expect(down.status).toBe(502);
      expect(((await down.json()) as ErrorBody).error.code).toBe('oidc/provider_unreachable');

      later = await startTestProvider({ port: pair.port, clientId, clientSecret, redirectUris: [`${pair.hub.url}${callback}`], accounts, conformIdTokenClaims: true });
      const browser = new Browser();
      const res = await browser.request(await toCallback(browser, 'alice', undefined, pair.hub));
      expect(res.status).toBe(302);
      const session = await pair.hub.fetch('/api/auth/session', { headers: { cookie: cookieHeader(browser, pair.hub) } });
      expect(await session.json()).toMatchObject({ user: { name: 'alice', role: 'admin' } });
    } finally {
      await pair.hub.close();
      await later?.close();
    }
  });

  it('answers 404 oidc/not_configured without auth.oidc', async () => {
    const bare = await startTestHub({});
    try {
      expect(await (await bare.fetch('/api/auth/oidc')).json()).toEqual({ enabled: false, issuer: null, login_url: null });
      for (const path of ['/api/auth/oidc/login', `${callback}?code=x&state=y`]) {
        const res = await bare.fetch(path, { redirect: 'manual' });
        expect(res.status, path).toBe(404);
        expect(((await res.json()) as ErrorBody).error.code).toBe('oidc/not_configured');
      }
    } finally {
      await bare.close();
    }
  });
});
