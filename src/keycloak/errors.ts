/** Errors of the Keycloak adapter: their codes and statuses are in the one catalogue (core/errors.ts). */
import { AppError, type ErrorCode } from '../core/errors.js';

/** A code of the Keycloak adapter. */
export type KeycloakErrorCode = Extract<ErrorCode, `keycloak/${string}`>;

/** An expected failure talking to Keycloak; behaves as an AppError everywhere (HTTP answer, CLI exit code). */
export class KeycloakError extends AppError {
  constructor(
    code: KeycloakErrorCode,
    message: string,
    details?: unknown,
  ) {
    super(code, message, details);
  }
}
