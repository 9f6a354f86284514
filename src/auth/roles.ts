/**
 * Roles of people, mapped onto the permission levels routes declare: a viewer reads, an
 * operator reads and operates (start/stop/restart, silences, jobs), an admin does everything,
 * ingest included. Users and secrets are admin-only routes.
 */
import type { Role } from '../store/index.js';
import { allows, scopes, type Scope } from './scopes.js';

export type { Role } from '../store/index.js';

/** Every role, lowest first. */
export const roles = ['viewer', 'operator', 'admin'] as const satisfies readonly Role[];

const granted: Record<Role, readonly Scope[]> = {
  viewer: ['read'],
  operator: ['read', 'operate'],
  admin: ['read', 'operate', 'admin', 'ingest'],
};

/** True for one of the three role names. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}

/** The scopes a role grants (what a session of that user may do). */
export function roleScopes(role: Role): Scope[] {
  return [...granted[role]];
}

/** The token scopes a principal with `held` scopes may hand out: never more than it has. */
export function grantableScopes(held: readonly Scope[]): Scope[] {
  return scopes.filter((s) => allows(held, s));
}

/**
 * What a token with `wanted` scopes may do for a user who now has `role`: what both allow.
 * An admin-scoped token of a user demoted to viewer still reads, and nothing more.
 */
export function capScopes(wanted: readonly Scope[], role: Role): Scope[] {
  return granted[role].filter((s) => allows(wanted, s));
}
