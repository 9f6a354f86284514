/** PostgreSQL users, sessions, single-use links and the owners of API tokens (tables of migration 400). */
import type pg from 'pg';
import type { AuthRepo, LinkRecord, OwnedToken, Role, SessionRecord, UserRecord } from '../index.js';

const userColumns = [
  'name', 'display_name', 'email', 'role', 'password_hash', 'source', 'created_at', 'updated_at', 'disabled_at', 'sessions_valid_after',
] as const satisfies readonly (keyof UserRecord)[];

const insertUserSql = `INSERT INTO users (${userColumns.join(', ')}) VALUES (${userColumns.map((_, i) => `$${i + 1}`).join(', ')})`;
const updateUserSql = `UPDATE users SET ${userColumns.slice(1).map((c, i) => `${c} = $${i + 2}`).join(', ')} WHERE name = $1`;
const insertSessionSql = `INSERT INTO sessions (id, hash, user_name, csrf_token, created_at, expires_at, last_seen_at, address, user_agent, revoked_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;
const insertLinkSql = `INSERT INTO auth_links (hash, kind, user_name, role, created_by, created_at, expires_at, used_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;
const insertTokenSql = 'INSERT INTO api_tokens (id, name, hash, scopes, created_at, expires_at, last_used_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)';
const tokenSelect = 'SELECT t.*, o.owner FROM api_tokens t LEFT JOIN token_owners o ON o.token_id = t.id';

type Row = Record<string, unknown>;

/** The PostgreSQL implementation of AuthRepo on a migrated database. */
export function postgresAuthRepo(pool: pg.Pool): AuthRepo {
  const one = async (text: string, args: unknown[]): Promise<Row | undefined> => (await pool.query(text, args)).rows[0] as Row | undefined;
  const count = async (text: string, args: unknown[]): Promise<number> => (await pool.query(text, args)).rowCount ?? 0;

  return {
    createUser: async (user) => {
      await pool.query(insertUserSql, userColumns.map((c) => user[c]));
    },
    user: async (name) => toUser(await one('SELECT * FROM users WHERE name = $1', [name])),
    users: async () => (await pool.query('SELECT * FROM users ORDER BY name')).rows.map((r: Row) => toUser(r)!),
    updateUser: async (user) => {
      await pool.query(updateUserSql, userColumns.map((c) => user[c]));
    },
    removeUser: async (name) => (await count('DELETE FROM users WHERE name = $1', [name])) > 0,

    createSession: async (s) => {
      await pool.query(insertSessionSql, [s.id, s.hash, s.user, s.csrf_token, s.created_at, s.expires_at, s.last_seen_at, s.address, s.user_agent, s.revoked_at]);
    },
    sessionByHash: async (hash) => toSession(await one('SELECT * FROM sessions WHERE hash = $1', [hash])),
    touchSession: async (id, at) => {
      await pool.query('UPDATE sessions SET last_seen_at = $1 WHERE id = $2', [at, id]);
    },
    revokeSession: async (id, at) => {
      await pool.query('UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [at, id]);
    },
    revokeSessionsOf: async (user, at) => count('UPDATE sessions SET revoked_at = $1 WHERE user_name = $2 AND revoked_at IS NULL', [at, user]),

    createLink: async (l) => {
      await pool.query(insertLinkSql, [l.hash, l.kind, l.user, l.role, l.created_by, l.created_at, l.expires_at, l.used_at]);
    },
    // One statement: of two concurrent uses, exactly one finds used_at still null.
    useLink: async (hash, at) => toLink(await one('UPDATE auth_links SET used_at = $1 WHERE hash = $2 AND used_at IS NULL RETURNING *', [at, hash])),
    link: async (hash) => toLink(await one('SELECT * FROM auth_links WHERE hash = $1', [hash])),
    voidLinks: async (user, kind, at) => count('UPDATE auth_links SET used_at = $1 WHERE user_name = $2 AND kind = $3 AND used_at IS NULL', [at, user, kind]),
    prune: async (sessionsBefore, linksBefore) => {
      await pool.query('DELETE FROM sessions WHERE expires_at < $1 OR revoked_at < $1', [sessionsBefore]);
      await pool.query('DELETE FROM auth_links WHERE expires_at < $1', [linksBefore]);
    },

    createToken: async (t, owner) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(insertTokenSql, [t.id, t.name, t.hash, JSON.stringify(t.scopes), t.created_at, t.expires_at, t.last_used_at, t.revoked_at]);
        if (owner !== null) await client.query('INSERT INTO token_owners (token_id, owner) VALUES ($1, $2)', [t.id, owner]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    tokenByHash: async (hash) => toToken(await one(`${tokenSelect} WHERE t.hash = $1`, [hash])),
    tokenById: async (id) => toToken(await one(`${tokenSelect} WHERE t.id = $1`, [id])),
    listTokens: async (owner) => {
      const { rows } =
        owner === undefined
          ? await pool.query(`${tokenSelect} ORDER BY t.created_at DESC, t.id`)
          : await pool.query(`${tokenSelect} WHERE o.owner = $1 ORDER BY t.created_at DESC, t.id`, [owner]);
      return rows.map((r: Row) => toToken(r)!);
    },
    revokeTokensOf: async (owner, at) =>
      count('UPDATE api_tokens SET revoked_at = $1 WHERE revoked_at IS NULL AND id IN (SELECT token_id FROM token_owners WHERE owner = $2)', [at, owner]),
  };
}

function iso(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString();
}

function toUser(r: Row | undefined): UserRecord | undefined {
  if (!r) return undefined;
  return {
    name: r.name as string,
    display_name: r.display_name as string,
    email: (r.email as string | null) ?? null,
    role: r.role as Role,
    password_hash: (r.password_hash as string | null) ?? null,
    source: r.source as string,
    created_at: iso(r.created_at)!,
    updated_at: iso(r.updated_at)!,
    disabled_at: iso(r.disabled_at),
    sessions_valid_after: iso(r.sessions_valid_after),
  };
}

function toSession(r: Row | undefined): SessionRecord | undefined {
  if (!r) return undefined;
  return {
    id: r.id as string,
    hash: r.hash as string,
    user: r.user_name as string,
    csrf_token: r.csrf_token as string,
    created_at: iso(r.created_at)!,
    expires_at: iso(r.expires_at)!,
    last_seen_at: iso(r.last_seen_at)!,
    address: (r.address as string | null) ?? null,
    user_agent: (r.user_agent as string | null) ?? null,
    revoked_at: iso(r.revoked_at),
  };
}

function toLink(r: Row | undefined): LinkRecord | undefined {
  if (!r) return undefined;
  return {
    hash: r.hash as string,
    kind: r.kind as LinkRecord['kind'],
    user: r.user_name as string,
    role: (r.role as Role | null) ?? null,
    created_by: (r.created_by as string | null) ?? null,
    created_at: iso(r.created_at)!,
    expires_at: iso(r.expires_at)!,
    used_at: iso(r.used_at),
  };
}

function toToken(r: Row | undefined): OwnedToken | undefined {
  if (!r) return undefined;
  return {
    id: r.id as string,
    name: r.name as string,
    hash: r.hash as string,
    // JSONB comes back parsed.
    scopes: (typeof r.scopes === 'string' ? JSON.parse(r.scopes) : r.scopes) as string[],
    created_at: iso(r.created_at)!,
    expires_at: iso(r.expires_at),
    last_used_at: iso(r.last_used_at),
    revoked_at: iso(r.revoked_at),
    owner: (r.owner as string | null) ?? null,
  };
}
