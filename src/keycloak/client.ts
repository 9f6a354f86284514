/**
 * Authenticated calls to Keycloak's Admin REST API (`{url}/admin/realms/{realm}/…`): the cached
 * admin token is attached, a 401 re-fetches it once, and every refusal becomes a KeycloakError
 * that says what to fix.
 */
import { KeycloakError } from './errors.js';
import { keycloakMessage, send, type KeycloakResponse } from './http.js';
import { AdminToken, type TokenSettings } from './token.js';

/** What the adapter needs to know (AuthConfig.keycloak). */
export interface KeycloakSettings extends TokenSettings {
  /** The realm whose users and groups are managed. */
  realm: string;
}

/** One admin API call. */
export interface AdminCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below the realm, e.g. `/users/<id>`; segments already encoded (see `segment`). */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  /** The realm-management role the call needs, named in the error when Keycloak answers 403. */
  needs: string;
  /** What a 404 means, e.g. `user "42"`. */
  subject?: string;
}

/** Encodes one path segment, refusing values that would change the path (`.`, `..`, empty). */
export function segment(value: string): string {
  if (value === '' || value === '.' || value === '..') throw new KeycloakError('keycloak/invalid', `"${value}" is not a valid Keycloak id`);
  return encodeURIComponent(value);
}

/** The admin API of one realm. */
export class AdminApi {
  readonly token: AdminToken;
  private readonly base: string;

  constructor(
    readonly settings: KeycloakSettings,
    private readonly timeoutMs = 10_000,
    now?: () => number,
  ) {
    this.token = new AdminToken(settings, timeoutMs, now);
    this.base = `${settings.url}/admin/realms/${segment(settings.realm)}`;
  }

  /** Performs the call; resolves with a 2xx answer, rejects with a KeycloakError otherwise. */
  async call(call: AdminCall): Promise<KeycloakResponse> {
    const url = new URL(`${this.base}${call.path}`);
    for (const [k, v] of Object.entries(call.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    let token = await this.token.get();
    let res = await this.send(url, call, token);
    if (res.status === 401) {
      // Expired or revoked early (a Keycloak restart, a logout of the admin session): one fresh token, one retry.
      this.token.invalidate(token);
      token = await this.token.get();
      res = await this.send(url, call, token);
      if (res.status === 401) {
        throw new KeycloakError('keycloak/auth_failed', `Keycloak refused a freshly issued admin token for realm "${this.settings.realm}" (401): ${keycloakMessage(res.body) || 'unauthorized'}`);
      }
    }
    if (res.status >= 200 && res.status < 300) return res;
    throw this.refusal(res, call);
  }

  private send(url: URL, call: AdminCall, token: string): Promise<KeycloakResponse> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    let body: string | undefined;
    if (call.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(call.json);
    }
    return send(url, { method: call.method, headers, body }, this.timeoutMs);
  }

  private refusal(res: KeycloakResponse, call: AdminCall): KeycloakError {
    const s = this.settings;
    const message = keycloakMessage(res.body);
    switch (res.status) {
      case 400:
        return new KeycloakError('keycloak/invalid', `Keycloak refused the request: ${message || 'bad request'}`);
      case 403: {
        const where =
          s.adminRealm === s.realm
            ? `the "realm-management" client roles of realm "${s.realm}"`
            : `the "${s.realm}-realm" client roles in realm "${s.adminRealm}" (or that realm's "admin" role)`;
        return new KeycloakError(
          'keycloak/forbidden',
          `Keycloak answered 403 Forbidden: the admin account "${s.adminUser}" lacks the realm-management role "${call.needs}" for realm "${s.realm}". Assign it from ${where} in the Keycloak admin console (Users → ${s.adminUser} → Role mapping).`,
        );
      }
      case 404:
        if (/realm/i.test(message) && !/user|group/i.test(message)) {
          return new KeycloakError('keycloak/bad_gateway', `Keycloak has no realm "${s.realm}" (auth.keycloak.realm): ${message}`);
        }
        return new KeycloakError('keycloak/not_found', `${call.subject ?? 'the resource'} was not found in Keycloak realm "${s.realm}"${message ? ` (${message})` : ''}`);
      case 409:
        return new KeycloakError('keycloak/conflict', message || 'Keycloak reports a conflict');
      default:
        return new KeycloakError('keycloak/bad_gateway', `Keycloak answered ${call.method} ${call.path.split('?')[0]} with HTTP ${res.status}${message ? `: ${message}` : ''}`);
    }
  }
}
