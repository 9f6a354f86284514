/** Errors of the hosts area: their codes and statuses are in the one catalogue (core/errors.ts). */
import { AppError, type ErrorCode } from '../core/errors.js';

/** A code of the hosts area. */
export type HostErrorCode = Extract<ErrorCode, `hosts/${string}` | `certs/${string}`>;

/** An expected failure of the hosts area; behaves as an AppError everywhere (HTTP answer, CLI exit code). */
export class HostError extends AppError {
  constructor(
    code: HostErrorCode,
    message: string,
    details?: unknown,
  ) {
    super(code, message, details);
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
