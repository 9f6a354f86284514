/** Errors of OIDC login: their codes and statuses are in the one catalogue (core/errors.ts). */
import { AppError, type ErrorCode } from '../../core/errors.js';

/** A code of OIDC login. */
export type OidcErrorCode = Extract<ErrorCode, `oidc/${string}`>;

/** An expected failure of OIDC login; behaves as an AppError everywhere. */
export class OidcError extends AppError {
  constructor(
    code: OidcErrorCode,
    message: string,
    /** Who tried, when known (for the audit trail). */
    readonly user?: string,
  ) {
    super(code, message);
  }
}
