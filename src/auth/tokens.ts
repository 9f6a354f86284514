/**
 * API tokens: random secrets shown once, kept only as SHA-256 hashes, each with scopes.
 * The first hub start creates the admin token and writes it to <data-dir>/admin.token
 * (mode 0600) for the local CLI.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/files.js';
import type { Store, TokenRecord } from '../store/index.js';

/** What a token may do: read < operate < admin; ingest (send logs and metrics) stands apart; admin covers all. */
export const scopes = ['read', 'operate', 'admin', 'ingest'] as const;
/** A token scope. */
export type Scope = (typeof scopes)[number];

/** Who is calling, once a token checked out. */
export interface Principal {
  tokenId: string;
  name: string;
  scopes: Scope[];
}

/** The admin token file inside a data directory. */
export function adminTokenPath(dataDir: string): string {
  return join(dataDir, 'admin.token');
}

/** SHA-256 hex of a token secret. */
export function hashToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

function newSecret(): string {
  return `whk_${randomBytes(32).toString('base64url')}`;
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

async function ensureTokenFile(store: Store, file: string, name: string, tokenScopes: Scope[]): Promise<string> {
  const now = new Date().toISOString();
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    const known = secret ? await store.tokens.findByHash(hashToken(secret)) : undefined;
    if (known && !known.revoked_at) return secret;
  }
  const previous = await store.tokens.findByName(name);
  if (previous) await store.tokens.revoke(previous.id, now);
  const secret = newSecret();
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

  constructor(private readonly store: Store) {}

  /** The principal for `secret`, or a reason it is refused. */
  async verify(secret: string): Promise<Principal | { refused: string }> {
    if (secret.length < 8 || secret.length > 512) return { refused: 'malformed token' };
    const hash = hashToken(secret);
    const record = await this.store.tokens.findByHash(hash);
    // The lookup is by hash; the comparison below is constant-time all the same.
    if (!record || !timingSafeEqual(Buffer.from(record.hash, 'hex'), Buffer.from(hash, 'hex'))) return { refused: 'unknown token' };
    if (record.revoked_at) return { refused: 'token revoked' };
    if (record.expires_at && Date.parse(record.expires_at) <= Date.now()) return { refused: 'token expired' };
    const last = this.touched.get(record.id) ?? 0;
    if (Date.now() - last > 60_000) {
      this.touched.set(record.id, Date.now());
      await this.store.tokens.touch(record.id, new Date().toISOString());
    }
    return { tokenId: record.id, name: record.name, scopes: record.scopes.filter((s): s is Scope => (scopes as readonly string[]).includes(s)) };
  }
}

const implied: Record<Scope, readonly Scope[]> = {
  read: ['read', 'operate', 'admin'],
  operate: ['operate', 'admin'],
  admin: ['admin'],
  ingest: ['ingest', 'admin'],
};

/** True when a principal with `granted` scopes may do what needs `needed`. */
export function allows(granted: readonly Scope[], needed: Scope): boolean {
  return granted.some((g) => implied[needed].includes(g));
}
