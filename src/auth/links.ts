/**
 * Single-use links: an invitation (valid 24 h) lets a new person choose their first
 * password; a reset (valid 1 h) lets an existing user set a new one. The link
 * carries a random secret of which the store keeps only the SHA-256; using it marks it used
 * in the same statement that checks it was not, so two uses never both succeed. A forged,
 * used or late link fails with a message that says which of those it is, never whether a
 * user exists.
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../core/errors.js';
import type { LinkRecord, Store } from '../store/index.js';
import type { Role } from './roles.js';
import { hashSecret } from './sessions.js';
import { userView, type Users, type UserView } from './users.js';

/** How long links live unless told otherwise. */
export const linkTtlMs = { invite: 24 * 3_600_000, reset: 3_600_000 } as const;

/** A link just made: the secret is in here and nowhere else. */
export interface IssuedLink {
  kind: LinkRecord['kind'];
  user: string;
  token: string;
  expires_at: string;
}

/** Every link secret starts with this. */
export const linkPrefix = 'whl_';

/** Makes and redeems invitations and password resets. */
export class Links {
  constructor(
    private readonly store: Store,
    private readonly users: Users,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Invites a person: creates their user without a password (so the name is taken and the
   * admin sees them in the list) and a link to choose one. Inviting a user who was invited
   * but never chose a password again replaces the earlier link.
   */
  async invite(spec: { name: string; role: Role; email?: string | null; display_name?: string; by: string | null }, ttlMs: number = linkTtlMs.invite): Promise<IssuedLink> {
    const existing = await this.store.auth.user(spec.name);
    if (existing && (existing.password_hash !== null || existing.source !== 'local')) {
      throw new AppError('user/exists', `a user named "${spec.name}" exists already; send them a password reset instead`);
    }
    if (existing) {
      await this.users.update(existing.name, { role: spec.role, email: spec.email, display_name: spec.display_name });
    } else {
      await this.users.create({ name: spec.name, role: spec.role, email: spec.email ?? null, display_name: spec.display_name });
    }
    await this.store.auth.voidLinks(spec.name, 'invite', new Date(this.now()).toISOString());
    return this.issue('invite', spec.name, spec.role, spec.by, ttlMs);
  }

  /** A password reset for an existing user; earlier unused resets of that user stop working. */
  async reset(name: string, by: string | null, ttlMs: number = linkTtlMs.reset): Promise<IssuedLink> {
    const user = await this.users.get(name);
    await this.store.auth.voidLinks(user.name, 'reset', new Date(this.now()).toISOString());
    return this.issue('reset', user.name, null, by, ttlMs);
  }

  /** Sets the password through a link: creates the invited user, or resets the password (ending their sessions). */
  async accept(token: string, password: string): Promise<UserView> {
    const invalid = new AppError('auth/link_invalid', 'this link is not valid; ask an administrator for a new one');
    if (!/^whl_[A-Za-z0-9_-]{43}$/.test(token)) throw invalid;
    const hash = hashSecret(token);
    const link = await this.store.auth.link(hash);
    if (!link) throw invalid;
    checkUsable(link, this.now());
    const user = await this.store.auth.user(link.user);
    // Removed since, or (an invitation) given a password another way: the link has no purpose left.
    if (!user || (link.kind === 'invite' && user.password_hash !== null)) {
      throw new AppError('auth/link_expired', 'this link is no longer valid; ask an administrator for a new one');
    }
    // The policy first: a password it refuses leaves the link usable for a better one.
    const passwordHash = await this.users.hashFor(user.name, password);
    const used = await this.store.auth.useLink(hash, new Date(this.now()).toISOString());
    if (!used) throw new AppError('auth/link_used', 'this link was already used; ask an administrator for a new one');
    // Whoever knew an old password is signed out everywhere.
    return userView(await this.users.setPasswordHash(user, passwordHash));
  }

  private async issue(kind: LinkRecord['kind'], user: string, role: Role | null, by: string | null, ttlMs: number): Promise<IssuedLink> {
    const token = `${linkPrefix}${randomBytes(32).toString('base64url')}`;
    const t = this.now();
    const link: LinkRecord = {
      hash: hashSecret(token),
      kind,
      user,
      role,
      created_by: by,
      created_at: new Date(t).toISOString(),
      expires_at: new Date(t + ttlMs).toISOString(),
      used_at: null,
    };
    await this.store.auth.createLink(link);
    return { kind, user, token, expires_at: link.expires_at };
  }
}

function checkUsable(link: LinkRecord, now: number): void {
  if (link.used_at) throw new AppError('auth/link_used', 'this link was already used; ask an administrator for a new one');
  if (Date.parse(link.expires_at) <= now) throw new AppError('auth/link_expired', 'this link has expired; ask an administrator for a new one');
}
