/**
 * User and group administration of one Keycloak realm, shaped around the Admin REST API's
 * traps: a new user's id comes only in the `Location` header; `PUT /users/{id}` replaces the
 * whole representation (so updates read, merge, write); there is no "set groups" call (so the
 * membership is diffed into PUT/DELETE `/users/{id}/groups/{groupId}`).
 */
import { AdminApi, segment, type KeycloakSettings } from './client.js';
import { KeycloakError, type KeycloakErrorCode } from './errors.js';

/** Keycloak's UserRepresentation (fields the hub reads; others are kept as they come). */
export interface KeycloakUser {
  id: string;
  username: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  enabled?: boolean;
  emailVerified?: boolean;
  createdTimestamp?: number;
  attributes?: Record<string, string[]>;
  requiredActions?: string[];
  [field: string]: unknown;
}

/** A group, wherever it sits in the hierarchy. */
export interface KeycloakGroup {
  id: string;
  name: string;
  path: string;
}

/** Filters of the user list, passed through to `GET /users`. */
export interface UserQuery {
  search?: string;
  username?: string;
  email?: string;
  exact?: boolean;
  first?: number;
  max?: number;
  briefRepresentation?: boolean;
}

/** A user to create; the password, when given, is set as temporary (changed at first login). */
export interface NewUser {
  username: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  enabled?: boolean;
  emailVerified?: boolean;
  temporaryPassword?: string;
}

/** Changes to a user; `null` removes a field (or an attribute), absent fields stay as they are. */
export interface UserChanges {
  username?: string;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  enabled?: boolean;
  emailVerified?: boolean;
  attributes?: Record<string, string[] | null>;
  requiredActions?: string[];
}

/** What replacing a user's groups did. */
export interface GroupChange {
  added: KeycloakGroup[];
  removed: KeycloakGroup[];
  groups: KeycloakGroup[];
}

const PAGE = 100;

/** The operations the API offers on one realm. */
export class KeycloakAdmin {
  readonly api: AdminApi;

  constructor(settings: KeycloakSettings, options: { timeoutMs?: number; now?: () => number } = {}) {
    this.api = new AdminApi(settings, options.timeoutMs, options.now);
  }

  /** `GET /users` with the given filters (Keycloak's default page is 100). */
  async listUsers(query: UserQuery): Promise<KeycloakUser[]> {
    const res = await this.api.call({ method: 'GET', path: '/users', query: { ...query }, needs: 'view-users' });
    return asArray<KeycloakUser>(res.body, 'GET /users');
  }

  /** `GET /users/{id}`. */
  async getUser(id: string): Promise<KeycloakUser> {
    const res = await this.api.call({ method: 'GET', path: `/users/${segment(id)}`, needs: 'view-users', subject: `user "${id}"` });
    if (!res.body || typeof res.body !== 'object') throw new KeycloakError('keycloak/bad_gateway', `Keycloak sent no user representation for "${id}"`);
    return res.body as KeycloakUser;
  }

  /**
   * Creates the user and, when a password is given, sets it as temporary with
   * `PUT /users/{id}/reset-password`. If the password is refused (the realm's password policy),
   * the new user is deleted again, so a failed call leaves nothing behind.
   */
  async createUser(input: NewUser): Promise<{ id: string }> {
    const rep = {
      username: input.username,
      email: input.email,
      firstName: input.firstName,
      lastName: input.lastName,
      enabled: input.enabled ?? true,
      emailVerified: input.emailVerified,
    };
    const res = await this.api.call({ method: 'POST', path: '/users', json: rep, needs: 'manage-users' });
    const id = idFromLocation(res.headers.get('location')) ?? (await this.findIdByUsername(input.username));
    if (input.temporaryPassword !== undefined) {
      try {
        await this.resetPassword(id, input.temporaryPassword, true);
      } catch (err) {
        await this.deleteUser(id).catch(() => undefined);
        if (err instanceof KeycloakError) throw new KeycloakError(err.code as KeycloakErrorCode, `the user was not created: ${err.message}`, err.details);
        throw err;
      }
    }
    return { id };
  }

  /** Reads the user, applies `changes`, writes the whole representation back, and returns what Keycloak now holds. */
  async updateUser(id: string, changes: UserChanges): Promise<KeycloakUser> {
    const current = await this.getUser(id);
    const merged: Record<string, unknown> = { ...current };
    // Computed by Keycloak for the caller; not part of what is stored.
    delete merged.access;
    for (const [key, value] of Object.entries(changes)) {
      if (key === 'attributes' || value === undefined) continue;
      if (value === null) delete merged[key];
      else merged[key] = value;
    }
    if (changes.attributes) {
      const attributes: Record<string, string[]> = { ...(current.attributes ?? {}) };
      for (const [name, values] of Object.entries(changes.attributes)) {
        if (values === null) delete attributes[name];
        else attributes[name] = values;
      }
      merged.attributes = attributes;
    }
    await this.api.call({ method: 'PUT', path: `/users/${segment(id)}`, json: merged, needs: 'manage-users', subject: `user "${id}"` });
    return this.getUser(id);
  }

  /** `DELETE /users/{id}`. */
  async deleteUser(id: string): Promise<void> {
    await this.api.call({ method: 'DELETE', path: `/users/${segment(id)}`, needs: 'manage-users', subject: `user "${id}"` });
  }

