/**
 * Every route declares the permission it needs in `config.permission`; a route without one
 * is refused at registration, so no route can be reachable by accident. Credentials (API
 * tokens, CLI sessions as bearer tokens, the browser's session cookie) are checked here,
 * before any handler runs, with the CSRF checks for cookie-authenticated requests.
 *
 * Roles map onto the levels: viewer → read; operator → read + operate; admin → everything,
 * ingest included. Routes that show users or secrets declare admin.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Authenticator } from '../auth/authenticate.js';
import type { Principal } from '../auth/principal.js';
import { allows, type Scope } from '../auth/scopes.js';
import { Sessions } from '../auth/sessions.js';
import type { TokenVerifier } from '../auth/tokens.js';
import type { AuthConfig } from '../core/config/index.js';
import { AppError } from '../core/errors.js';
import type { Store } from '../store/index.js';

/** What a route needs: nothing (public), or a credential with at least this scope. */
export type Permission = 'public' | Scope;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Required on every route. */
    permission?: Permission;
  }
  interface FastifyRequest {
    /** Who is calling; set before the handler on every non-public route (null on public ones). */
    principal: Principal | null;
  }
}

/** Routes added by plugins we do not write ourselves, and the permission they get. */
const pluginRoutes: { prefix: string; permission: Permission }[] = [{ prefix: '/docs', permission: 'public' }];

/**
 * The permission of a route: its declaration, else the one of the plugin routes it belongs
 * to (e.g. /docs), else undefined (then the route is refused at registration, and answered
 * 403 should it have been registered where the check could not see it).
 */
export function routePermission(url: string, declared: Permission | undefined): Permission | undefined {
  if (declared !== undefined) return declared;
  return pluginRoutes.find((p) => url === p.prefix || url.startsWith(`${p.prefix}/`))?.permission;
}

/** Registers the declaration check and the authentication hook. */
export const permissions = fp(async (app: FastifyInstance, opts: { verifier: TokenVerifier; store: Store; auth: AuthConfig }) => {
  const authenticator = new Authenticator(opts.verifier, new Sessions(opts.store, { ttlMs: opts.auth.sessionTtlMs, idleMs: opts.auth.sessionIdleMs }), opts.auth.publicUrl);
  app.decorateRequest('principal', null);
  app.addHook('onRoute', (route) => {
    route.config ??= {};
    const config = route.config as { permission?: Permission };
    config.permission = routePermission(route.url, config.permission);
    if (config.permission === undefined) throw new Error(`route ${String(route.method)} ${route.url} does not declare config.permission`);
    if (!['public', 'read', 'operate', 'admin', 'ingest'].includes(config.permission)) {
      throw new Error(`route ${String(route.method)} ${route.url} declares an unknown permission "${String(config.permission)}"`);
    }
    if (config.permission === 'public') {
      // OpenAPI: public routes need no credential.
      route.schema = { ...route.schema, security: [] } as typeof route.schema;
    }
  });
  app.addHook('onRequest', async (request) => {
    // Unknown URLs have no route; they get the not-found answer without revealing anything.
    if (request.is404) return;
    const permission = routePermission(request.routeOptions.url ?? '', request.routeOptions.config.permission);
    // A route registered before this plugin was not seen at registration: closed, not open.
    if (permission === undefined) throw new AppError('auth/forbidden', `route ${request.method} ${request.routeOptions.url} declares no permission`);
    if (permission === 'public') return;
    const principal = await authenticator.authenticate(request);
    if (!principal) {
      throw new AppError('auth/missing_token', 'authentication required: log in, or send "Authorization: Bearer <token>"');
    }
    const csrf = authenticator.csrfProblem(request, principal);
    if (csrf) throw new AppError('auth/csrf', csrf);
    request.principal = principal;
    if (!allows(principal.scopes, permission)) {
      const held = principal.role ? `your role (${principal.role}) grants ${principal.scopes.join(', ')}` : `the token has ${principal.scopes.join(', ') || 'none'}`;
      throw new AppError('auth/forbidden', `this action needs the ${permission} permission; ${held}`);
    }
  });
});
