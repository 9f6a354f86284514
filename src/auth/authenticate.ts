/**
 * From a request's credentials to a principal: `Authorization: Bearer <secret>` (an API
 * token `whk_…`, or a CLI session `whs_…`), the `wh_session` cookie of a browser, or, on a
 * WebSocket upgrade only, `?access_token=`. A credential that is present but bad is refused
 * (401) and never falls back to another one.
 *
 * Cookie-authenticated requests are the ones a browser could be tricked into sending, so
 * they get the CSRF checks (`csrfProblem`): state-changing methods must carry the
 * session's X-CSRF-Token, and an Origin (or Sec-Fetch-Site) naming another site is refused,
 * on WebSocket upgrades too.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '../core/errors.js';
import { readCookie, sessionCookie } from './cookies.js';
import type { CredentialVia, Principal } from './principal.js';
import { roleScopes } from './roles.js';
import { sessionPrefix, type LiveSession, type Sessions } from './sessions.js';
import type { TokenVerifier } from './tokens.js';

/** The parts of a request authentication looks at. */
export interface CredentialSource {
  method: string;
  headers: IncomingHttpHeaders;
  query?: unknown;
}

const stateChanging = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Turns credentials into principals. */
export class Authenticator {
  constructor(
    private readonly verifier: TokenVerifier,
    readonly sessions: Sessions,
    /** The URL users reach the hub at, if configured: its origin is accepted besides the Host's. */
    private readonly publicUrl: string | null = null,
  ) {}

  /**
   * The principal of the request; null when it carries no credential at all. Throws
   * auth/invalid_token for a malformed, unknown, expired, revoked or tampered one.
   */
  async authenticate(req: CredentialSource): Promise<Principal | null> {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!m) throw new AppError('auth/invalid_token', 'the Authorization header must be "Bearer <token>"');
      return this.bearer(m[1]!, 'bearer');
    }
    // Browsers cannot set headers on a WebSocket: they may pass a token as access_token.
    const queryToken = (req.query as { access_token?: unknown } | undefined)?.access_token;
    if (isUpgrade(req.headers) && typeof queryToken === 'string') return this.bearer(queryToken, 'query');
    const cookie = readCookie(req.headers.cookie, sessionCookie);
    if (cookie !== undefined) return this.session(cookie, 'cookie');
    return null;
  }

  /** Why a cookie-authenticated request must be refused as cross-site, or undefined when it is fine. */
  csrfProblem(req: CredentialSource, principal: Principal): string | undefined {
    const cred = principal.credential;
    if (cred.kind !== 'session' || cred.via !== 'cookie') return undefined;
    const method = req.method.toUpperCase();
    const upgrade = isUpgrade(req.headers);
    if (!stateChanging.has(method) && !upgrade) return undefined;
    if (!this.sameOrigin(req.headers)) return 'the request comes from another site (Origin does not match this hub)';
    if (upgrade) return undefined;
    const sent = req.headers['x-csrf-token'];
    if (typeof sent !== 'string' || !sameSecret(sent, cred.csrfToken)) {
      return 'missing or wrong X-CSRF-Token header: send the csrf_token from the login answer or GET /api/auth/session';
    }
    return undefined;
  }

  /** True unless Origin names another host than the one addressed (or than public_url), or Sec-Fetch-Site says cross-site. */
  sameOrigin(headers: IncomingHttpHeaders): boolean {
    if (headers['sec-fetch-site'] === 'cross-site') return false;
    const origin = headers.origin;
    if (origin === undefined) return true;
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      return false; // includes "null": sandboxed frames, file: pages
    }
    if (headers.host !== undefined && host === headers.host) return true;
    if (this.publicUrl) {
      try {
        return host === new URL(this.publicUrl).host;
      } catch {
        return false;
      }
    }
    return false;
  }

  private async bearer(secret: string, via: CredentialVia): Promise<Principal> {
    if (secret.startsWith(sessionPrefix)) return this.session(secret, via);
    const result = await this.verifier.verify(secret, via);
    if ('refused' in result) throw new AppError('auth/invalid_token', `invalid token: ${result.refused}`);
    return result;
  }

  private async session(secret: string, via: CredentialVia): Promise<Principal> {
    const result = await this.sessions.resolve(secret);
    if ('refused' in result) throw new AppError('auth/invalid_token', `invalid session: ${result.refused}`);
    return sessionPrincipal(result, via);
  }
}

/** The principal of a live session. */
export function sessionPrincipal({ session, user }: LiveSession, via: CredentialVia): Principal {
  return {
    name: user.name,
    actor: user.name,
    user: user.name,
    role: user.role,
    scopes: roleScopes(user.role),
    credential: { kind: 'session', id: session.id, via, csrfToken: session.csrf_token, expiresAt: session.expires_at },
  };
}

function isUpgrade(headers: IncomingHttpHeaders): boolean {
  return headers.upgrade?.toLowerCase() === 'websocket';
}

// Constant-time whatever the lengths: compare digests.
function sameSecret(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}
