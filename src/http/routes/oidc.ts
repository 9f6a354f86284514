/**
 * OIDC login (`auth.oidc`): `GET /api/auth/oidc/login` sends the browser to the provider
 * (state, nonce, PKCE); `GET /api/auth/oidc/callback` completes it, provisions the user with
 * the role their groups map to, starts a session (the same `wh_session` cookie as password
 * login) and lands on `return_to`. Failures answer 4xx (an escaped HTML page for a browser,
 * the JSON error otherwise) and are recorded in the audit trail like password logins.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { isAudited, shapeRecord } from '../../audit/index.js';
import { readCookie, sessionPrincipal, sessionSetCookie, Sessions } from '../../auth/index.js';
import { callbackPath, OidcError, OidcLogin } from '../../auth/oidc/index.js';
import type { AuthConfig } from '../../core/config/index.js';
import { isAppError } from '../../core/errors.js';
import type { Store } from '../../store/index.js';
import { errors } from '../schemas.js';

/** The cookie binding a login in flight to the browser that started it. */
const stateCookie = 'wh_oidc';
const loginAction = 'auth.oidc.login';

/** The OIDC routes. */
export const oidcRoutes: FastifyPluginAsyncTypebox<{ store: Store; auth: AuthConfig }> = async (app, { store, auth }) => {
  const oidc = auth.oidc ? new OidcLogin(auth.oidc, store) : null;
  const sessions = new Sessions(store, { ttlMs: auth.sessionTtlMs, idleMs: auth.sessionIdleMs });
  const configured = (): OidcLogin => {
    if (!oidc) throw new OidcError('oidc/not_configured', 'OIDC login is not configured: add auth.oidc (issuer, client_id, client_secret, role_map) to wheelhouse.yaml');
    return oidc;
  };
  const baseUrl = (req: FastifyRequest): string => auth.publicUrl?.replace(/\/+$/, '') ?? `${req.protocol}://${req.host}`;
  const secure = (req: FastifyRequest): boolean => auth.cookieSecure ?? (req.protocol === 'https' || baseUrl(req).startsWith('https:'));
  const stateSetCookie = (req: FastifyRequest, value: string, maxAgeS: number): string =>
    // Lax, not Strict: the provider's redirect back to the callback is a cross-site navigation.
    `${stateCookie}=${value}; HttpOnly; SameSite=Lax; Path=/api/auth/oidc; Max-Age=${maxAgeS}${secure(req) ? '; Secure' : ''}`;

  // A person in a browser gets a readable page; API clients keep the JSON error of every route.
  app.setErrorHandler((err, req, reply) => {
    if (req.routeOptions.url === callbackPath) {
      const user = err instanceof OidcError ? err.user : undefined;
      req.auditNote = { actor: user ?? 'anonymous', target: user ?? null, details: { code: isAppError(err) ? err.code : 'internal' } };
    }
    if (isAppError(err) && wantsHtml(req)) return errorPage(reply, err.status, err.message);
    throw err;
  });

  app.get(
    '/api/auth/oidc',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Whether OIDC login is enabled, and where it starts',
        response: { 200: Type.Object({ enabled: Type.Boolean(), issuer: Type.Union([Type.String(), Type.Null()]), login_url: Type.Union([Type.String(), Type.Null()]) }) },
      },
    },
    async () => ({ enabled: oidc !== null, issuer: oidc?.settings.issuer ?? null, login_url: oidc ? '/api/auth/oidc/login' : null }),
  );

  app.get(
    '/api/auth/oidc/login',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Start an OIDC login: redirects (302) to the identity provider',
        querystring: Type.Object({ return_to: Type.Optional(Type.String({ maxLength: 2048, description: 'a path on this hub to land on after login (default /)' })) }, { additionalProperties: false }),
        response: { 302: Type.Null(), ...errors(400, 404, 502) },
      },
    },
    async (req, reply) => {
      const { url, state } = await configured().begin(baseUrl(req), req.query.return_to);
      return reply
        .header('set-cookie', stateSetCookie(req, state, Math.floor(configured().pending.ttlMs / 1000)))
        .header('cache-control', 'no-store')
        .redirect(url.href, 302);
    },
  );

  app.get(
    callbackPath,
    {
      config: { permission: 'public', audit: loginAction },
      schema: {
        tags: ['auth'],
        summary: 'Where the identity provider sends the browser back: completes the login, sets the session cookie, redirects (302) to return_to',
        querystring: Type.Object(
          {
            code: Type.Optional(Type.String({ maxLength: 4096 })),
            state: Type.Optional(Type.String({ maxLength: 512 })),
            error: Type.Optional(Type.String({ maxLength: 256 })),
            error_description: Type.Optional(Type.String({ maxLength: 2048 })),
          },
          { additionalProperties: Type.String({ maxLength: 4096 }) },
        ),
        response: { 302: Type.Null(), ...errors(400, 403, 404, 409, 502) },
      },
    },
    async (req, reply) => {
      // The state is single-use whatever happens next: forget it in the browser too.
      void reply.header('set-cookie', stateSetCookie(req, '', 0)).header('cache-control', 'no-store');
      const params = new URL(req.url, 'http://callback.invalid').searchParams;
      const done = await configured().complete(params, readCookie(req.headers.cookie, stateCookie));
      const { secret, session } = await sessions.create(done.user.name, { address: req.ip ?? null, userAgent: req.headers['user-agent'] ?? null });
      req.principal = sessionPrincipal({ session, user: done.user }, 'cookie');
      req.auditNote = { actor: done.user.name, target: done.user.name, details: { role: done.user.role, groups: done.matched, source: done.user.source } };
      // Fastify appends Set-Cookie values: this one joins the state cookie's removal above.
      return reply.header('set-cookie', sessionSetCookie(secret, secure(req))).redirect(done.returnTo, 302);
    },
  );

  // A login is an action even though it is a GET: record the outcomes the audit hook leaves out
  // (it records refusals, 401/403/429, itself).
  app.addHook('onResponse', async (req, reply) => {
    if (req.routeOptions.url !== callbackPath || isAudited(req.method, reply.statusCode, false)) return;
    const record = shapeRecord({
      at: new Date().toISOString(),
      method: req.method,
      routeUrl: callbackPath,
      path: callbackPath,
      action: loginAction,
      params: {},
      body: undefined,
      principal: null,
      status: reply.statusCode,
      address: req.ip ?? null,
      reply: {},
      note: req.auditNote,
    });
    await store.audit.append(record).catch((err: unknown) => req.log.error({ err }, 'could not record an OIDC login in the audit trail'));
  });
};

function wantsHtml(req: FastifyRequest): boolean {
  const accept = req.headers.accept ?? '';
  return accept.includes('text/html') && !accept.startsWith('application/json');
}

function errorPage(reply: FastifyReply, status: number, message: string): FastifyReply {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in failed · Wheelhouse</title></head><body><h1>Sign-in failed</h1><p>${escapeHtml(message)}</p><p><a href="/api/auth/oidc/login">Try again</a> · <a href="/">Wheelhouse</a></p></body></html>`;
  return reply.status(status).header('content-security-policy', "default-src 'none'").type('text/html; charset=utf-8').send(html);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
