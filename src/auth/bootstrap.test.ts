import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/index.js';
import { tempDir } from '../testing/helpers.js';
import { bootstrapAdmin } from './bootstrap.js';
import { PasswordHasher } from './passwords.js';

const hasher = new PasswordHasher();
const open: Store[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
async function fresh(): Promise<{ store: Store; dir: string }> {
  const dir = tempDir();
  const store = await openStore({ kind: 'sqlite' }, dir);
  open.push(store);
  return { store, dir };
}

describe('the first admin', () => {
  it('gets a random password printed once and stored only as its hash', async () => {
    const { store, dir } = await fresh();
    const lines: string[] = [];
    expect(await bootstrapAdmin(store, {}, (l) => lines.push(l), { hasher })).toBe('generated');
    const password = /with password: (\S+)$/.exec(lines[0]!)![1]!;
    expect(password.length).toBeGreaterThanOrEqual(20);
    const admin = (await store.auth.user('admin'))!;
    expect(admin).toMatchObject({ role: 'admin', source: 'local', disabled_at: null });
    expect(await hasher.verify(admin.password_hash!, password)).toBe(true);
    await store.close();
    for (const file of ['wheelhouse.db', 'wheelhouse.db-wal']) {
      let bytes = '';
      try {
        bytes = readFileSync(join(dir, file), 'latin1');
      } catch {
        continue;
      }
      expect(bytes).not.toContain(password);
    }
    // Never again, not even on the next start.
    const again = await openStore({ kind: 'sqlite' }, dir);
    open.push(again);
    const more: string[] = [];
    expect(await bootstrapAdmin(again, {}, (l) => more.push(l), { hasher })).toBe('exists');
    expect(more).toEqual([]);
  });

  it('takes WHEELHOUSE_ADMIN_PASSWORD and never prints it', async () => {
    const { store } = await fresh();
    const lines: string[] = [];
    expect(await bootstrapAdmin(store, { WHEELHOUSE_ADMIN_PASSWORD: 'from-the-environment-1' }, (l) => lines.push(l), { hasher })).toBe('from-env');
    expect(lines.join('\n')).not.toContain('from-the-environment-1');
    expect(await hasher.verify((await store.auth.user('admin'))!.password_hash!, 'from-the-environment-1')).toBe(true);
  });

  it('refuses a WHEELHOUSE_ADMIN_PASSWORD the policy refuses, creating nothing', async () => {
    const { store } = await fresh();
    await expect(bootstrapAdmin(store, { WHEELHOUSE_ADMIN_PASSWORD: 'admin' }, () => undefined, { hasher })).rejects.toThrow(/WHEELHOUSE_ADMIN_PASSWORD: the password is too short/);
    await expect(bootstrapAdmin(store, { WHEELHOUSE_ADMIN_PASSWORD: 'short' }, () => undefined, { hasher, minLength: 16 })).rejects.toMatchObject({ code: 'config/invalid' });
    expect(await store.auth.users()).toEqual([]);
  });

  it('leaves a store with users alone', async () => {
    const { store } = await fresh();
    const at = new Date().toISOString();
    await store.auth.createUser({ name: 'root', display_name: 'r', email: null, role: 'admin', password_hash: null, source: 'local', created_at: at, updated_at: at, disabled_at: null, sessions_valid_after: null });
    expect(await bootstrapAdmin(store, {}, () => undefined, { hasher })).toBe('exists');
    expect(await store.auth.user('admin')).toBeUndefined();
  });
});
