/**
 * The hub user behind an OIDC login: created at the first login (no password; source
 * `oidc:<issuer>`), and at every later one given the role, display name and e-mail the
 * provider says now. A name held by a local user or another issuer is never taken over.
 */
import type { Store, UserRecord } from '../../store/index.js';
import type { Role } from '../roles.js';
import { OidcError } from './errors.js';

/** What the provider says about the user. */
export interface ProviderAccount {
  name: string;
  displayName: string;
  email: string | null;
  role: Role;
  /** `oidc:<issuer>`. */
  source: string;
}

/** Creates or updates the user for `account`; answers the record as stored. */
export async function provisionUser(store: Store, account: ProviderAccount, now: () => number = Date.now): Promise<UserRecord> {
  const existing = await findUser(store, account.name);
  const at = new Date(now()).toISOString();
  if (existing) return update(store, existing, account, at);
  const user: UserRecord = {
    name: account.name,
    display_name: account.displayName,
    email: account.email,
    role: account.role,
    password_hash: null,
    source: account.source,
    created_at: at,
    updated_at: at,
    disabled_at: null,
    sessions_valid_after: null,
  };
  try {
    await store.auth.createUser(user);
    return user;
  } catch (err) {
    // The same person's first login in two tabs at once: the store's unique index decides.
    const raced = await findUser(store, account.name);
    if (!raced) throw err;
    return update(store, raced, account, at);
  }
}

async function update(store: Store, user: UserRecord, account: ProviderAccount, at: string): Promise<UserRecord> {
  if (user.source !== account.source) {
    const holder = user.source === 'local' ? 'a local user' : `a user from ${user.source.replace(/^oidc:/, '')}`;
    throw new OidcError('oidc/user_conflict', `the name "${account.name}" belongs to ${holder} of this hub; an admin must rename or remove that user before "${account.name}" can sign in with OIDC`, account.name);
  }
  if (user.disabled_at) throw new OidcError('oidc/user_disabled', `the user "${user.name}" is disabled on this hub`, user.name);
  const updated: UserRecord = { ...user, role: account.role, display_name: account.displayName, email: account.email, updated_at: at };
  if (updated.role !== user.role || updated.display_name !== user.display_name || updated.email !== user.email) await store.auth.updateUser(updated);
  return updated;
}

/** The user whose name equals `name` ignoring case (as local names are compared). */
async function findUser(store: Store, name: string): Promise<UserRecord | undefined> {
  const exact = await store.auth.user(name);
  if (exact) return exact;
  const lower = name.toLowerCase();
  return (await store.auth.users()).find((u) => u.name.toLowerCase() === lower);
}
