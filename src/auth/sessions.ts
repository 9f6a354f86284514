/**
 * Sessions: a random secret held by the browser (in the HttpOnly cookie) or the CLI (as a
 * bearer token), of which the store keeps only the SHA-256. A session ends at the first of:
 * its absolute lifetime, an idle spell longer than the idle limit, logout, "log out
 * everywhere" or a password change (users.sessions_valid_after), or its user being
 * disabled or removed.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { SessionRecord, Store, UserRecord } from '../store/index.js';

/** How long sessions live. */
export interface SessionSettings {
  /** Absolute lifetime from login. */
  ttlMs: number;
  /** Longest time without a request. */
  idleMs: number;
}

/** A session that checked out, with its user as of now. */
export interface LiveSession {
  session: SessionRecord;
  user: UserRecord;
}

/** Every session secret starts with this, so a bearer credential says what it is. */
export const sessionPrefix = 'whs_';

/** SHA-256 hex of a session secret. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Creates, checks and ends sessions. Stateless: everything lives in the store. */
export class Sessions {
  constructor(
    private readonly store: Store,
    readonly settings: SessionSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts a session for `user`; answers the secret (to hand out once) and the record. */
  async create(user: string, meta: { address: string | null; userAgent: string | null }): Promise<{ secret: string; session: SessionRecord }> {
    const t = this.now();
    const secret = `${sessionPrefix}${randomBytes(32).toString('base64url')}`;
    const session: SessionRecord = {
      id: randomBytes(8).toString('hex'),
      hash: hashSecret(secret),
      user,
      csrf_token: randomBytes(32).toString('base64url'),
      created_at: new Date(t).toISOString(),
      expires_at: new Date(t + this.settings.ttlMs).toISOString(),
      last_seen_at: new Date(t).toISOString(),
      address: meta.address,
      user_agent: meta.userAgent ? meta.userAgent.slice(0, 256) : null,
      revoked_at: null,
    };
    await this.store.auth.createSession(session);
    // Expired and revoked sessions are deleted a day after they end; links a week after.
    await this.store.auth.prune(new Date(t - 86_400_000).toISOString(), new Date(t - 7 * 86_400_000).toISOString());
    return { secret, session };
  }

  /** The live session for `secret`, or why it is refused. Notes the request for the idle limit. */
  async resolve(secret: string): Promise<LiveSession | { refused: string }> {
    if (!/^whs_[A-Za-z0-9_-]{43}$/.test(secret)) return { refused: 'malformed session' };
    const session = await this.store.auth.sessionByHash(hashSecret(secret));
    if (!session) return { refused: 'unknown session' };
    const t = this.now();
    if (session.revoked_at) return { refused: 'session ended (logged out)' };
    if (Date.parse(session.expires_at) <= t) return { refused: 'session expired; log in again' };
    if (Date.parse(session.last_seen_at) + this.settings.idleMs <= t) return { refused: 'session expired after inactivity; log in again' };
    const user = await this.store.auth.user(session.user);
    if (!user) return { refused: 'unknown session' };
    if (user.disabled_at) return { refused: 'the user is disabled' };
    if (user.sessions_valid_after && session.created_at < user.sessions_valid_after) return { refused: 'session ended (logged out everywhere)' };
    // Written at most every quarter of the idle limit (and at most every minute), so an
    // active session never looks idle and a busy dashboard does not write on every request.
    if (t - Date.parse(session.last_seen_at) >= Math.min(60_000, this.settings.idleMs / 4)) {
      session.last_seen_at = new Date(t).toISOString();
      await this.store.auth.touchSession(session.id, session.last_seen_at);
    }
    return { session, user };
  }

  /** Ends one session. */
  async revoke(id: string): Promise<void> {
    await this.store.auth.revokeSession(id, new Date(this.now()).toISOString());
  }

  /** Ends every session of `user` ("log out everywhere"); answers the updated user. */
  async revokeAll(user: UserRecord): Promise<UserRecord> {
    const at = new Date(this.now()).toISOString();
    const updated = { ...user, sessions_valid_after: at, updated_at: at };
    await this.store.auth.updateUser(updated);
    await this.store.auth.revokeSessionsOf(user.name, at);
    return updated;
  }
}
