/**
 * Error codes of the hosts area, with their HTTP status. They travel as AppErrors (same
 * name, code, status and message), so the one error handler answers them like any other.
 * TODO(catalogue): these codes belong in core/errors.ts; once they are there, HostError
 * becomes a plain AppError and this table goes.
 */
export const hostErrorStatus = {
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
} as const satisfies Record<string, number>;

/** A code of the hosts area. */
export type HostErrorCode = keyof typeof hostErrorStatus;

/** An expected failure of the hosts area; behaves as an AppError everywhere (HTTP answer, CLI exit code). */
export class HostError extends Error {
  override readonly name = 'AppError';
  readonly status: number;
  constructor(
    readonly code: HostErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.status = hostErrorStatus[code];
  }
}

/** A 429 that says when to come back. */
export class RateLimited extends HostError {
  constructor(
    readonly hostId: string,
    readonly retryAfterS: number,
    limitPerMinute: number,
  ) {
    super('hosts/rate_limited', `host "${hostId}" sends more than ${limitPerMinute} report requests a minute; retry in ${retryAfterS} s`);
  }
}
