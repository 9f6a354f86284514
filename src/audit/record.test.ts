import { describe, expect, it } from 'vitest';
import { actorOf, clean, shapeRecord, type RequestFacts } from './record.js';

function facts(over: Partial<RequestFacts>): RequestFacts {
  return {
    at: '2026-01-01T00:00:00.000Z', method: 'POST', routeUrl: '/api/services/:name/start', path: '/api/services/api/start', action: 'services.start',
    params: { name: 'api' }, body: undefined, principal: null, status: 200, address: '127.0.0.1', reply: {}, note: null, ...over,
  };
}

describe('audit records', () => {
  it('records a service action with its actor, target, result and mode', () => {
    const r = shapeRecord(facts({ principal: { tokenId: 't1', name: 'admin', scopes: ['admin'] }, body: { mode: 'prod' }, reply: { success: true } }));
    expect(r).toEqual({ at: '2026-01-01T00:00:00.000Z', actor: 'token:admin', action: 'services.start', target: 'api', result: 'ok', status: 200, address: '127.0.0.1', details: { mode: 'prod' } });
  });

  it('counts a 200 answering "success": false as failed, and keeps error codes', () => {
    expect(shapeRecord(facts({ reply: { success: false } })).result).toBe('failed');
    expect(shapeRecord(facts({ status: 404, reply: { code: 'service/not_found' } }))).toMatchObject({ result: 'failed', details: { code: 'service/not_found' }, actor: 'anonymous' });
  });

  it('takes a login\'s user name as target, never the password, and the user as actor once signed in', () => {
    const login = facts({ routeUrl: '/api/auth/login', path: '/api/auth/login', action: 'auth.login', params: {}, body: { username: 'alice', password: 'hunter2-Secret!' } });
    const failed = shapeRecord({ ...login, status: 401, reply: { code: 'auth/invalid_credentials' } });
    expect(failed).toMatchObject({ actor: 'anonymous', target: 'alice', result: 'denied' });
    expect(JSON.stringify(failed)).not.toContain('hunter2');
    expect(shapeRecord(login)).toMatchObject({ actor: 'alice', target: 'alice', result: 'ok' });
  });

  it('leaves out secret-looking route parameters and never reads the query string', () => {
    const r = shapeRecord(facts({ routeUrl: '/api/invites/:token/accept', path: '/api/invites/abc123/accept', params: { token: 'abc123' }, action: 'invites.accept' }));
    expect(r.target).toBeNull();
    expect(shapeRecord(facts({ params: { name: 'web', token: 's3cret' } })).target).toBe('web');
  });

  it('joins several parameters and takes an identifying body field for a write without any', () => {
    expect(shapeRecord(facts({ params: { id: 'web-1', serial: '0a1b' } })).target).toBe('web-1/0a1b');
    expect(shapeRecord(facts({ params: {}, body: { name: 'ci', scopes: ['read'] } })).target).toBe('ci');
    expect(shapeRecord(facts({ params: {}, body: { reports: [{ host_id: 'web-1' }] } })).target).toBe('web-1');
    expect(shapeRecord(facts({ params: {}, body: { comment: 'no id here' } })).target).toBeNull();
  });

  it('names a host that was rate limited after it authenticated', () => {
    const r = shapeRecord(facts({ action: 'metrics.report', params: {}, body: { host_id: 'web-1', samples: {} }, status: 429, reply: { code: 'hosts/rate_limited' } }));
    expect(r).toMatchObject({ actor: 'host:web-1', target: 'web-1', result: 'denied' });
  });

  it('records the path of an unknown route, without its query', () => {
    expect(shapeRecord(facts({ routeUrl: undefined, action: 'route.unknown', path: '/api/nope', params: {}, status: 404 }))).toMatchObject({
      target: '/api/nope', details: { method: 'POST' }, result: 'failed',
    });
  });

  it('lets a route give the target, actor and safe details', () => {
    const r = shapeRecord(facts({ note: { target: 'bob', actor: 'alice', details: { role: 'viewer', nested: { no: 1 }, list: ['a', 'b'] } } }));
    expect(r).toMatchObject({ actor: 'alice', target: 'bob', details: { role: 'viewer', list: ['a', 'b'] } });
    expect(r.details).not.toHaveProperty('nested');
  });

  it('cleans control characters and caps long values', () => {
    expect(clean('a\nb\u001b[31mc\u202e')).toBe('a\ufffdb\ufffd[31mc\ufffd');
    const long = clean('x'.repeat(5000));
    expect(long.length).toBe(200);
    expect(shapeRecord(facts({ params: {}, action: 'auth.login', body: { username: 'u'.repeat(100_000) }, status: 401 })).target!.length).toBe(200);
  });
});

describe('actors', () => {
  it.each([
    [null, null],
    [{ tokenId: 't1', name: 'ci', scopes: ['read'] }, 'token:ci'],
    [{ kind: 'user', name: 'alice', role: 'admin' }, 'alice'],
    [{ user: 'bob', tokenId: 's1', name: 'session' }, 'bob'],
    [{ user: { name: 'carol' } }, 'carol'],
    [{ username: 'dave' }, 'dave'],
    [{ hostId: 'web-1' }, 'host:web-1'],
    [{ kind: 'token', name: 'deploy' }, 'token:deploy'],
    [{ scopes: [] }, null],
    [{ name: 'admin', actor: 'token:admin', user: null, role: null, scopes: ['admin'], credential: { kind: 'token', id: 't1', name: 'admin', via: 'bearer' } }, 'token:admin'],
    [{ name: 'alice', actor: 'alice', user: 'alice', role: 'admin', scopes: ['admin'], credential: { kind: 'session', id: 's1', via: 'cookie' } }, 'alice'],
    [{ name: 'ci', user: null, credential: { kind: 'token', id: 't2', name: 'ci', via: 'bearer' } }, 'token:ci'],
  ])('%j → %s', (principal, actor) => {
    expect(actorOf(principal)).toBe(actor);
  });
});
