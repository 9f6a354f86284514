/**
 * Error codes of the Keycloak adapter, with their HTTP status. They travel as AppErrors
 * (same name, code, status and message), so the one error handler answers them like any other.
 * TODO(catalogue): these codes belong in core/errors.ts; once they are there, KeycloakError
 * becomes a plain AppError and this table goes.
 */
export const keycloakErrorStatus = {
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
} as const satisfies Record<string, number>;

/** A code of the Keycloak area. */
export type KeycloakErrorCode = keyof typeof keycloakErrorStatus;

/** An expected failure talking to Keycloak; behaves as an AppError everywhere (HTTP answer, CLI exit code). */
export class KeycloakError extends Error {
  override readonly name = 'AppError';
  readonly status: number;
  constructor(
    readonly code: KeycloakErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.status = keycloakErrorStatus[code];
  }
}
