/**
 * Identity and access: users and roles, password sign-in, sessions, CSRF, login throttling,
 * invitations and resets, API tokens with scopes. `createAccess` builds the pieces for one
 * hub from the store and the `auth` settings; the HTTP layer (http/permissions.ts,
 * http/routes/auth.ts) only calls them.
 */
import type { AuthConfig } from '../core/config/index.js';
import type { Store } from '../store/index.js';
import { ApiTokens } from './api-tokens.js';
import { Authenticator } from './authenticate.js';
import { Links } from './links.js';
import { LoginService } from './login.js';
import { PasswordHasher } from './passwords.js';
import { LoginLimiter } from './rate-limit.js';
import { Sessions } from './sessions.js';
import { TokenVerifier } from './tokens.js';
import { Users } from './users.js';

export { ApiTokens, type NewToken, type TokenView } from './api-tokens.js';
export { Authenticator, sessionPrincipal, type CredentialSource } from './authenticate.js';
export { bootstrapAdmin, firstAdminName, type BootstrapResult } from './bootstrap.js';
export { clearSessionCookie, readCookie, sessionCookie, sessionSetCookie } from './cookies.js';
export { linkTtlMs, Links, type IssuedLink } from './links.js';
export { invalidCredentials, LoginService, LoginThrottled, type SignedIn } from './login.js';
export { checkPassword, defaultHashParams, maxCredentialLength, minimumHashParams, parsePhc, PasswordHasher, type HashParams } from './passwords.js';
export type { Credential, CredentialVia, Principal } from './principal.js';
export { accountKey, addressKey, LoginLimiter } from './rate-limit.js';
export { capScopes, grantableScopes, isRole, roles, roleScopes, type Role } from './roles.js';
export { allows, isScope, scopes, type Scope } from './scopes.js';
export { hashSecret, Sessions, type LiveSession, type SessionSettings } from './sessions.js';
export { adminTokenPath, ensureAdminToken, ensureServicesToken, hashToken, TokenVerifier } from './tokens.js';
export { userView, Users, type NewUser, type UserChange, type UserView } from './users.js';

/** Everything the auth routes need, built for one hub. */
export interface Access {
  hasher: PasswordHasher;
  limiter: LoginLimiter;
  sessions: Sessions;
  login: LoginService;
  users: Users;
  links: Links;
  tokens: ApiTokens;
  authenticator: Authenticator;
}

/** Builds the access services over `store` with the `auth` settings; `hasher` and `now` are for tests. */
export function createAccess(opts: { store: Store; auth: AuthConfig; hasher?: PasswordHasher; now?: () => number }): Access {
  const { store, auth } = opts;
  const now = opts.now ?? Date.now;
  const hasher = opts.hasher ?? new PasswordHasher();
  const limiter = new LoginLimiter(auth.loginAttemptsPerMinute, now);
  const sessions = new Sessions(store, { ttlMs: auth.sessionTtlMs, idleMs: auth.sessionIdleMs }, now);
  const users = new Users(store, hasher, { minLength: auth.passwordMinLength }, sessions, now);
  return {
    hasher,
    limiter,
    sessions,
    login: new LoginService(store, hasher, limiter, sessions),
    users,
    links: new Links(store, users, now),
    tokens: new ApiTokens(store, now),
    authenticator: new Authenticator(new TokenVerifier(store, now), sessions, auth.publicUrl),
  };
}
