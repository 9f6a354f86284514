/**
 * The admin access token: fetched with the password grant from the admin realm, cached until
 * shortly before `expires_in` (master realm tokens live about 60 s), one fetch at a time.
 */
import { KeycloakError } from './errors.js';
import { keycloakMessage, send } from './http.js';

/** Where and as whom the token is fetched. */
export interface TokenSettings {
  url: string;
  adminRealm: string;
  adminUser: string;
  adminPassword: string;
  clientId: string;
}

/**
 * A token is renewed this long before Keycloak says it expires, so a request never leaves
 * with a token that dies in flight: 10 s, or half the lifetime for very short-lived tokens.
 */
export function renewalMargin(lifetimeMs: number): number {
  return Math.min(10_000, lifetimeMs / 2);
}

/** Caches the admin token. Concurrent callers share one fetch. */
export class AdminToken {
  private cached: { token: string; renewAt: number } | null = null;
  private inflight: Promise<string> | null = null;
  /** Tokens fetched since start (diagnostics and tests). */
  fetches = 0;

  constructor(
    private readonly settings: TokenSettings,
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A token that is not about to expire; fetches one when needed. */
  async get(): Promise<string> {
    if (this.cached && this.now() < this.cached.renewAt) return this.cached.token;
    this.inflight ??= this.fetch().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  /** Forgets `token` after Keycloak refused it (a 401); a newer token fetched meanwhile is kept. */
  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = null;
  }

  private async fetch(): Promise<string> {
    const s = this.settings;
    const url = new URL(`${s.url}/realms/${encodeURIComponent(s.adminRealm)}/protocol/openid-connect/token`);
    const form = new URLSearchParams({ grant_type: 'password', client_id: s.clientId, username: s.adminUser, password: s.adminPassword });
    const started = this.now();
    this.fetches++;
    const res = await send(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: form }, this.timeoutMs);
    const body = res.body as { access_token?: unknown; expires_in?: unknown } | string;
    if (res.status !== 200) {
      const why = keycloakMessage(res.body) || `HTTP ${res.status}`;
      if (res.status === 404) throw new KeycloakError('keycloak/auth_failed', `Keycloak has no realm "${s.adminRealm}" to sign the admin in (auth.keycloak.admin_realm): ${why}`);
      throw new KeycloakError('keycloak/auth_failed', `Keycloak refused the admin credentials of "${s.adminUser}" (realm "${s.adminRealm}", client "${s.clientId}"): ${why}`);
    }
    if (typeof body !== 'object' || typeof body.access_token !== 'string' || !body.access_token) {
      throw new KeycloakError('keycloak/bad_gateway', `Keycloak's token endpoint answered 200 without an access_token (is ${s.url} a Keycloak?)`);
    }
    const lifetimeMs = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in * 1000 : 60_000;
    // Counted from when the request left, so time spent waiting for the answer is not granted twice.
    this.cached = { token: body.access_token, renewAt: started + lifetimeMs - renewalMargin(lifetimeMs) };
    return body.access_token;
  }
}
