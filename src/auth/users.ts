/**
 * Users: create, change, remove, set passwords. There is always at least one enabled admin:
 * removing, demoting or disabling the last one is refused.
 */
import { AppError } from '../core/errors.js';
import type { Store, UserRecord } from '../store/index.js';
import { checkDisplayName, checkEmail, checkUserName } from './names.js';
import { checkPassword, type PasswordHasher, type PasswordPolicy } from './passwords.js';
import type { Principal } from './principal.js';
import type { Role } from './roles.js';
import type { Sessions } from './sessions.js';

/** A user as the API shows it: never the password hash. */
export interface UserView {
  name: string;
  display_name: string;
  email: string | null;
  role: Role;
  source: string;
  created_at: string;
  updated_at: string;
  disabled: boolean;
  /** False for a user who cannot sign in with a password yet (invited, or OIDC only). */
  has_password: boolean;
}

/** A new user. */
export interface NewUser {
  name: string;
  role: Role;
  password?: string;
  /** An Argon2id PHC string checked and made already (an accepted invitation). */
  passwordHash?: string;
  display_name?: string;
  email?: string | null;
  source?: string;
}

/** A change to a user; absent fields stay. */
export interface UserChange {
  display_name?: string;
  email?: string | null;
  role?: Role;
  password?: string;
  disabled?: boolean;
}

/** The view of a user record. */
export function userView(u: UserRecord): UserView {
  return {
    name: u.name,
    display_name: u.display_name,
    email: u.email,
    role: u.role,
    source: u.source,
    created_at: u.created_at,
    updated_at: u.updated_at,
    disabled: u.disabled_at !== null,
    has_password: u.password_hash !== null,
  };
}

/** User management. */
export class Users {
  constructor(
    private readonly store: Store,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly sessions: Sessions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Every user, by name. */
  async list(): Promise<UserView[]> {
    return (await this.store.auth.users()).map(userView);
  }

  /** One user; user/not_found when there is none. */
  async get(name: string): Promise<UserRecord> {
    const user = await this.store.auth.user(name);
    if (!user) throw new AppError('user/not_found', `no user named "${name}"`);
    return user;
  }

  /** Creates a user (with a password, or without one until an invitation or reset sets it). */
  async create(spec: NewUser): Promise<UserView> {
    checkUserName(spec.name);
    if (spec.display_name !== undefined) checkDisplayName(spec.display_name);
    if (spec.email) checkEmail(spec.email);
    await this.checkNameFree(spec.name);
    const hash = spec.passwordHash ?? (spec.password === undefined ? null : await this.hashFor(spec.name, spec.password));
    const at = new Date(this.now()).toISOString();
    const user: UserRecord = {
      name: spec.name,
      display_name: spec.display_name ?? spec.name,
      email: spec.email ?? null,
      role: spec.role,
      password_hash: hash,
      source: spec.source ?? 'local',
      created_at: at,
      updated_at: at,
      disabled_at: null,
      sessions_valid_after: null,
    };
    try {
      await this.store.auth.createUser(user);
    } catch (err) {
      // Created by someone else a moment ago: the store's unique index decides.
      if ((await this.store.auth.users()).some((u) => u.name.toLowerCase() === spec.name.toLowerCase())) throw exists(spec.name);
      throw err;
    }
    return userView(user);
  }

  /** user/exists unless no user has this name, ignoring case ("Alice" and "alice" would be confused). */
  async checkNameFree(name: string): Promise<void> {
    const lower = name.toLowerCase();
    if ((await this.store.auth.users()).some((u) => u.name.toLowerCase() === lower)) throw exists(name);
  }

  /** Changes a user. A new password ends all of their sessions. */
  async update(name: string, change: UserChange): Promise<UserView> {
    let user = await this.get(name);
    if (change.display_name !== undefined) checkDisplayName(change.display_name);
    if (change.email) checkEmail(change.email);
    const losesAdmin = user.role === 'admin' && !user.disabled_at && ((change.role !== undefined && change.role !== 'admin') || change.disabled === true);
    if (losesAdmin) await this.checkNotLastAdmin(name, change.disabled === true ? 'disable' : 'demote');
    const at = new Date(this.now()).toISOString();
    if (change.password !== undefined) {
      user.password_hash = await this.hashFor(name, change.password);
    }
    if (change.display_name !== undefined) user.display_name = change.display_name;
    if (change.email !== undefined) user.email = change.email || null;
    if (change.role !== undefined) user.role = change.role;
    if (change.disabled !== undefined) user.disabled_at = change.disabled ? (user.disabled_at ?? at) : null;
    user.updated_at = at;
    await this.store.auth.updateUser(user);
    if (change.password !== undefined || change.disabled === true) user = await this.sessions.revokeAll(user);
    return userView(user);
  }

  /** Removes a user with their sessions, and revokes their tokens. Nobody removes themselves. */
  async remove(name: string, by: Principal): Promise<void> {
    const user = await this.get(name);
    if (by.user === user.name) throw new AppError('request/invalid', 'you cannot remove yourself; ask another admin');
    if (user.role === 'admin' && !user.disabled_at) await this.checkNotLastAdmin(name, 'remove');
    const at = new Date(this.now()).toISOString();
    await this.store.auth.revokeTokensOf(user.name, at);
    await this.store.auth.voidLinks(user.name, 'reset', at);
    await this.store.auth.removeUser(user.name);
  }

  /** Sets a password after the policy check, ending every session of the user. */
  async setPassword(user: UserRecord, password: string): Promise<UserRecord> {
    return this.setPasswordHash(user, await this.hashFor(user.name, password));
  }

  /** Stores a hash made by `hashFor`, ending every session of the user (whoever knew the old password is out). */
  async setPasswordHash(user: UserRecord, hash: string): Promise<UserRecord> {
    const updated = { ...user, password_hash: hash, updated_at: new Date(this.now()).toISOString() };
    await this.store.auth.updateUser(updated);
    return this.sessions.revokeAll(updated);
  }

  /** Checks `password` against the policy for `name` and hashes it. */
  async hashFor(name: string, password: string): Promise<string> {
    checkPassword(password, name, this.policy);
    return this.hasher.hash(password);
  }

  private async checkNotLastAdmin(name: string, what: 'remove' | 'demote' | 'disable'): Promise<void> {
    // An invited admin who has not chosen a password yet cannot sign in, so does not count.
    const others = (await this.store.auth.users()).filter((u) => u.role === 'admin' && !u.disabled_at && (u.password_hash !== null || u.source !== 'local') && u.name !== name);
    if (others.length === 0) throw new AppError('user/last_admin', `cannot ${what} "${name}": it is the last admin who can sign in; make another admin first`);
  }
}

function exists(name: string): AppError {
  return new AppError('user/exists', `a user named "${name}" exists already (names are compared ignoring case)`);
}
