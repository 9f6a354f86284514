/**
 * API tokens: random secrets shown once, kept only as SHA-256 hashes, each with scopes.
 * The first hub start creates the admin token and writes it to <data-dir>/admin.token
 * (mode 0600) for the local CLI; it and the services' ingest token belong to no user.
 * Tokens people create belong to them (api-tokens.ts) and never do more than their
 * owner's current role allows.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/files.js';
import type { Store, TokenRecord } from '../store/index.js';
import type { CredentialVia, Principal } from './principal.js';
import { capScopes, type Role } from './roles.js';
import { isScope } from './scopes.js';

export { allows, scopes, type Scope } from './scopes.js';
export type { Principal } from './principal.js';

/** Every API token secret made here starts with this. */
export const tokenPrefix = 'whk_';

/** The admin token file inside a data directory. */
export function adminTokenPath(dataDir: string): string {
  return join(dataDir, 'admin.token');
}

/** SHA-256 hex of a token secret. */
export function hashToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A fresh token secret. */
export function newTokenSecret(): string {
  return `${tokenPrefix}${randomBytes(32).toString('base64url')}`;
}

/**
 * Makes sure the admin token file exists and the store knows its hash. Reuses the file's
 * token across restarts; if the file is gone, makes a new token and revokes the old one.
 */
export async function ensureAdminToken(store: Store, dataDir: string): Promise<string> {
  return ensureTokenFile(store, adminTokenPath(dataDir), 'admin', ['admin']);
}

/**
 * The token the hub gives its supervised services (as WHEELHOUSE_TOKEN): it may only send
 * logs and metrics. Kept in <data-dir>/services.token (0600) so re-adopted services keep a
 * valid one across hub restarts.
 */
export async function ensureServicesToken(store: Store, dataDir: string): Promise<string> {
  return ensureTokenFile(store, join(dataDir, 'services.token'), 'services', ['ingest']);
}

async function ensureTokenFile(store: Store, file: string, name: string, tokenScopes: string[]): Promise<string> {
  const now = new Date().toISOString();
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    const known = secret ? await store.tokens.findByHash(hashToken(secret)) : undefined;
    if (known && !known.revoked_at) return secret;
  }
  const previous = await store.tokens.findByName(name);
  if (previous) await store.tokens.revoke(previous.id, now);
  const secret = newTokenSecret();
  const record: TokenRecord = {
    id: randomBytes(8).toString('hex'),
    name: previous ? `${name}-${Date.now()}` : name,
    hash: hashToken(secret),
    scopes: tokenScopes,
    created_at: now,
    expires_at: null,
    last_used_at: null,
    revoked_at: null,
  };
  await store.tokens.create(record);
  writeFileAtomic(file, `${secret}\n`, 0o600);
  return secret;
}

/** Checks bearer tokens against the store. */
export class TokenVerifier {
  // last_used_at is written at most once a minute per token, not on every request.
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  /** The principal for `secret`, or a reason it is refused. */
  async verify(secret: string, via: CredentialVia = 'bearer'): Promise<Principal | { refused: string }> {
    if (secret.length < 8 || secret.length > 512) return { refused: 'malformed token' };
    const hash = hashToken(secret);
    const record = await this.store.auth.tokenByHash(hash);
    // The lookup is by hash; the comparison below is constant-time all the same.
    if (!record || !timingSafeEqual(Buffer.from(record.hash, 'hex'), Buffer.from(hash, 'hex'))) return { refused: 'unknown token' };
    if (record.revoked_at) return { refused: 'token revoked' };
    const t = this.now();
    if (record.expires_at && Date.parse(record.expires_at) <= t) return { refused: 'token expired' };
    let granted = record.scopes.filter(isScope);
    let role: Role | null = null;
    if (record.owner !== null) {
      const owner = await this.store.auth.user(record.owner);
      if (!owner) return { refused: 'the token\'s user no longer exists' };
      if (owner.disabled_at) return { refused: 'the token\'s user is disabled' };
      role = owner.role;
      granted = capScopes(granted, owner.role);
    }
    const last = this.touched.get(record.id) ?? 0;
    if (t - last > 60_000) {
      this.touched.set(record.id, t);
      await this.store.tokens.touch(record.id, new Date(t).toISOString());
    }
    const label = displayTokenName(record.name, record.owner);
    return {
      name: record.owner ?? record.name,
      actor: record.owner ?? `token:${record.name}`,
      user: record.owner,
      role,
      scopes: granted,
      credential: { kind: 'token', id: record.id, name: label, via },
    };
  }
}

/** The name of a user's token as its owner gave it (stored as `<owner>/<name>` so names are unique per user). */
export function displayTokenName(stored: string, owner: string | null): string {
  return owner !== null && stored.startsWith(`${owner}/`) ? stored.slice(owner.length + 1) : stored;
}
