/** Users, sessions, single-use links (invitations and resets) and the audit trail. */
import type { TokenRecord } from './index.js';

/** What a user may do. */
export type Role = 'admin' | 'operator' | 'viewer';

/** A local (or OIDC-provisioned) user. Passwords are kept only as Argon2id hashes (PHC strings). */
export interface UserRecord {
  name: string;
  display_name: string;
  email: string | null;
  role: Role;
  /** PHC string of the Argon2id hash, null for users who only sign in with OIDC. */
  password_hash: string | null;
  /** 'local' or 'oidc:<issuer>'. */
  source: string;
  created_at: string;
  updated_at: string;
  disabled_at: string | null;
  /** Sessions issued before this moment are void ("log out everywhere", password change). */
  sessions_valid_after: string | null;
}

/** A browser or CLI session; only the SHA-256 of its secret is stored. */
export interface SessionRecord {
  id: string;
  hash: string;
  user: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
  address: string | null;
  user_agent: string | null;
  revoked_at: string | null;
}

/** A single-use link: an invitation (sets a new user's password) or a password reset. */
export interface LinkRecord {
  hash: string;
  kind: 'invite' | 'reset';
  user: string;
  role: Role | null;
  created_by: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** Users, sessions and links. */
export interface AuthRepo {
  createUser(user: UserRecord): Promise<void>;
  user(name: string): Promise<UserRecord | undefined>;
  users(): Promise<UserRecord[]>;
  updateUser(user: UserRecord): Promise<void>;
  removeUser(name: string): Promise<boolean>;
  createSession(session: SessionRecord): Promise<void>;
  sessionByHash(hash: string): Promise<SessionRecord | undefined>;
  touchSession(id: string, at: string): Promise<void>;
  revokeSession(id: string, at: string): Promise<void>;
  revokeSessionsOf(user: string, at: string): Promise<number>;
  createLink(link: LinkRecord): Promise<void>;
  /** Marks the link used and returns it, atomically: a second use finds it used. */
  useLink(hash: string, at: string): Promise<LinkRecord | undefined>;
  link(hash: string): Promise<LinkRecord | undefined>;
  /** Marks every unused link of `user` of this kind used (a new reset voids the older ones). */
  voidLinks(user: string, kind: LinkRecord['kind'], at: string): Promise<number>;
  /** Deletes sessions that expired or were revoked before `sessionsBefore`, and links that expired before `linksBefore`. */
  prune(sessionsBefore: string, linksBefore: string): Promise<void>;
  /** Stores an API token with the user it belongs to (null: a hub token such as the admin token), in one transaction. */
  createToken(token: TokenRecord, owner: string | null): Promise<void>;
  /** The token whose secret hashes to `hash`, with its owner; revoked or not. */
  tokenByHash(hash: string): Promise<OwnedToken | undefined>;
  tokenById(id: string): Promise<OwnedToken | undefined>;
  /** Every token (only `owner`'s when given), newest first. */
  listTokens(owner?: string): Promise<OwnedToken[]>;
  /** Revokes every live token of `owner`; returns how many. */
  revokeTokensOf(owner: string, at: string): Promise<number>;
}

/** An API token with the user it belongs to; owner null for the hub's own tokens (admin, services). */
export interface OwnedToken extends TokenRecord {
  owner: string | null;
}

/** One audited action. */
export interface AuditRecord {
  id?: number;
  at: string;
  /** Who: a user name, `token:<name>`, `host:<id>`, or `anonymous`. */
  actor: string;
  action: string;
  target: string | null;
  result: 'ok' | 'denied' | 'failed';
  status: number | null;
  address: string | null;
  details: Record<string, unknown> | null;
}

/** Filter of the audit trail, newest first. */
export interface AuditQuery {
  since?: string;
  until?: string;
  actor?: string;
  action?: string;
  result?: AuditRecord['result'];
  limit?: number;
  beforeId?: number;
}

/** The append-only audit trail (no update or delete through the API). */
export interface AuditRepo {
  append(record: AuditRecord): Promise<number>;
  list(query: AuditQuery): Promise<AuditRecord[]>;
}
