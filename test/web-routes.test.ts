// The dashboard's files as the hub serves them: pages, hashed assets (precompressed, cached),
// and what it answers to bad paths and to a hub whose dashboard was never built.
import Fastify from 'fastify';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installErrorHandling } from '../src/http/errors.js';
import { webRoot, webRoutes } from '../src/http/routes/web.js';
import { startTestHub, type TestHub } from '../src/testing/hub-inprocess.js';

describe('dashboard files', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({});
  });
  afterAll(async () => t?.close());

  it('answers index.html for every page route, never cached, under a strict CSP', async () => {
    for (const path of ['/', '/logs?service=api', '/services/api', '/hosts/web-1', '/settings/users', '/accept']) {
      const res = await t.fetch(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await res.text()).toContain('<div id="root">');
    }
  });

  it('sends hashed assets precompressed and cached for a year', async () => {
    const entry = readdirSync(join(webRoot, 'assets')).find((f) => /^index-.*\.js$/.test(f))!;
    const br = await t.fetch(`/assets/${entry}`, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(br.status).toBe(200);
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('cache-control')).toContain('immutable');
    expect(br.headers.get('content-type')).toMatch(/javascript/);
    const plain = await t.fetch(`/assets/${entry}`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect((await plain.text()).length).toBeGreaterThan(1000);
  });

  it('refuses paths out of the assets folder and answers unknown files and pages with the 404 of the API', async () => {
    for (const path of ['/assets/..%2f..%2fpackage.json', '/assets/%2e%2e%2fweb.ts', '/assets/.hidden']) {
      const res = await t.fetch(path);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
      expect(await res.text()).not.toContain('"name": "wheelhouse"');
    }
    const missing = await t.fetch('/assets/nope-123.js');
    expect(missing.status).toBe(404);
    const unknown = await t.fetch('/no-such-page');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'route/not_found' } });
    expect((await t.fetch('/', { method: 'POST' })).status).toBe(404);
  });

  it('says to build the dashboard when dist/web has no index.html, instead of failing', async () => {
    const app = Fastify();
    installErrorHandling(app, 1024);
    await app.register(webRoutes, { root: `${mkdtempSync(join(tmpdir(), 'wh-noweb-'))}/` });
    const res = await app.inject({ url: '/logs' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: { code: 'web/not_built', message: expect.stringContaining('npm run build') } });
    await app.close();
  });
});
