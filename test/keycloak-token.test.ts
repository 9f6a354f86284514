// The admin token's lifetime handling, on a clock the test moves: renewed shortly before
// expires_in (never used until Keycloak refuses it), one fetch for concurrent callers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeycloakAdmin, idFromLocation, renewalMargin, segment } from '../src/keycloak/index.js';
import { startFakeKeycloak, type FakeKeycloak } from '../src/keycloak/testing/fake-keycloak.js';

let kc: FakeKeycloak;
beforeAll(async () => {
  kc = await startFakeKeycloak({ tokenLifetimeS: 60 });
});
afterAll(() => kc?.close());

function adminWithClock(): { admin: KeycloakAdmin; clock: { now: number } } {
  const clock = { now: 1_000_000 };
  const admin = new KeycloakAdmin({ url: kc.url, realm: kc.realm, adminRealm: 'master', adminUser: kc.adminUser, adminPassword: kc.adminPassword, clientId: 'admin-cli' }, { now: () => clock.now });
  return { admin, clock };
}

describe('Keycloak admin token lifetime', () => {
  it('is renewed 10 s before a 60 s token expires, before Keycloak would refuse it', async () => {
    const { admin, clock } = adminWithClock();
    const tokens = kc.tokenRequests;
    await admin.listGroups();
    clock.now += 49_000;
    await admin.listUsers({});
    expect(kc.tokenRequests).toBe(tokens + 1);
    clock.now += 2_000; // 51 s: inside the renewal margin
    await admin.listUsers({});
    expect(kc.tokenRequests).toBe(tokens + 2);
    expect(kc.unauthorized).toBe(0);
  });

  it('shares one fetch among concurrent callers', async () => {
    const { admin } = adminWithClock();
    const tokens = kc.tokenRequests;
    await Promise.all(Array.from({ length: 20 }, () => admin.listUsers({ max: 1 })));
    expect(kc.tokenRequests).toBe(tokens + 1);
    expect(admin.api.token.fetches).toBe(1);
  });

  it('keeps short-lived tokens for half their life', () => {
    expect(renewalMargin(60_000)).toBe(10_000);
    expect(renewalMargin(300_000)).toBe(10_000);
    expect(renewalMargin(4_000)).toBe(2_000);
  });
});

describe('Keycloak admin API details', () => {
  it('reads the new id from any form of Location header', () => {
    expect(idFromLocation('http://kc:8080/admin/realms/r/users/0b6c1a4e-1')).toBe('0b6c1a4e-1');
    expect(idFromLocation('https://kc/auth/admin/realms/r/users/abc/')).toBe('abc');
    expect(idFromLocation('/admin/realms/r/users/f%3Aldap%3Ajane')).toBe('f:ldap:jane');
    expect(idFromLocation(null)).toBeUndefined();
    expect(idFromLocation('http://kc/admin/realms/r/groups/x')).toBeUndefined();
  });

  it('refuses path segments that would change the path', () => {
    expect(segment('a/b')).toBe('a%2Fb');
    for (const bad of ['', '.', '..']) expect(() => segment(bad)).toThrow(/not a valid Keycloak id/);
  });
});
