/**
 * OIDC login, authorization code flow with PKCE: `begin` makes the provider URL and remembers
 * state, nonce and verifier; `complete` checks the callback against them (once), exchanges
 * the code, validates the ID token, maps the groups claim to a role and provisions the user.
 */
import { timingSafeEqual } from 'node:crypto';
import * as client from 'openid-client';
import type { AuthConfig } from '../../core/config/index.js';
import type { Store, UserRecord } from '../../store/index.js';
import { provisionUser } from './account.js';
import { displayNameOf, emailOf, groupsOf, roleFor, safeReturnTo, userNameOf } from './claims.js';
import { OidcError } from './errors.js';
import { PendingLogins } from './pending.js';
import { Provider } from './provider.js';

/** The `auth.oidc` settings. */
export type OidcSettings = NonNullable<AuthConfig['oidc']>;

/** Path of the callback route, below the hub's base URL. */
export const callbackPath = '/api/auth/oidc/callback';

/** A finished login. */
export interface CompletedLogin {
  user: UserRecord;
  returnTo: string;
  /** The groups the provider sent, and those that matched role_map. */
  groups: string[];
  matched: string[];
}

/** OIDC login against one provider. */
export class OidcLogin {
  readonly pending: PendingLogins;
  readonly provider: Provider;

  constructor(
    readonly settings: OidcSettings,
    private readonly store: Store,
    options: { pending?: PendingLogins } = {},
  ) {
    this.provider = new Provider(settings);
    this.pending = options.pending ?? new PendingLogins();
  }

  /** `oidc:<issuer>`, the source of users this provider signs in. */
  get source(): string {
    return `oidc:${this.settings.issuer}`;
  }

  /**
   * Starts a login: answers the provider URL and the state to bind to the browser (cookie).
   * `baseUrl` is the hub as users reach it (public_url, or the request's origin).
   */
  async begin(baseUrl: string, returnTo: string | undefined): Promise<{ url: URL; state: string }> {
    const to = safeReturnTo(returnTo);
    if (to === undefined) throw new OidcError('oidc/invalid_return_to', 'return_to must be a path on this hub, such as /services (absolute and protocol-relative URLs are refused)');
    const state = client.randomState();
    const nonce = client.randomNonce();
    const codeVerifier = client.randomPKCECodeVerifier();
    const redirectUri = `${baseUrl}${callbackPath}`;
    const url = await this.provider.authorizationUrl({ redirectUri, scopes: this.settings.scopes, state, nonce, codeVerifier });
    this.pending.add({ state, nonce, codeVerifier, returnTo: to, redirectUri });
    return { url, state };
  }

  /**
   * Completes a login from the callback's query (`params`) and the state the browser's cookie
   * holds. The state is usable once: a replayed callback is refused.
   */
  async complete(params: URLSearchParams, browserState: string | undefined): Promise<CompletedLogin> {
    const state = params.get('state');
    if (!state || !browserState) throw new OidcError('oidc/invalid_state', 'this login has no state (the login cookie is missing or the provider sent none): start again at /api/auth/oidc/login');
    if (!sameSecret(state, browserState)) throw new OidcError('oidc/invalid_state', 'the login state does not match the one this browser started: start again at /api/auth/oidc/login');
    const login = this.pending.take(state);
    if (login === 'expired') throw new OidcError('oidc/login_expired', `the login took longer than ${this.pending.ttlMs / 60_000} minutes: start again at /api/auth/oidc/login`);
    if (!login) throw new OidcError('oidc/invalid_state', 'this login was completed already or is unknown to the hub: start again at /api/auth/oidc/login');

    const callbackUrl = new URL(login.redirectUri);
    for (const [k, v] of params) callbackUrl.searchParams.append(k, v);
    const verified = await this.provider.exchange(callbackUrl, login);
    let claims = verified.claims;
    if (!(this.settings.groupsClaim in claims) && groupsOf(claims, this.settings.groupsClaim).length === 0) {
      // Many providers keep groups (and profile claims) out of the ID token and serve them at userinfo.
      claims = { ...(await this.provider.userinfo(verified)), ...claims };
    }
    const groups = groupsOf(claims, this.settings.groupsClaim);
    const name = userNameOf(claims, this.settings.issuer);
    const { role, matched } = roleFor(groups, this.settings.roleMap, this.settings.defaultRole);
    if (!role) {
      throw new OidcError(
        'oidc/no_role',
        `"${name}" signed in, but none of their groups (${groups.length > 0 ? groups.join(', ') : `no "${this.settings.groupsClaim}" claim`}) is mapped to a role in auth.oidc.role_map, and default_role is null: ask an admin for access`,
        name,
      );
    }
    const user = await provisionUser(this.store, { name, displayName: displayNameOf(claims, name), email: emailOf(claims), role, source: this.source });
    return { user, returnTo: login.returnTo, groups, matched };
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
