import { describe, expect, it } from 'vitest';
import { checkPassword, defaultHashParams, minimumHashParams, parsePhc, PasswordHasher } from './passwords.js';

describe('password hashing', () => {
  const hasher = new PasswordHasher();

  it('hashes with Argon2id at the default parameters, at least OWASP\'s minimum, into a PHC string', async () => {
    expect(defaultHashParams.memoryCost).toBeGreaterThanOrEqual(minimumHashParams.memoryCost);
    expect(defaultHashParams.timeCost).toBeGreaterThanOrEqual(minimumHashParams.timeCost);
    const phc = await hasher.hash('correct horse battery staple');
    expect(parsePhc(phc)).toEqual({ alg: 'argon2id', version: 19, memoryCost: 65_536, timeCost: 3, parallelism: 1 });
    expect(await hasher.verify(phc, 'correct horse battery staple')).toBe(true);
    expect(await hasher.verify(phc, 'correct horse battery stapl')).toBe(false);
    // A fresh salt every time.
    expect(await hasher.hash('correct horse battery staple')).not.toBe(phc);
  });

  it('verifies hashes made with other parameters and says which need a rehash', async () => {
    const old = new PasswordHasher(minimumHashParams);
    const weak = await old.hash('an older password');
    expect(await hasher.verify(weak, 'an older password')).toBe(true);
    expect(hasher.needsRehash(weak)).toBe(true);
    expect(old.needsRehash(weak)).toBe(false);
    expect(hasher.needsRehash(await hasher.hash('x'))).toBe(false);
    // Stronger than today is left alone; other algorithms and garbage are replaced.
    expect(old.needsRehash(await hasher.hash('x'))).toBe(false);
    expect(hasher.needsRehash('$argon2i$v=19$m=65536,t=3,p=1$c2FsdHNhbHQ$aGFzaA')).toBe(true);
    expect(hasher.needsRehash('plain')).toBe(true);
    expect(await hasher.verify('not a hash', 'x')).toBe(false);
  });

  it('normalizes Unicode so the same password typed differently matches', async () => {
    const phc = await hasher.hash('caf\u00e9-au-lait-1');
    expect(await hasher.verify(phc, 'cafe\u0301-au-lait-1')).toBe(true);
  });

  it('really runs Argon2 for an unknown user', async () => {
    const h = new PasswordHasher();
    const before = h.stats.verifications;
    expect(await h.verifyDummy('whatever')).toBe(false);
    expect(h.stats.verifications).toBe(before + 1);
  });

  it('refuses parameters below OWASP\'s minimum', () => {
    expect(() => new PasswordHasher({ memoryCost: 4096, timeCost: 1, parallelism: 1 })).toThrow(/minimum/);
  });
});

describe('password policy', () => {
  const policy = { minLength: 12 };
  const refused: [string, string, RegExp][] = [
    ['too short', 'short-1', /too short: use at least 12/],
    ['the user name', 'margaret.hamilton', /must not be the user name/],
    ['the user name in other case', 'MARGARET.HAMILTON', /must not be the user name/],
    ['a common password', 'password1234', /most common/],
    ['a common password, case aside', 'QWERTYUIOP123', /most common/],
    ['one character repeated', 'aaaaaaaaaaaaaaaa', /repeated/],
    ['a common word dressed up', 'P@ssword!2026!!', /too easy/],
    ['the product name dressed up', 'Wheelhouse#2026!', /too easy/],
    ['the user name dressed up', 'margaret-hamilton-1969', /too easy/],
    ['over 1,024 characters', 'x'.repeat(1025) + 'y', /too long/],
  ];
  it.each(refused)('refuses %s', (_label, pw, message) => {
    expect(() => checkPassword(pw, 'margaret.hamilton', policy)).toThrow(message);
  });

  it('accepts long passphrases without composition rules, and counts characters, not bytes', () => {
    for (const pw of ['correct horse battery staple', 'lowercaseonlybutlong', '🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🌕', 'Margaret wrote Apollo code']) {
      expect(() => checkPassword(pw, 'margaret.hamilton', policy)).not.toThrow();
    }
    expect(() => checkPassword('🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🌕', 'x', policy)).toThrow(/too short/);
    expect(() => checkPassword('twelve-chars', 'x', { minLength: 8 })).not.toThrow();
  });
});
