import { describe, expect, it } from 'vitest';
import { PendingLogins } from './pending.js';

const login = (state: string) => ({ state, nonce: 'n', codeVerifier: 'v', returnTo: '/', redirectUri: 'http://hub/api/auth/oidc/callback' });

describe('PendingLogins', () => {
  it('gives a login back once', () => {
    const p = new PendingLogins();
    p.add(login('s1'));
    expect(p.take('s1')).toMatchObject({ state: 's1' });
    expect(p.take('s1')).toBeUndefined();
    expect(p.take('never')).toBeUndefined();
  });

  it('reports a login taken after its time as expired', () => {
    let now = 0;
    const p = new PendingLogins(600_000, 100, () => now);
    p.add(login('s1'));
    now = 600_000;
    expect(p.take('s1')).toBe('expired');
    expect(p.take('s1')).toBeUndefined();
  });

  it('stays bounded: old and expired logins make room', () => {
    let now = 0;
    const p = new PendingLogins(1_000, 3, () => now);
    for (const s of ['a', 'b', 'c', 'd']) p.add(login(s));
    expect(p.size).toBe(3);
    expect(p.take('a')).toBeUndefined();
    now = 2_000;
    p.add(login('e'));
    expect(p.size).toBe(1);
  });
});
