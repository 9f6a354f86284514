/** The users part of the store contract: users, sessions, single-use links, owned API tokens. */
import { describe, expect, it } from 'vitest';
import type { LinkRecord, SessionRecord, Store, TokenRecord, UserRecord } from '../index.js';
import type { StoreFactory } from './contract.js';

const t0 = '2026-01-01T00:00:00.000Z';

function user(name: string, over: Partial<UserRecord> = {}): UserRecord {
  return {
    name,
    display_name: name.toUpperCase(),
    email: null,
    role: 'viewer',
    password_hash: '$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2g',
    source: 'local',
    created_at: t0,
    updated_at: t0,
    disabled_at: null,
    sessions_valid_after: null,
    ...over,
  };
}

function session(id: string, userName: string, over: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id,
    hash: `${id}`.padEnd(64, '0'),
    user: userName,
    csrf_token: `csrf-${id}`,
    created_at: t0,
    expires_at: '2026-01-08T00:00:00.000Z',
    last_seen_at: t0,
    address: '127.0.0.1',
    user_agent: 'test',
    revoked_at: null,
    ...over,
  };
}

function token(id: string, name: string): TokenRecord {
  return { id, name, hash: id.padEnd(64, 'f'), scopes: ['read', 'operate'], created_at: t0, expires_at: null, last_used_at: null, revoked_at: null };
}

