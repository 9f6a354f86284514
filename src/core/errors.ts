/**
 * The one catalogue of coded errors. Every failure a user can cause or meet has a code here,
 * with the HTTP status it maps to; the HTTP layer, the WebSocket feed and the CLI all read
 * this table, so a code means the same thing everywhere.
 */
export const errorStatus = {
  'request/invalid': 400,
  'request/malformed_json': 400,
  'request/unsupported_media_type': 415,
  'request/too_large': 413,
  'request/uri_too_long': 414,
  'route/not_found': 404,
  'auth/missing_token': 401,
  'auth/invalid_token': 401,
  'auth/forbidden': 403,
  'auth/invalid_credentials': 401,
  'auth/csrf': 403,
  'auth/rate_limited': 429,
  'auth/weak_password': 400,
  'auth/link_invalid': 400,
  'auth/link_expired': 410,
  'auth/link_used': 410,
  'user/not_found': 404,
  'user/exists': 409,
  'user/last_admin': 409,
  'token/not_found': 404,
  'token/exists': 409,
  'service/not_found': 404,
  'service/busy': 409,
  'service/port_in_use': 409,
  'service/cwd_missing': 422,
  'service/command_not_found': 422,
  'service/spawn_failed': 422,
  'service/dependency_failed': 424,
  'service/stop_failed': 409,
  'config/invalid': 400,
  'config/reload_unavailable': 409,
  'logs/queue_full': 429,
  'logs/invalid_entry': 400,
  'alerts/channel_not_found': 404,
  'alerts/rule_not_found': 404,
  'alerts/silence_not_found': 404,
  'hub/already_running': 409,
  'hub/port_in_use': 409,
  'hub/starting': 503,
  'hub/stopping': 503,
  'hub/unreachable': 503,
  'web/not_built': 503,
  'store/unavailable': 503,
  'hosts/not_found': 404,
  'hosts/exists': 409,
  'hosts/invalid': 400,
  'hosts/invalid_report': 400,
  'hosts/unauthenticated': 401,
  'hosts/unknown_host': 401,
  'hosts/wrong_key': 401,
  'hosts/bad_certificate': 401,
  'hosts/revoked': 403,
  'hosts/host_mismatch': 403,
  'hosts/rate_limited': 429,
  'certs/not_initialized': 409,
  'certs/none': 404,
  'oidc/not_configured': 404,
  /** return_to is not a path on this hub (an open redirect). */
  'oidc/invalid_return_to': 400,
  /** The callback's state is missing, unknown, used already, or not this browser's. */
  'oidc/invalid_state': 400,
  'oidc/login_expired': 400,
  /** The provider answered the authorization request with an error other than access_denied. */
  'oidc/provider_error': 400,
  /** The user (or the provider's policy) refused the login. */
  'oidc/access_denied': 403,
  /** The token endpoint refused the code: replayed, expired, or issued to someone else. */
  'oidc/code_rejected': 400,
  /** The ID token failed validation (issuer, audience, nonce, signature, time). */
  'oidc/invalid_id_token': 400,
  /** None of the user's groups maps to a role and default_role is null. */
  'oidc/no_role': 403,
  'oidc/user_disabled': 403,
  /** A local (or other issuer's) user already has this name. */
  'oidc/user_conflict': 409,
  'oidc/provider_unreachable': 502,
  'keycloak/not_configured': 404,
  'keycloak/not_found': 404,
  'keycloak/invalid': 400,
  'keycloak/unknown_group': 400,
  'keycloak/conflict': 409,
  /** The hub's admin account was refused a token (wrong credentials, client or realm). */
  'keycloak/auth_failed': 502,
  /** Keycloak answered 403: the hub's admin account lacks realm-management roles. */
  'keycloak/forbidden': 502,
  'keycloak/unreachable': 502,
  /** Any other unexpected answer from Keycloak (5xx, malformed body). */
  'keycloak/bad_gateway': 502,
  'internal': 500,
} as const satisfies Record<string, number>;

/** A code from the catalogue. */
export type ErrorCode = keyof typeof errorStatus;

/**
 * An expected failure: bad input, a missing thing, a refused action. Carries a catalogue code
 * and a message written for the user. Programmer errors stay plain `Error`s and surface as
 * `internal`, never disguised as one of these.
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** The HTTP status for this error's code. */
  get status(): number {
    return errorStatus[this.code];
  }
}

/** True when `err` is an AppError (across module copies too). */
export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError || (err instanceof Error && err.name === 'AppError' && 'code' in err);
}

/** The JSON body every API error answers with. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** Shapes any error into the API body; unknown errors never leak their internals. */
export function toErrorBody(err: unknown): { status: number; body: ErrorBody } {
  if (isAppError(err)) {
    const body: ErrorBody = { error: { code: err.code, message: err.message } };
    if (err.details !== undefined) body.error.details = err.details;
    return { status: err.status, body };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'internal error; see the hub log' } } };
}
