/**
 * Password sign-in. One answer for every failure (unknown user, wrong password, disabled
 * user, user without a password): auth/invalid_credentials, after exactly one Argon2
 * verification, so neither the answer nor its timing says whether the user exists.
 * Failures are throttled per account and per source address (rate-limit.ts); a hash made
 * with weaker parameters than today's is replaced on a successful sign-in.
 */
import { AppError } from '../core/errors.js';
import type { SessionRecord, Store, UserRecord } from '../store/index.js';
import { isValidName } from './names.js';
import { maxCredentialLength, type PasswordHasher } from './passwords.js';
import { accountKey, addressKey, type LoginLimiter } from './rate-limit.js';
import type { Sessions } from './sessions.js';

/** The one answer to a failed sign-in. */
export function invalidCredentials(): AppError {
  return new AppError('auth/invalid_credentials', 'wrong user name or password');
}

/** A refused attempt because of too many failures; `retryAfterS` goes in Retry-After. */
export class LoginThrottled extends AppError {
  constructor(readonly retryAfterS: number) {
    super('auth/rate_limited', `too many failed sign-ins; try again in ${retryAfterS} s`, { retry_after_s: retryAfterS });
  }
}

/** A successful sign-in. */
export interface SignedIn {
  /** The session secret: the cookie's value, or the CLI's bearer token. */
  secret: string;
  session: SessionRecord;
  user: UserRecord;
}

/** Signs people in. */
export class LoginService {
  constructor(
    private readonly store: Store,
    private readonly hasher: PasswordHasher,
    private readonly limiter: LoginLimiter,
    private readonly sessions: Sessions,
  ) {}

  /** Checks the credentials and starts a session; throws auth/invalid_credentials or LoginThrottled. */
  async login(username: string, password: string, meta: { address: string; userAgent: string | null }): Promise<SignedIn> {
    return this.startSession(await this.check(username, password, meta.address), meta);
  }

  /**
   * Checks the credentials without starting a session (the current password before a
   * change): throttled and answered like a sign-in. Answers the user, with the hash upgraded
   * when it was made with weaker parameters than today's.
   */
  async check(username: string, password: string, address: string): Promise<UserRecord> {
    if (username.length > maxCredentialLength || password.length > maxCredentialLength) {
      throw new AppError('request/invalid', `user name and password are at most ${maxCredentialLength} characters`);
    }
    const keys = [accountKey(username), addressKey(address)];
    const waitMs = this.limiter.retryAfterMs(keys);
    if (waitMs > 0) throw new LoginThrottled(Math.max(1, Math.ceil(waitMs / 1000)));

    const user = isValidName(username) ? await this.store.auth.user(username) : undefined;
    let ok = false;
    if (user?.password_hash) {
      ok = (await this.hasher.verify(user.password_hash, password)) && user.disabled_at === null;
    } else {
      await this.hasher.verifyDummy(password);
    }
    if (!ok || !user?.password_hash) {
      this.limiter.fail(keys);
      throw invalidCredentials();
    }
    this.limiter.reset(accountKey(username));
    if (!this.hasher.needsRehash(user.password_hash)) return user;
    const upgraded = { ...user, password_hash: await this.hasher.hash(password), updated_at: new Date().toISOString() };
    await this.store.auth.updateUser(upgraded);
    return upgraded;
  }

  /** Starts a session for a user whose credentials were just checked (or just set). */
  async startSession(user: UserRecord, meta: { address: string; userAgent: string | null }): Promise<SignedIn> {
    const { secret, session } = await this.sessions.create(user.name, meta);
    return { secret, session, user };
  }
}
