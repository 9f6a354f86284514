import { describe, expect, it } from 'vitest';
import { displayNameOf, emailOf, groupsOf, roleFor, safeReturnTo, userNameOf } from './claims.js';

describe('safeReturnTo', () => {
  it.each([
    [undefined, '/'],
    ['', '/'],
    ['/', '/'],
    ['/services/api?tab=logs#tail', '/services/api?tab=logs#tail'],
    ['/a/../b', '/b'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
  ])('keeps the path %j as %j', (input, expected) => {
    expect(safeReturnTo(input)).toBe(expected);
  });

  it.each(['https://evil.example', '//evil.example', '///evil.example', '/\\evil.example', '\\\\evil.example', 'javascript:alert(1)', 'evil.example/x', '/x\r\nSet-Cookie: a=b', '/\t/evil.example', `/${'a'.repeat(2048)}`])(
    'refuses %j',
    (input) => {
      expect(safeReturnTo(input)).toBeUndefined();
    },
  );
});

describe('roleFor', () => {
  const map = { 'ops-admins': 'admin', ops: 'operator', 'team/leads': 'operator', staff: 'viewer' } as const;
  it.each([
    [['staff', 'ops-admins'], 'admin'],
    [['ops', 'staff'], 'operator'],
    [['/ops'], 'operator'],
    [['/team/leads'], 'operator'],
    [['/other/leads', 'leads'], null],
    [['marketing'], null],
    [[], null],
  ] as const)('maps %j to %s', (groups, role) => {
    expect(roleFor(groups, map, null).role).toBe(role);
  });

  it('falls back to the default role', () => {
    expect(roleFor(['marketing'], map, 'viewer')).toEqual({ role: 'viewer', matched: [] });
    // A mapped group wins over the default even when it is lower.
    expect(roleFor(['staff'], map, 'operator').role).toBe('viewer');
  });
});

describe('claims', () => {
  it('reads groups as a list, a single value, or along a dotted path', () => {
    expect(groupsOf({ groups: ['a', 'b', 3] }, 'groups')).toEqual(['a', 'b']);
    expect(groupsOf({ groups: 'a' }, 'groups')).toEqual(['a']);
    expect(groupsOf({ realm_access: { roles: ['x'] } }, 'realm_access.roles')).toEqual(['x']);
    expect(groupsOf({}, 'groups')).toEqual([]);
  });

  it('names the user after a valid preferred_username, else the e-mail, else issuer and subject', () => {
    expect(userNameOf({ sub: '1', preferred_username: 'jane.doe' }, 'https://idp')).toBe('jane.doe');
    expect(userNameOf({ sub: '1', preferred_username: 'Jane Doe', email: 'jane@example.com' }, 'https://idp')).toBe('jane@example.com');
    const derived = userNameOf({ sub: '1', preferred_username: "x' OR 1=1 --" }, 'https://idp');
    expect(derived).toMatch(/^oidc-[0-9a-f]{16}$/);
    expect(userNameOf({ sub: '1' }, 'https://idp')).toBe(derived);
    expect(userNameOf({ sub: '1' }, 'https://other')).not.toBe(derived);
  });

  it('keeps display names as data (escaped where shown), cut to 200 characters', () => {
    expect(displayNameOf({ name: '<b>Jane</b>' }, 'j')).toBe('<b>Jane</b>');
    expect(displayNameOf({ given_name: 'Jane', family_name: 'Doe' }, 'j')).toBe('Jane Doe');
    expect(displayNameOf({}, 'fallback')).toBe('fallback');
    expect([...displayNameOf({ name: '😀'.repeat(300) }, 'j')]).toHaveLength(200);
    expect(emailOf({ email: 'not an address' })).toBeNull();
    expect(emailOf({ email: 'a@b.c' })).toBe('a@b.c');
  });
});
