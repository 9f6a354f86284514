/**
 * Error codes of OIDC login, with their HTTP status. They travel as AppErrors (same name,
 * code, status and message), so the one error handler answers them like any other.
 * TODO(catalogue): these codes belong in core/errors.ts; once they are there, OidcError
 * becomes a plain AppError and this table goes.
 */
export const oidcErrorStatus = {
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
} as const satisfies Record<string, number>;

/** A code of the OIDC area. */
export type OidcErrorCode = keyof typeof oidcErrorStatus;

/** An expected failure of OIDC login; behaves as an AppError everywhere. */
export class OidcError extends Error {
  override readonly name = 'AppError';
  readonly status: number;
  constructor(
    readonly code: OidcErrorCode,
    message: string,
    /** Who tried, when known (for the audit trail). */
    readonly user?: string,
  ) {
    super(message);
    this.status = oidcErrorStatus[code];
  }
}
