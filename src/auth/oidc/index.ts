/**
 * OIDC login (optional, `auth.oidc`): authorization code flow with PKCE through the
 * `openid-client` package, the provider's groups claim mapped to a hub role.
 */
export { callbackPath, OidcLogin, type CompletedLogin, type OidcSettings } from './login.js';
export { OidcError, type OidcErrorCode } from './errors.js';
export { groupsOf, roleFor, safeReturnTo, userNameOf } from './claims.js';
export { PendingLogins } from './pending.js';
