/**
 * The dashboard: the single-page app Vite builds into dist/web, served by the hub itself.
 * Hashed assets are cached for a year (their names change when they do); the page routes
 * all answer index.html, never cached, so a deploy is picked up on the next load. Pages are
 * public (the app asks /api/auth/session and shows the login form); every API call they
 * make is checked as usual. Unknown URLs still get the catalogue's 404.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Type } from 'typebox';
import { AppError } from '../../core/errors.js';
import { packagePath } from '../../core/paths.js';

/** dist/web, where Vite builds the app. */
export const webRoot = packagePath('dist', 'web');

/** Client-side routes of the app (web/src/app.tsx): each answers index.html. */
const pages = ['/', '/login', '/accept', '/logs', '/hosts', '/hosts/:id', '/services/:name', '/alerts', '/settings', '/settings/:tab'];

/**
 * Scripts and styles from the hub only; inline style attributes are allowed because the
 * chart library sizes its canvas with them. The WebSocket feed is same-origin.
 */
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

export const webRoutes: FastifyPluginAsyncTypebox<{ root?: string }> = async (app, opts) => {
  const root = opts.root ?? webRoot;
  const built = existsSync(join(root, 'index.html'));
  await app.register(fastifyStatic, { root, serve: false, preCompressed: true, index: false, dotfiles: 'deny' });

  const page = { config: { permission: 'public' as const }, schema: { hide: true } };
  for (const url of pages) {
    app.get(url, page, async (_req, reply) => {
      if (!built) throw new AppError('web/not_built', `the dashboard is not built (${join(root, 'index.html')} is missing): run "npm run build"`);
      return reply
        .header('content-security-policy', contentSecurityPolicy)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'same-origin')
        .header('cache-control', 'no-cache')
        .sendFile('index.html', { cacheControl: false });
    });
  }
  app.get(
    '/assets/:file',
    { config: { permission: 'public' }, schema: { hide: true, params: Type.Object({ file: Type.String({ pattern: '^[A-Za-z0-9._-]+$', maxLength: 200 }) }) } },
    async (req, reply) => reply.header('x-content-type-options', 'nosniff').sendFile(`assets/${req.params.file}`, { maxAge: 365 * 86_400_000, immutable: true }),
  );
  for (const file of ['favicon.svg', 'theme.js']) {
    app.get(`/${file}`, { config: { permission: 'public' }, schema: { hide: true } }, async (_req, reply) => reply.sendFile(file, { maxAge: 3_600_000 }));
  }
};