  /** `PUT /users/{id}/reset-password`; a temporary password must be changed at the next login. */
  async resetPassword(id: string, password: string, temporary: boolean): Promise<void> {
    await this.api.call({
      method: 'PUT',
      path: `/users/${segment(id)}/reset-password`,
      json: { type: 'password', value: password, temporary },
      needs: 'manage-users',
      subject: `user "${id}"`,
    });
  }

  /** Every group of the realm, subgroups included, as a flat list in hierarchy order. */
  async listGroups(): Promise<KeycloakGroup[]> {
    const out: KeycloakGroup[] = [];
    const walk = async (groups: RawGroup[], parentPath: string): Promise<void> => {
      for (const g of groups) {
        const path = g.path ?? `${parentPath}/${g.name}`;
        out.push({ id: g.id, name: g.name, path });
        // Keycloak before 23 nests subGroups in the list; since 23 it sends subGroupCount and /children.
        if (g.subGroups && g.subGroups.length > 0) await walk(g.subGroups, path);
        else if ((g.subGroupCount ?? 0) > 0) await walk(await this.pages<RawGroup>(`/groups/${segment(g.id)}/children`, 'query-groups', `group "${g.name}"`), path);
      }
    };
    await walk(await this.pages<RawGroup>('/groups', 'query-groups'), '');
    return out;
  }

  /** The groups the user is a direct member of. */
  async userGroups(id: string): Promise<KeycloakGroup[]> {
    const groups = await this.pages<RawGroup>(`/users/${segment(id)}/groups`, 'view-users', `user "${id}"`);
    return groups.map((g) => ({ id: g.id, name: g.name, path: g.path ?? `/${g.name}` }));
  }

  /**
   * Makes the user a member of exactly `refs` (group ids, paths like `/ops/admins`, or names
   * unique in the realm). Unknown or ambiguous references refuse the whole change before
   * anything is touched; then memberships to drop are removed and missing ones added.
   */
  async setUserGroups(id: string, refs: string[]): Promise<GroupChange> {
    const [all, current] = await Promise.all([this.listGroups(), this.userGroups(id)]);
    const wanted = new Map<string, KeycloakGroup>();
    const unknown: string[] = [];
    const ambiguous: string[] = [];
    for (const ref of refs) {
      const byId = all.find((g) => g.id === ref) ?? all.find((g) => g.path === ref);
      const byName = byId ? [byId] : all.filter((g) => g.name === ref);
      if (byName.length === 0) unknown.push(ref);
      else if (byName.length > 1) ambiguous.push(`${ref} (${byName.map((g) => g.path).join(', ')})`);
      else wanted.set(byName[0]!.id, byName[0]!);
    }
    if (unknown.length > 0 || ambiguous.length > 0) {
      const parts = [];
      if (unknown.length > 0) parts.push(`no such group in realm "${this.api.settings.realm}": ${unknown.join(', ')}`);
      if (ambiguous.length > 0) parts.push(`several groups have the name ${ambiguous.join('; ')}: give the path instead`);
      throw new KeycloakError('keycloak/unknown_group', parts.join('; '), { unknown, ambiguous });
    }
    const has = new Set(current.map((g) => g.id));
    const removed = current.filter((g) => !wanted.has(g.id));
    const added = [...wanted.values()].filter((g) => !has.has(g.id));
    for (const g of removed) {
      await this.api.call({ method: 'DELETE', path: `/users/${segment(id)}/groups/${segment(g.id)}`, needs: 'manage-users', subject: `user "${id}" or group "${g.path}"` });
    }
    for (const g of added) {
      await this.api.call({ method: 'PUT', path: `/users/${segment(id)}/groups/${segment(g.id)}`, needs: 'manage-users', subject: `user "${id}" or group "${g.path}"` });
    }
    return { added, removed, groups: [...wanted.values()] };
  }

  /** Reads every page of a list endpoint that takes `first` and `max`. */
  private async pages<T>(path: string, needs: string, subject?: string): Promise<T[]> {
    const out: T[] = [];
    for (let first = 0; ; first += PAGE) {
      const res = await this.api.call({ method: 'GET', path, query: { first, max: PAGE, briefRepresentation: true }, needs, subject });
      const page = asArray<T>(res.body, `GET ${path}`);
      out.push(...page);
      if (page.length < PAGE) return out;
    }
  }

  private async findIdByUsername(username: string): Promise<string> {
    // Only when no Location header came back (a proxy that strips it): Keycloak stores usernames in lower case.
    const users = await this.listUsers({ username, exact: true });
    const user = users.find((u) => u.username === username.toLowerCase());
    if (!user) throw new KeycloakError('keycloak/bad_gateway', `Keycloak answered 201 to creating "${username}" but sent no Location header and the user cannot be found`);
    return user.id;
  }
}

interface RawGroup {
  id: string;
  name: string;
  path?: string;
  subGroupCount?: number;
  subGroups?: RawGroup[];
}

/** The new user's id, the last segment of `Location: {url}/admin/realms/{realm}/users/{id}`. */
export function idFromLocation(location: string | null): string | undefined {
  if (!location) return undefined;
  let path: string;
  try {
    path = new URL(location, 'http://keycloak.invalid').pathname;
  } catch {
    return undefined;
  }
  const m = /\/users\/([^/]+)\/?$/.exec(path);
  return m ? decodeURIComponent(m[1]!) : undefined;
}

function asArray<T>(body: unknown, what: string): T[] {
  if (!Array.isArray(body)) throw new KeycloakError('keycloak/bad_gateway', `Keycloak answered ${what} without a JSON array`);
  return body as T[];
}
