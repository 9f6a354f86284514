/**
 * Every route declares the permission it needs in `config.permission`; a route without one
 * is refused at registration, so no route can be reachable by accident. Bearer tokens are
 * checked here, before any handler runs.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { allows, type Principal, type Scope, type TokenVerifier } from '../auth/tokens.js';
import { AppError } from '../core/errors.js';

/** What a route needs: nothing (public), or a token with at least this scope. */
export type Permission = 'public' | Scope;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Required on every route. */
    permission?: Permission;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** Routes added by plugins we do not write ourselves, and the permission they get. */
const pluginRoutes: { prefix: string; permission: Permission }[] = [{ prefix: '/docs', permission: 'public' }];

/** Registers the declaration check and the authentication hook. */
export const permissions = fp(async (app: FastifyInstance, opts: { verifier: TokenVerifier }) => {
  app.decorateRequest('principal', null);
  app.addHook('onRoute', (route) => {
    route.config ??= {};
    const config = route.config as { permission?: Permission };
    if (config.permission === undefined) {
      const plugin = pluginRoutes.find((p) => route.url === p.prefix || route.url.startsWith(`${p.prefix}/`));
      if (!plugin) throw new Error(`route ${route.method} ${route.url} does not declare config.permission`);
      config.permission = plugin.permission;
    }
    if (config.permission === 'public') {
      // OpenAPI: public routes need no bearer token.
      route.schema = { ...route.schema, security: [] } as typeof route.schema;
    }
  });
  app.addHook('onRequest', async (request) => {
    const permission = request.routeOptions.config.permission;
    // Unknown URLs have no route; they get the not-found answer without revealing anything.
    if (permission === undefined || permission === 'public') return;
    request.principal = await authenticate(request, opts.verifier);
    if (!allows(request.principal.scopes, permission)) {
      throw new AppError('auth/forbidden', `this action needs the ${permission} scope; the token has ${request.principal.scopes.join(', ') || 'none'}`);
    }
  });
});

async function authenticate(request: FastifyRequest, verifier: TokenVerifier): Promise<Principal> {
  let header = request.headers.authorization;
  // Browsers cannot set headers on a WebSocket: they may pass the token as access_token.
  const queryToken = (request.query as { access_token?: unknown } | undefined)?.access_token;
  if (!header && request.headers.upgrade?.toLowerCase() === 'websocket' && typeof queryToken === 'string') header = `Bearer ${queryToken}`;
  if (!header) throw new AppError('auth/missing_token', 'authentication required: send "Authorization: Bearer <token>"');
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) throw new AppError('auth/invalid_token', 'the Authorization header must be "Bearer <token>"');
  const result = await verifier.verify(m[1]!);
  if ('refused' in result) throw new AppError('auth/invalid_token', `invalid token: ${result.refused}`);
  return result;
}
