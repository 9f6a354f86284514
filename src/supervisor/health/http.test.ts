import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpProbe } from './http.js';

/** A local server whose routes answer the cases a health endpoint can give. */
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    switch (req.url) {
      case '/healthy':
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"healthy"}');
        break;
      case '/degraded':
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end('{"status":"degraded"}');
        break;
      case '/sick':
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"unhealthy"}');
        break;
      case '/plain':
        res.writeHead(204).end();
        break;
      case '/moved':
        res.writeHead(302, { location: '/healthy' }).end();
        break;
      case '/huge':
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('x'.repeat(1024 * 1024));
        break;
      case '/slow':
        setTimeout(() => res.writeHead(200).end(), 2000).unref();
        break;
      default:
        res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('http probe', () => {
  it.each([
    ['/healthy', true, 'HTTP 200, status "healthy"'],
    ['/degraded', false, 'HTTP 200, status "degraded"'],
    ['/sick', false, 'HTTP 503, status "unhealthy"'],
    ['/plain', true, 'HTTP 204'],
    ['/moved', true, 'HTTP 200, status "healthy"'],
    ['/huge', true, 'HTTP 200'],
    ['/missing', false, 'HTTP 404'],
  ])('%s → ok %s, "%s"', async (path, ok, message) => {
    const r = await httpProbe(`${base}${path}`, 1000).check();
    expect({ ok: r.ok, message: r.message }).toEqual({ ok, message });
  });

  it('answers again on the same probe (the connection is kept between checks)', async () => {
    const probe = httpProbe(`${base}/healthy`, 1000);
    for (let i = 0; i < 3; i++) expect((await probe.check()).ok).toBe(true);
  });

  it('reports a refused connection and a timeout', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    expect(await httpProbe(`http://127.0.0.1:${port}/health`, 1000).check()).toMatchObject({ ok: false, message: 'connection refused' });
    const slow = await httpProbe(`${base}/slow`, 100).check();
    expect(slow).toMatchObject({ ok: false, message: 'timed out' });
    expect(slow.latencyMs).toBeLessThan(1000);
  });
});