/** Registers the users scenarios inside a backend's contract suite. */
export function describeAuthContract(track: (p: Promise<Store>) => Promise<Store>, factory: StoreFactory): void {
  describe('users and sessions', () => {
    it('creates, lists, updates and removes users; names are unique ignoring case; text is kept verbatim', async () => {
      const store = await track(factory.open());
      const nasty = `<script>alert('x')</script> "; DROP TABLE users; -- ü 🚀`;
      await store.auth.createUser(user('bob', { display_name: nasty, email: "o'hara@example.com", role: 'operator' }));
      await store.auth.createUser(user('a--b.c@d_e'));
      expect(await store.auth.user('bob')).toEqual(user('bob', { display_name: nasty, email: "o'hara@example.com", role: 'operator' }));
      expect((await store.auth.users()).map((u) => u.name)).toEqual(['a--b.c@d_e', 'bob']);
      await expect(store.auth.createUser(user('BOB'))).rejects.toThrow();
      expect(await store.auth.user('BOB')).toBeUndefined();
      const changed = user('bob', { role: 'admin', disabled_at: '2026-01-02T00:00:00.000Z', sessions_valid_after: '2026-01-03T00:00:00.000Z', password_hash: null });
      await store.auth.updateUser(changed);
      expect(await store.auth.user('bob')).toEqual(changed);
      expect(await store.auth.removeUser('bob')).toBe(true);
      expect(await store.auth.removeUser('bob')).toBe(false);
      expect(await store.auth.user('bob')).toBeUndefined();
    });

    it('keeps sessions by hash, touches and revokes them, and drops them with their user', async () => {
      const store = await track(factory.open());
      await store.auth.createUser(user('ann'));
      await store.auth.createUser(user('cy'));
      await store.auth.createSession(session('s1', 'ann'));
      await store.auth.createSession(session('s2', 'ann'));
      await store.auth.createSession(session('s3', 'cy'));
      expect(await store.auth.sessionByHash(session('s1', 'ann').hash)).toEqual(session('s1', 'ann'));
      expect(await store.auth.sessionByHash('0'.repeat(64))).toBeUndefined();
      await store.auth.touchSession('s1', '2026-01-01T01:00:00.000Z');
      await store.auth.revokeSession('s1', '2026-01-01T02:00:00.000Z');
      await store.auth.revokeSession('s1', '2026-01-01T03:00:00.000Z');
      expect(await store.auth.sessionByHash(session('s1', 'ann').hash)).toMatchObject({ last_seen_at: '2026-01-01T01:00:00.000Z', revoked_at: '2026-01-01T02:00:00.000Z' });
      expect(await store.auth.revokeSessionsOf('ann', '2026-01-01T04:00:00.000Z')).toBe(1);
      expect((await store.auth.sessionByHash(session('s3', 'cy').hash))?.revoked_at).toBeNull();
      await store.auth.removeUser('cy');
      expect(await store.auth.sessionByHash(session('s3', 'cy').hash)).toBeUndefined();
      // Pruning deletes ended sessions before the cut-off and keeps the rest.
      await store.auth.createSession(session('s4', 'ann', { expires_at: '2026-02-01T00:00:00.000Z' }));
      await store.auth.prune('2026-01-10T00:00:00.000Z', t0);
      expect(await store.auth.sessionByHash(session('s2', 'ann').hash)).toBeUndefined();
      expect(await store.auth.sessionByHash(session('s4', 'ann').hash)).toBeDefined();
    });

    it('uses a link exactly once, even when two uses race', async () => {
      const store = await track(factory.open());
      const link: LinkRecord = { hash: 'l'.repeat(64), kind: 'invite', user: 'newbie', role: 'operator', created_by: 'admin', created_at: t0, expires_at: '2026-01-02T00:00:00.000Z', used_at: null };
      await store.auth.createLink(link);
      expect(await store.auth.link(link.hash)).toEqual(link);
      const uses = await Promise.all([store.auth.useLink(link.hash, '2026-01-01T01:00:00.000Z'), store.auth.useLink(link.hash, '2026-01-01T01:00:00.000Z')]);
      expect(uses.filter((u) => u !== undefined)).toEqual([{ ...link, used_at: '2026-01-01T01:00:00.000Z' }]);
      expect(await store.auth.useLink(link.hash, '2026-01-01T02:00:00.000Z')).toBeUndefined();
      expect(await store.auth.useLink('x'.repeat(64), '2026-01-01T02:00:00.000Z')).toBeUndefined();
      // voidLinks ends the unused links of one user and kind only.
      await store.auth.createLink({ ...link, hash: 'm'.repeat(64), kind: 'reset', user: 'ann' });
      await store.auth.createLink({ ...link, hash: 'n'.repeat(64), kind: 'invite', user: 'ann' });
      expect(await store.auth.voidLinks('ann', 'reset', '2026-01-01T03:00:00.000Z')).toBe(1);
      expect((await store.auth.link('n'.repeat(64)))?.used_at).toBeNull();
      await store.auth.prune(t0, '2026-01-03T00:00:00.000Z');
      expect(await store.auth.link(link.hash)).toBeUndefined();
    });

    it('keeps tokens with their owner, lists them per owner and revokes them together', async () => {
      const store = await track(factory.open());
      await store.auth.createToken(token('t1', 'ann/ci'), 'ann');
      await store.auth.createToken({ ...token('t2', 'ann/deploy'), created_at: '2026-01-02T00:00:00.000Z' }, 'ann');
      await store.auth.createToken(token('t3', 'hub'), null);
      expect(await store.auth.tokenByHash(token('t1', '').hash)).toEqual({ ...token('t1', 'ann/ci'), owner: 'ann' });
      expect(await store.auth.tokenById('t3')).toEqual({ ...token('t3', 'hub'), owner: null });
      // Tokens made with an owner are ordinary tokens for the core repo too.
      expect(await store.tokens.findByHash(token('t1', '').hash)).toEqual(token('t1', 'ann/ci'));
      expect((await store.auth.listTokens('ann')).map((t) => t.id)).toEqual(['t2', 't1']);
      expect((await store.auth.listTokens()).map((t) => t.id).sort()).toEqual(['t1', 't2', 't3']);
      expect(await store.auth.listTokens('nobody')).toEqual([]);
      expect(await store.auth.revokeTokensOf('ann', '2026-01-05T00:00:00.000Z')).toBe(2);
      expect(await store.auth.revokeTokensOf('ann', '2026-01-06T00:00:00.000Z')).toBe(0);
      expect((await store.auth.tokenById('t1'))?.revoked_at).toBe('2026-01-05T00:00:00.000Z');
      expect((await store.auth.tokenById('t3'))?.revoked_at).toBeNull();
      // A name taken by any token is refused, and nothing half-made is left behind.
      await expect(store.auth.createToken(token('t4', 'hub'), 'ann')).rejects.toThrow();
      expect(await store.auth.tokenById('t4')).toBeUndefined();
      expect((await store.auth.listTokens('ann')).length).toBe(2);
    });
  });
}
