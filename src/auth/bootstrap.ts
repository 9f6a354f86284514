/**
 * The first admin: on a store without users, creates `admin` with the password from
 * WHEELHOUSE_ADMIN_PASSWORD, or with a random one printed once (to the hub's stdout, never
 * to its log) and kept only as its Argon2id hash.
 */
import { randomBytes } from 'node:crypto';
import { AppError, isAppError } from '../core/errors.js';
import type { Store } from '../store/index.js';
import { checkPassword, PasswordHasher } from './passwords.js';

/** What bootstrapAdmin did. */
export type BootstrapResult = 'exists' | 'from-env' | 'generated';

/** Name of the first admin user. */
export const firstAdminName = 'admin';

/**
 * Creates the first admin user when the store has no users at all; does nothing otherwise
 * (so a removed or renamed first admin is never re-created). A WHEELHOUSE_ADMIN_PASSWORD that
 * fails the password policy stops the start with config/invalid rather than being weakened.
 */
export async function bootstrapAdmin(
  store: Store,
  env: { WHEELHOUSE_ADMIN_PASSWORD?: string | undefined },
  print: (line: string) => void,
  opts: { minLength?: number; hasher?: PasswordHasher } = {},
): Promise<BootstrapResult> {
  if ((await store.auth.users()).length > 0) return 'exists';
  const policy = { minLength: opts.minLength ?? 12 };
  const given = env.WHEELHOUSE_ADMIN_PASSWORD;
  let password: string;
  if (given !== undefined && given !== '') {
    try {
      checkPassword(given, firstAdminName, policy);
    } catch (err) {
      if (isAppError(err)) throw new AppError('config/invalid', `WHEELHOUSE_ADMIN_PASSWORD: ${err.message}`);
      throw err;
    }
    password = given;
  } else {
    // 144 random bits in 24 characters of base64url.
    password = randomBytes(18).toString('base64url');
  }
  const hasher = opts.hasher ?? new PasswordHasher();
  const at = new Date().toISOString();
  try {
    await store.auth.createUser({
      name: firstAdminName,
      display_name: 'Administrator',
      email: null,
      role: 'admin',
      password_hash: await hasher.hash(password),
      source: 'local',
      created_at: at,
      updated_at: at,
      disabled_at: null,
      sessions_valid_after: null,
    });
  } catch (err) {
    // Another hub on the same database got there first.
    if ((await store.auth.users()).length > 0) return 'exists';
    throw err;
  }
  if (given) {
    print(`Created the first admin user "${firstAdminName}" with the password from WHEELHOUSE_ADMIN_PASSWORD.`);
    return 'from-env';
  }
  print(`Created the first admin user "${firstAdminName}" with password: ${password}`);
  print('This password is shown only this once. Log in with "wheelhouse login --user admin" and change it with "wheelhouse passwd".');
  return 'generated';
}
