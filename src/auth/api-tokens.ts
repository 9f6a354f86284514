/**
 * The API tokens people make for scripts and CI: scopes up to what their creator may do,
 * an optional expiry, the secret shown once, only its SHA-256 kept. Admins see and revoke
 * every token; everyone else only their own.
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../core/errors.js';
import type { OwnedToken, Store } from '../store/index.js';
import { checkTokenName } from './names.js';
import type { Principal } from './principal.js';
import { allows, type Scope } from './scopes.js';
import { displayTokenName, hashToken, newTokenSecret } from './tokens.js';

/** A token as the API shows it: never its hash. */
export interface TokenView {
  id: string;
  name: string;
  /** The user it belongs to; null for the hub's own tokens (admin, services). */
  owner: string | null;
  scopes: string[];
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  state: 'active' | 'expired' | 'revoked';
}

/** What a new token should be. */
export interface NewToken {
  name?: string;
  scopes: Scope[];
  /** ISO time; absent or null for a token that does not expire. */
  expiresAt?: string | null;
}

/** Creates, lists and revokes API tokens on behalf of a principal. */
export class ApiTokens {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  /** Creates a token for the caller; the secret is in the answer and nowhere else. */
  async create(principal: Principal, spec: NewToken): Promise<{ token: TokenView; secret: string }> {
    const wanted = [...new Set(spec.scopes)];
    if (wanted.length === 0) throw new AppError('request/invalid', 'a token needs at least one scope: read, operate, admin or ingest');
    const beyond = wanted.filter((s) => !allows(principal.scopes, s));
    if (beyond.length) {
      throw new AppError('auth/forbidden', `you cannot grant ${beyond.join(', ')}: a token may do at most what you may (${principal.scopes.join(', ')})`);
    }
    const t = this.now();
    let expiresAt: string | null = null;
    if (spec.expiresAt) {
      const at = Date.parse(spec.expiresAt);
      if (Number.isNaN(at)) throw new AppError('request/invalid', 'expires_at must be an ISO date and time');
      if (at <= t) throw new AppError('request/invalid', 'expires_at must be in the future');
      expiresAt = new Date(at).toISOString();
    }
    const id = randomBytes(8).toString('hex');
    const label = spec.name ?? `token-${id.slice(0, 6)}`;
    checkTokenName(label);
    const owner = principal.user;
    const stored = owner === null ? label : `${owner}/${label}`;
    if (await this.store.tokens.findByName(stored)) throw new AppError('token/exists', `a token named "${label}" exists already; choose another name`);
    const secret = newTokenSecret();
    const record = { id, name: stored, hash: hashToken(secret), scopes: wanted, created_at: new Date(t).toISOString(), expires_at: expiresAt, last_used_at: null, revoked_at: null };
    try {
      await this.store.auth.createToken(record, owner);
    } catch (err) {
      // Two creations with one name at once: the store's unique name decides.
      if (await this.store.tokens.findByName(stored)) throw new AppError('token/exists', `a token named "${label}" exists already; choose another name`);
      throw err;
    }
    return { token: this.view({ ...record, owner }), secret };
  }

  /** The tokens the caller may see, newest first: all for an admin, else the caller's own. */
  async list(principal: Principal): Promise<TokenView[]> {
    if (allows(principal.scopes, 'admin')) return (await this.store.auth.listTokens()).map((r) => this.view(r));
    if (principal.user === null) return [];
    return (await this.store.auth.listTokens(principal.user)).map((r) => this.view(r));
  }

  /** Revokes a token the caller may see; token/not_found otherwise (others' ids are not confirmed). */
  async revoke(principal: Principal, id: string): Promise<TokenView> {
    const record = await this.store.auth.tokenById(id);
    const visible = record && (allows(principal.scopes, 'admin') || (principal.user !== null && record.owner === principal.user));
    if (!record || !visible) throw new AppError('token/not_found', `no token with id "${id}"`);
    const at = new Date(this.now()).toISOString();
    if (!record.revoked_at) {
      await this.store.tokens.revoke(record.id, at);
      record.revoked_at = at;
    }
    return this.view(record);
  }

  private view(r: OwnedToken): TokenView {
    const state = r.revoked_at ? 'revoked' : r.expires_at && Date.parse(r.expires_at) <= this.now() ? 'expired' : 'active';
    return {
      id: r.id,
      name: displayTokenName(r.name, r.owner),
      owner: r.owner,
      scopes: r.scopes,
      created_at: r.created_at,
      expires_at: r.expires_at,
      last_used_at: r.last_used_at,
      revoked_at: r.revoked_at,
      state,
    };
  }
}
