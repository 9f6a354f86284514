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
  'logs/queue_full': 429,
  'logs/invalid_entry': 400,
  'alerts/channel_not_found': 404,
  'hub/already_running': 409,
  'hub/port_in_use': 409,
  'hub/starting': 503,
  'hub/unreachable': 503,
  'store/unavailable': 503,
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
