import { describe, expect, it } from 'vitest';
import { actionName, isActionName, isAudited, isDataRoute, resultOf } from './naming.js';

describe('audit action names', () => {
  it.each([
    ['POST', '/api/services/:name/start', 'services.start'],
    ['POST', '/api/services/:name/restart', 'services.restart'],
    ['PUT', '/api/alerts/rules/:name', 'alerts.rules.put'],
    ['DELETE', '/api/alerts/rules/:name', 'alerts.rules.delete'],
    ['POST', '/api/auth/login', 'auth.login'],
    ['POST', '/api/auth/logout', 'auth.logout'],
    ['POST', '/api/silences', 'silences.create'],
    ['DELETE', '/api/silences/:id', 'silences.delete'],
    ['POST', '/api/users', 'users.create'],
    ['PATCH', '/api/users/:name', 'users.patch'],
    ['POST', '/api/hosts/:id/rotate-key', 'hosts.rotate-key'],
    ['POST', '/api/channels/:name/test', 'channels.test'],
    ['POST', '/api/logs/ingest', 'logs.ingest'],
    ['POST', '/api/metrics/report', 'metrics.report'],
    ['POST', '/v1/logs', 'otlp.logs.create'],
    ['POST', '/api/users/invitations', 'users.invitations.create'],
    ['POST', '/api/keycloak/users', 'keycloak.users.create'],
    ['POST', '/api/keycloak/users/:id/groups', 'keycloak.users.groups.create'],
    ['POST', '/api/keycloak/users/:id/reset-password', 'keycloak.users.reset-password'],
    ['POST', '/api/auth/logout-all', 'auth.logout-all'],
    ['POST', '/api/auth/access', 'auth.access'],
    ['GET', '/api/audit', 'audit.get'],
    ['GET', '/api/services/:name', 'services.get'],
    ['GET', '/metrics', 'metrics.get'],
    ['PUT', '/api/keycloak/users/:id/groups', 'keycloak.users.groups.put'],
    ['DELETE', '/', 'root.delete'],
  ])('%s %s → %s', (method, url, name) => {
    expect(actionName(method, url)).toBe(name);
    expect(isActionName(name)).toBe(true);
  });

  it('names a request that matched no route route.unknown', () => {
    expect(actionName('POST', undefined)).toBe('route.unknown');
  });

  it('accepts only dotted lower-case names from routes', () => {
    expect(isActionName('users.invite')).toBe(true);
    for (const bad of ['', 'Users.invite', 'users..invite', 'users invite', '.users', 'a'.repeat(101)]) expect(isActionName(bad)).toBe(false);
  });
});

describe('what is recorded', () => {
  it.each([
    [200, 'ok'], [204, 'ok'], [302, 'ok'], [401, 'denied'], [403, 'denied'], [429, 'denied'], [400, 'failed'], [404, 'failed'], [409, 'failed'], [500, 'failed'], [503, 'failed'],
  ] as const)('status %i is %s', (status, result) => {
    expect(resultOf(status)).toBe(result);
  });

  it('records writes and refusals; data routes only when refused', () => {
    expect(isAudited('POST', 200, false)).toBe(true);
    expect(isAudited('DELETE', 404, false)).toBe(true);
    expect(isAudited('GET', 200, false)).toBe(false);
    expect(isAudited('GET', 404, false)).toBe(false);
    expect(isAudited('GET', 403, false)).toBe(true);
    expect(isAudited('POST', 200, true)).toBe(false);
    expect(isAudited('POST', 400, true)).toBe(false);
    expect(isAudited('POST', 401, true)).toBe(true);
    expect(isAudited('POST', 429, true)).toBe(true);
    expect(isDataRoute('POST', '/api/logs/ingest')).toBe(true);
    expect(isDataRoute('POST', '/v1/logs')).toBe(true);
    expect(isDataRoute('POST', '/api/metrics/report')).toBe(true);
    expect(isDataRoute('GET', '/api/logs')).toBe(false);
    expect(isDataRoute('POST', undefined)).toBe(false);
  });
});
