/** PostgreSQL schema of the auth area (versions 400–499): users, sessions, links, audit. Never edit an applied entry: add a new one. */
import type { Migration } from '../../migration.js';

export const authMigrations: Migration[] = [
  // 400–449: users, sessions, single-use links, owners of API tokens.
  {
    version: 400,
    name: 'users, sessions, links, token owners',
    sql: `
      CREATE TABLE users (
        name TEXT COLLATE "C" PRIMARY KEY,
        display_name TEXT NOT NULL,
        email TEXT,
        role TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
        password_hash TEXT,
        source TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL,
        disabled_at TIMESTAMPTZ,
        sessions_valid_after TIMESTAMPTZ
      );
      CREATE UNIQUE INDEX idx_users_name_lower ON users (lower(name));
      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        hash TEXT NOT NULL UNIQUE,
        user_name TEXT COLLATE "C" NOT NULL REFERENCES users (name) ON DELETE CASCADE,
        csrf_token TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        expires_at TIMESTAMPTZ NOT NULL,
        last_seen_at TIMESTAMPTZ NOT NULL,
        address TEXT,
        user_agent TEXT,
        revoked_at TIMESTAMPTZ
      );
      CREATE INDEX idx_sessions_user ON sessions (user_name);
      CREATE INDEX idx_sessions_expires ON sessions (expires_at);
      CREATE TABLE auth_links (
        hash TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('invite', 'reset')),
        user_name TEXT NOT NULL,
        role TEXT,
        created_by TEXT,
        created_at TIMESTAMPTZ NOT NULL,
        expires_at TIMESTAMPTZ NOT NULL,
        used_at TIMESTAMPTZ
      );
      CREATE INDEX idx_auth_links_user ON auth_links (user_name, kind);
      CREATE TABLE token_owners (
        token_id TEXT PRIMARY KEY REFERENCES api_tokens (id) ON DELETE CASCADE,
        owner TEXT NOT NULL
      );
      CREATE INDEX idx_token_owners_owner ON token_owners (owner);
    `,
  },
  // 450–499: the audit trail (append-only: updates are refused by a trigger).
  {
    version: 450,
    name: 'audit trail',
    sql: `
      CREATE TABLE audit_log (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at TIMESTAMPTZ NOT NULL,
        actor TEXT COLLATE "C" NOT NULL,
        action TEXT COLLATE "C" NOT NULL,
        target TEXT,
        result TEXT NOT NULL CHECK (result IN ('ok', 'denied', 'failed')),
        status INTEGER,
        address TEXT,
        details JSONB
      );
      CREATE INDEX idx_audit_log_at ON audit_log (at);
      CREATE INDEX idx_audit_log_actor ON audit_log (actor, id);
      CREATE INDEX idx_audit_log_action ON audit_log (action, id);
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only';
      END
      $$;
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
    `,
  },
];
