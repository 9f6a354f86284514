/** SQLite users, sessions, single-use links and the owners of API tokens (tables of migration 400). */
import type Database from 'better-sqlite3';
import type { AuthRepo, LinkRecord, OwnedToken, SessionRecord, TokenRecord, UserRecord } from '../index.js';

const userColumns = [
  'name', 'display_name', 'email', 'role', 'password_hash', 'source', 'created_at', 'updated_at', 'disabled_at', 'sessions_valid_after',
] as const satisfies readonly (keyof UserRecord)[];

const insertUserSql = `INSERT INTO users (${userColumns.join(', ')}) VALUES (${userColumns.map((c) => '@' + c).join(', ')})`;
const updateUserSql = `UPDATE users SET ${userColumns.filter((c) => c !== 'name').map((c) => `${c} = @${c}`).join(', ')} WHERE name = @name`;
const insertSessionSql = `INSERT INTO sessions (id, hash, user_name, csrf_token, created_at, expires_at, last_seen_at, address, user_agent, revoked_at)
  VALUES (@id, @hash, @user, @csrf_token, @created_at, @expires_at, @last_seen_at, @address, @user_agent, @revoked_at)`;
const insertLinkSql = `INSERT INTO auth_links (hash, kind, user_name, role, created_by, created_at, expires_at, used_at)
  VALUES (@hash, @kind, @user, @role, @created_by, @created_at, @expires_at, @used_at)`;
const insertTokenSql = `INSERT INTO api_tokens (id, name, hash, scopes, created_at, expires_at, last_used_at, revoked_at)
  VALUES (@id, @name, @hash, @scopes, @created_at, @expires_at, @last_used_at, @revoked_at)`;
const tokenSelect = 'SELECT t.*, o.owner FROM api_tokens t LEFT JOIN token_owners o ON o.token_id = t.id';

type Row = Record<string, unknown>;

/** The SQLite implementation of AuthRepo on an open, migrated database. */
export function sqliteAuthRepo(db: Database.Database): AuthRepo {
  const cache = new Map<string, Database.Statement>();
  const sql = (text: string): Database.Statement => {
    let s = cache.get(text);
    if (!s) cache.set(text, (s = db.prepare(text)));
    return s;
  };
  const createToken = db.transaction((t: TokenRecord, owner: string | null) => {
    sql(insertTokenSql).run({ ...t, scopes: JSON.stringify(t.scopes) });
    if (owner !== null) sql('INSERT INTO token_owners (token_id, owner) VALUES (?, ?)').run(t.id, owner);
  });

  return {
    createUser: async (user) => {
      sql(insertUserSql).run(user);
    },
    user: async (name) => sql('SELECT * FROM users WHERE name = ?').get(name) as UserRecord | undefined,
    users: async () => sql('SELECT * FROM users ORDER BY name').all() as UserRecord[],
    updateUser: async (user) => {
      sql(updateUserSql).run(user);
    },
    removeUser: async (name) => sql('DELETE FROM users WHERE name = ?').run(name).changes > 0,

    createSession: async (s) => {
      sql(insertSessionSql).run(s);
    },
    sessionByHash: async (hash) => toSession(sql('SELECT * FROM sessions WHERE hash = ?').get(hash) as Row | undefined),
    touchSession: async (id, at) => {
      sql('UPDATE sessions SET last_seen_at = ? WHERE id = ?').run(at, id);
    },
    revokeSession: async (id, at) => {
      sql('UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id);
    },
    revokeSessionsOf: async (user, at) => sql('UPDATE sessions SET revoked_at = ? WHERE user_name = ? AND revoked_at IS NULL').run(at, user).changes,

    createLink: async (link) => {
      sql(insertLinkSql).run(link);
    },
    useLink: async (hash, at) => toLink(sql('UPDATE auth_links SET used_at = ? WHERE hash = ? AND used_at IS NULL RETURNING *').get(at, hash) as Row | undefined),
    link: async (hash) => toLink(sql('SELECT * FROM auth_links WHERE hash = ?').get(hash) as Row | undefined),
    voidLinks: async (user, kind, at) => sql('UPDATE auth_links SET used_at = ? WHERE user_name = ? AND kind = ? AND used_at IS NULL').run(at, user, kind).changes,
    prune: async (sessionsBefore, linksBefore) => {
      sql('DELETE FROM sessions WHERE expires_at < ? OR revoked_at < ?').run(sessionsBefore, sessionsBefore);
      sql('DELETE FROM auth_links WHERE expires_at < ?').run(linksBefore);
    },

    createToken: async (token, owner) => {
      createToken(token, owner);
    },
    tokenByHash: async (hash) => toToken(sql(`${tokenSelect} WHERE t.hash = ?`).get(hash) as Row | undefined),
    tokenById: async (id) => toToken(sql(`${tokenSelect} WHERE t.id = ?`).get(id) as Row | undefined),
    listTokens: async (owner) => {
      const rows = (owner === undefined ? sql(`${tokenSelect} ORDER BY t.created_at DESC, t.id`).all() : sql(`${tokenSelect} WHERE o.owner = ? ORDER BY t.created_at DESC, t.id`).all(owner)) as Row[];
      return rows.map((r) => toToken(r)!);
    },
    revokeTokensOf: async (owner, at) =>
      sql('UPDATE api_tokens SET revoked_at = ? WHERE revoked_at IS NULL AND id IN (SELECT token_id FROM token_owners WHERE owner = ?)').run(at, owner).changes,
  };
}

function toSession(r: Row | undefined): SessionRecord | undefined {
  if (!r) return undefined;
  const { user_name, ...rest } = r;
  return { ...(rest as unknown as Omit<SessionRecord, 'user'>), user: user_name as string };
}

function toLink(r: Row | undefined): LinkRecord | undefined {
  if (!r) return undefined;
  const { user_name, ...rest } = r;
  return { ...(rest as unknown as Omit<LinkRecord, 'user'>), user: user_name as string };
}

function toToken(r: Row | undefined): OwnedToken | undefined {
  if (!r) return undefined;
  return {
    id: r.id as string,
    name: r.name as string,
    hash: r.hash as string,
    scopes: JSON.parse(r.scopes as string) as string[],
    created_at: r.created_at as string,
    expires_at: (r.expires_at as string | null) ?? null,
    last_used_at: (r.last_used_at as string | null) ?? null,
    revoked_at: (r.revoked_at as string | null) ?? null,
    owner: (r.owner as string | null) ?? null,
  };
}
