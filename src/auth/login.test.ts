import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/index.js';
import { tempDir } from '../testing/helpers.js';
import { AppError } from '../core/errors.js';
import { LoginService, LoginThrottled } from './login.js';
import { minimumHashParams, parsePhc, PasswordHasher } from './passwords.js';
import { LoginLimiter } from './rate-limit.js';
import { Sessions } from './sessions.js';
import { Users } from './users.js';

let store: Store;
const hasher = new PasswordHasher();
const sessions = () => new Sessions(store, { ttlMs: 3_600_000, idleMs: 600_000 });
const meta = (address: string) => ({ address, userAgent: 'test' });

beforeAll(async () => {
  store = await openStore({ kind: 'sqlite' }, tempDir());
  const users = new Users(store, hasher, { minLength: 12 }, sessions());
  await users.create({ name: 'ann', role: 'operator', password: 'ann-password-long-1' });
  await users.create({ name: 'invited', role: 'viewer' });
});
afterAll(async () => store?.close());

async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    return err as AppError;
  }
  throw new Error('expected a failure');
}

describe('sign-in', () => {
  it('signs in and starts a session', async () => {
    const login = new LoginService(store, hasher, new LoginLimiter(5), sessions());
    const s = await login.login('ann', 'ann-password-long-1', meta('10.0.0.1'));
    expect(s.user.name).toBe('ann');
    expect(s.secret).toMatch(/^whs_/);
    expect(s.session).toMatchObject({ user: 'ann', address: '10.0.0.1', user_agent: 'test', revoked_at: null });
  });

  it('runs exactly one real Argon2 verification for an unknown user, as for a wrong password, and answers the same', async () => {
    const login = new LoginService(store, hasher, new LoginLimiter(50), sessions());
    const answers: AppError[] = [];
    for (const [user, pw] of [['nobody', 'ann-password-long-1'], ['ann', 'wrong-password-long'], ['invited', 'anything-long-enough'], ['not a valid name!', 'x']] as const) {
      const before = hasher.stats.verifications;
      answers.push(await failure(login.login(user, pw, meta('10.0.0.2'))));
      expect(hasher.stats.verifications - before, user).toBe(1);
    }
    for (const a of answers) {
      expect(a).toBeInstanceOf(AppError);
      expect({ code: a.code, message: a.message, status: a.status }).toEqual({ code: 'auth/invalid_credentials', message: 'wrong user name or password', status: 401 });
    }
  });

  it('refuses while throttled without verifying anything, whatever the password', async () => {
    const login = new LoginService(store, hasher, new LoginLimiter(2), sessions());
    await failure(login.login('ann', 'wrong-password-long', meta('10.0.0.3')));
    await failure(login.login('ann', 'wrong-password-long', meta('10.0.0.4')));
    const before = hasher.stats.verifications;
    const err = await failure(login.login('ann', 'ann-password-long-1', meta('10.0.0.5')));
    expect(err).toBeInstanceOf(LoginThrottled);
    expect((err as LoginThrottled).retryAfterS).toBeGreaterThanOrEqual(59);
    expect(hasher.stats.verifications).toBe(before);
  });

  it('rehashes at sign-in after the parameters were raised', async () => {
    const weak = new PasswordHasher(minimumHashParams);
    const users = new Users(store, weak, { minLength: 12 }, sessions());
    await users.create({ name: 'old', role: 'viewer', password: 'made-long-ago-1234' });
    expect(parsePhc((await store.auth.user('old'))!.password_hash!)?.memoryCost).toBe(19_456);
    // Signing in with the weak hasher changes nothing; with today's parameters the hash is upgraded.
    await new LoginService(store, weak, new LoginLimiter(5), sessions()).login('old', 'made-long-ago-1234', meta('10.0.0.6'));
    expect(parsePhc((await store.auth.user('old'))!.password_hash!)?.memoryCost).toBe(19_456);
    const before = hasher.stats.hashes;
    await new LoginService(store, hasher, new LoginLimiter(5), sessions()).login('old', 'made-long-ago-1234', meta('10.0.0.6'));
    expect(hasher.stats.hashes).toBe(before + 1);
    expect(parsePhc((await store.auth.user('old'))!.password_hash!)).toMatchObject({ memoryCost: 65_536, timeCost: 3 });
    await new LoginService(store, hasher, new LoginLimiter(5), sessions()).login('old', 'made-long-ago-1234', meta('10.0.0.6'));
    expect(hasher.stats.hashes).toBe(before + 1);
  });
});
