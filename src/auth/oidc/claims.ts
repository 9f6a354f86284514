/**
 * From ID token claims to a hub user: the groups claim, the role it maps to, the user name,
 * and where to land after login.
 */
import { createHash } from 'node:crypto';
import type { Role } from '../../store/index.js';
import { isValidName, maxDisplayName } from '../names.js';

const rank: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

/**
 * The groups in claim `name`: an array of strings, or one string. A dotted name that is not a
 * claim itself is followed as a path (`realm_access.roles`).
 */
export function groupsOf(claims: Record<string, unknown>, name: string): string[] {
  let value: unknown = claims[name];
  if (value === undefined && name.includes('.')) {
    value = name.split('.').reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), claims);
  }
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
  return [];
}

/**
 * The highest role any group maps to, else `defaultRole` (null: refused). A group sent as a
 * full path (Keycloak's "/ops-admins") also matches the map key without the leading slash;
 * nested paths must be written out ("ops/admins"), so two groups of the same name elsewhere
 * in the tree never get each other's role.
 */
export function roleFor(groups: readonly string[], roleMap: Record<string, Role>, defaultRole: Role | null): { role: Role | null; matched: string[] } {
  let best: Role | null = null;
  const matched: string[] = [];
  for (const group of groups) {
    const role = roleMap[group] ?? (group.startsWith('/') ? roleMap[group.slice(1)] : undefined);
    if (!role) continue;
    matched.push(group);
    if (!best || rank[role] > rank[best]) best = role;
  }
  return { role: best ?? defaultRole, matched };
}

/**
 * The hub user name for a provider account: preferred_username when it is a valid name,
 * else the e-mail address, else a stable name derived from issuer and subject.
 */
export function userNameOf(claims: Record<string, unknown>, issuer: string): string {
  for (const claim of ['preferred_username', 'email']) {
    const v = claims[claim];
    if (typeof v === 'string' && isValidName(v)) return v;
  }
  return `oidc-${createHash('sha256').update(`${issuer}\n${String(claims.sub)}`).digest('hex').slice(0, 16)}`;
}

/** The display name: the `name` claim (or given and family names), cut to the hub's limit. */
export function displayNameOf(claims: Record<string, unknown>, fallback: string): string {
  const joined = [claims.given_name, claims.family_name].filter((v) => typeof v === 'string' && v.trim()).join(' ');
  const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim() : joined;
  return name ? [...name].slice(0, maxDisplayName).join('') : fallback;
}

/** The e-mail claim when it looks like an address. */
export function emailOf(claims: Record<string, unknown>): string | null {
  const v = claims.email;
  return typeof v === 'string' && v.length <= 254 && /^[^\s@]+@[^\s@]+$/.test(v) ? v : null;
}

/**
 * `return_to` as a path on this hub, or undefined when it could lead elsewhere: absolute and
 * protocol-relative URLs (`//evil`, `/\evil`), other schemes, control characters.
 */
export function safeReturnTo(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return '/';
  if (value.length > 2048 || !value.startsWith('/') || value.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(value)) return undefined;
  const base = 'http://wheelhouse.invalid';
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return undefined;
  }
  if (url.origin !== base) return undefined;
  return `${url.pathname}${url.search}${url.hash}`;
}
