/**
 * Sign-in, sessions, users, invitations and resets, API tokens. Handlers are thin: the
 * services in auth/ check and act; here the answers get their cookies and status codes.
 *
 *   POST /api/auth/login         public   {username, password} → session cookie + CSRF token
 *   POST /api/auth/logout        read     ends this session
 *   POST /api/auth/logout-all    read     ends every session of the caller
 *   GET  /api/auth/session       read     who is calling, and the CSRF token
 *   POST /api/auth/password      read     change one's own password (needs the current one)
 *   POST /api/auth/accept        public   set a password through an invitation or reset link
 *   /api/users…                  admin    list, create, change, remove; invitations; resets
 *   /api/tokens…                 read     one's own tokens (admins: all)
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import {
  clearSessionCookie,
  createAccess,
  LoginThrottled,
  maxCredentialLength,
  sessionPrincipal,
  sessionSetCookie,
  userView,
  type IssuedLink,
  type SignedIn,
} from '../../auth/index.js';
import type { AuthConfig } from '../../core/config/index.js';
import { AppError, toErrorBody } from '../../core/errors.js';
import { parseDuration } from '../../core/units.js';
import type { Store, UserRecord } from '../../store/index.js';
import { ErrorSchema, errors, Nullable } from '../schemas.js';

const Role = Type.Union([Type.Literal('admin'), Type.Literal('operator'), Type.Literal('viewer')]);
const ScopeName = Type.Union([Type.Literal('read'), Type.Literal('operate'), Type.Literal('admin'), Type.Literal('ingest')]);
const UserName = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._@-]+$', description: 'letters, digits, ".", "_", "-", "@"' });
const Password = Type.String({ maxLength: maxCredentialLength, description: 'at least auth.password_min_length (12) characters' });

const UserSchema = Type.Object({
  name: Type.String(),
  display_name: Type.String({ description: 'any text: shown escaped' }),
  email: Nullable(Type.String()),
  role: Role,
  source: Type.String({ description: '"local", or "oidc:<issuer>"' }),
  created_at: Type.String(),
  updated_at: Type.String(),
  disabled: Type.Boolean(),
  has_password: Type.Boolean({ description: 'false until an invited user chose a password' }),
});
const Me = Type.Object({ name: Type.String(), display_name: Type.String(), role: Role });
const SessionAnswer = Type.Object({
  user: Me,
  csrf_token: Type.String({ description: 'send as X-CSRF-Token with every POST, PUT, PATCH or DELETE made with the session cookie' }),
  expires_at: Type.String(),
});
const WhoAmI = Type.Object({
  user: Nullable(Me),
  scopes: Type.Array(Type.String()),
  credential: Type.Object({ kind: Type.Union([Type.Literal('session'), Type.Literal('token')]), id: Type.String(), name: Nullable(Type.String()), via: Type.String() }),
  csrf_token: Nullable(Type.String()),
  expires_at: Nullable(Type.String()),
});
const LinkAnswer = Type.Object({
  kind: Type.Union([Type.Literal('invite'), Type.Literal('reset')]),
  user: Type.String(),
  token: Type.String({ description: 'single use; shown only here' }),
  url: Type.String({ description: 'the link to send: the token is in the fragment, so it never reaches a server log' }),
  expires_at: Type.String(),
});
const TokenSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  owner: Nullable(Type.String({ description: 'null for the hub\'s own tokens (admin, services)' })),
  scopes: Type.Array(Type.String()),
  created_at: Type.String(),
  expires_at: Nullable(Type.String()),
  last_used_at: Nullable(Type.String({ description: 'to the minute' })),
  revoked_at: Nullable(Type.String()),
  state: Type.Union([Type.Literal('active'), Type.Literal('expired'), Type.Literal('revoked')]),
});
const NameParam = Type.Object({ name: UserName });

/** The auth routes. */
export const authRoutes: FastifyPluginAsyncTypebox<{ store: Store; auth: AuthConfig }> = async (app, { store, auth }) => {
  const access = createAccess({ store, auth });
  const secureCookie = (req: FastifyRequest): boolean => auth.cookieSecure ?? (auth.publicUrl?.startsWith('https:') || req.protocol === 'https');
  const meta = (req: FastifyRequest) => ({ address: req.ip, userAgent: req.headers['user-agent'] ?? null });
  const answerSession = (req: FastifyRequest, reply: FastifyReply, signedIn: SignedIn) => {
    void reply.header('set-cookie', sessionSetCookie(signedIn.secret, secureCookie(req)));
    // The audit trail sees who signed in.
    req.principal = sessionPrincipal(signedIn, 'cookie');
    return { user: me(signedIn.user), csrf_token: signedIn.session.csrf_token, expires_at: signedIn.session.expires_at };
  };
  const throttled = (reply: FastifyReply, err: LoginThrottled) => reply.status(429).header('retry-after', String(err.retryAfterS)).send(toErrorBody(err).body);
  const linkAnswer = (req: FastifyRequest, link: IssuedLink) => {
    const base = (auth.publicUrl ?? `${req.protocol}://${req.host}`).replace(/\/+$/, '');
    return { ...link, url: `${base}/accept#token=${link.token}` };
  };
  const callerUser = async (req: FastifyRequest): Promise<UserRecord> => {
    const name = req.principal?.user;
    if (!name) throw new AppError('request/invalid', 'this needs a user: the hub\'s own tokens (admin, services) belong to nobody');
    return access.users.get(name);
  };

  app.post(
    '/api/auth/login',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with a password: sets the wh_session cookie (HttpOnly, SameSite=Strict) and answers the CSRF token',
        security: [],
        body: Type.Object({ username: Type.String({ maxLength: maxCredentialLength }), password: Type.String({ maxLength: maxCredentialLength }) }, { additionalProperties: false }),
        response: { 200: SessionAnswer, 429: ErrorSchema, ...errors(400, 401, 403, 413, 415) },
      },
    },
    async (req, reply) => {
      // Login CSRF: another site must not sign a browser in to an account of its choosing.
      if (!access.authenticator.sameOrigin(req.headers)) throw new AppError('auth/csrf', 'the sign-in comes from another site');
      try {
        return answerSession(req, reply, await access.login.login(req.body.username, req.body.password, meta(req)));
      } catch (err) {
        if (err instanceof LoginThrottled) return throttled(reply, err);
        throw err;
      }
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { permission: 'read' },
      schema: { tags: ['auth'], summary: 'End this session and clear its cookie (nothing to end for an API token)', response: { 204: Type.Null(), ...errors(401, 403) } },
    },
    async (req, reply) => {
      const cred = req.principal!.credential;
      if (cred.kind === 'session') await access.sessions.revoke(cred.id);
      return reply.status(204).header('set-cookie', clearSessionCookie(secureCookie(req))).send(null);
    },
  );

  app.post(
    '/api/auth/logout-all',
    {
      config: { permission: 'read' },
      schema: { tags: ['auth'], summary: 'Log out everywhere: end every session of the calling user', response: { 204: Type.Null(), ...errors(400, 401, 403) } },
    },
    async (req, reply) => {
      await access.sessions.revokeAll(await callerUser(req));
      return reply.status(204).header('set-cookie', clearSessionCookie(secureCookie(req))).send(null);
    },
  );

  app.get(
    '/api/auth/session',
    {
      config: { permission: 'read' },
      schema: { tags: ['auth'], summary: 'Who is calling: the user, the scopes, and (for a session) the CSRF token', response: { 200: WhoAmI, ...errors(401, 403) } },
    },
    async (req) => {
      const p = req.principal!;
      const user = p.user ? await store.auth.user(p.user) : undefined;
      const cred = p.credential;
      return {
        user: user ? me(user) : null,
        scopes: p.scopes,
        credential: { kind: cred.kind, id: cred.id, name: cred.kind === 'token' ? cred.name : null, via: cred.via },
        csrf_token: cred.kind === 'session' ? cred.csrfToken : null,
        expires_at: cred.kind === 'session' ? cred.expiresAt : null,
      };
    },
  );

  app.post(
    '/api/auth/password',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['auth'],
        summary: 'Change one\'s own password; ends every session and answers a new one (cookie and CSRF token)',
        body: Type.Object({ current_password: Type.String({ maxLength: maxCredentialLength }), new_password: Password }, { additionalProperties: false }),
        response: { 200: SessionAnswer, 429: ErrorSchema, ...errors(400, 401, 403, 413, 415) },
      },
    },
    async (req, reply) => {
      const user = await callerUser(req);
      let checked: UserRecord;
      try {
        // Checked like a sign-in, throttling included: this is a password oracle too.
        checked = await access.login.check(user.name, req.body.current_password, req.ip);
      } catch (err) {
        if (err instanceof LoginThrottled) return throttled(reply, err);
        if (err instanceof AppError && err.code === 'auth/invalid_credentials') throw new AppError('auth/invalid_credentials', 'the current password is wrong');
        throw err;
      }
      const changed = await access.users.setPassword(checked, req.body.new_password);
      return answerSession(req, reply, await access.login.startSession(changed, meta(req)));
    },
  );

  app.post(
    '/api/auth/accept',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Set a password through an invitation or reset link (single use)',
        security: [],
        body: Type.Object({ token: Type.String({ maxLength: 200 }), password: Password }, { additionalProperties: false }),
        response: { 200: Type.Object({ user: Me }), ...errors(400, 410, 413, 415) },
      },
    },
    async (req) => ({ user: await access.links.accept(req.body.token, req.body.password) }),
  );

  app.get(
    '/api/users',
    { config: { permission: 'admin' }, schema: { tags: ['users'], summary: 'Every user', response: { 200: Type.Object({ users: Type.Array(UserSchema) }), ...errors(401, 403) } } },
    async () => ({ users: await access.users.list() }),
  );

  app.post(
    '/api/users',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['users'],
        summary: 'Create a user (without a password, they can sign in only after a reset link)',
        body: Type.Object(
          { name: UserName, role: Role, password: Type.Optional(Password), display_name: Type.Optional(Type.String({ maxLength: 1000 })), email: Type.Optional(Nullable(Type.String({ maxLength: 254 }))) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ user: UserSchema }), ...errors(400, 401, 403, 409, 413, 415) },
      },
    },
    async (req, reply) => reply.status(201).send({ user: await access.users.create(req.body) }),
  );

  app.get(
    '/api/users/:name',
    { config: { permission: 'admin' }, schema: { tags: ['users'], summary: 'One user', params: NameParam, response: { 200: Type.Object({ user: UserSchema }), ...errors(400, 401, 403, 404) } } },
    async (req) => ({ user: userView(await access.users.get(req.params.name)) }),
  );

  app.patch(
    '/api/users/:name',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['users'],
        summary: 'Change a user: display name, e-mail, role, password (ends their sessions), disabled',
        params: NameParam,
        body: Type.Object(
          {
            display_name: Type.Optional(Type.String({ maxLength: 1000 })),
            email: Type.Optional(Nullable(Type.String({ maxLength: 254 }))),
            role: Type.Optional(Role),
            password: Type.Optional(Password),
            disabled: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ user: UserSchema }), ...errors(400, 401, 403, 404, 409, 413, 415) },
      },
    },
    async (req) => ({ user: await access.users.update(req.params.name, req.body) }),
  );

  app.delete(
    '/api/users/:name',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['users'],
        summary: 'Remove a user: their sessions end and their tokens are revoked',
        params: NameParam,
        response: { 200: Type.Object({ deleted: Type.Boolean(), name: Type.String() }), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      await access.users.remove(req.params.name, req.principal!);
      return { deleted: true, name: req.params.name };
    },
  );

  app.post(
    '/api/users/invitations',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['users'],
        summary: 'Invite a person: creates the user without a password and a single-use link (24 h) to choose one',
        body: Type.Object(
          { name: UserName, role: Role, email: Type.Optional(Nullable(Type.String({ maxLength: 254 }))), display_name: Type.Optional(Type.String({ maxLength: 1000 })) },
          { additionalProperties: false },
        ),
        response: { 201: LinkAnswer, ...errors(400, 401, 403, 409, 413, 415) },
      },
    },
    async (req, reply) => {
      const link = await access.links.invite({ ...req.body, by: req.principal!.actor });
      return reply.status(201).send(linkAnswer(req, link));
    },
  );

  app.post(
    '/api/users/:name/reset',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['users'],
        summary: 'A single-use password reset link (1 h); earlier reset links of the user stop working',
        params: NameParam,
        response: { 201: LinkAnswer, ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) => reply.status(201).send(linkAnswer(req, await access.links.reset(req.params.name, req.principal!.actor))),
  );

  app.get(
    '/api/tokens',
    {
      config: { permission: 'read' },
      schema: { tags: ['tokens'], summary: 'API tokens with their last use: admins see all, others their own', response: { 200: Type.Object({ tokens: Type.Array(TokenSchema) }), ...errors(401, 403) } },
    },
    async (req) => ({ tokens: await access.tokens.list(req.principal!) }),
  );

  app.post(
    '/api/tokens',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token with scopes up to one\'s own; the secret is answered once and never again',
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ maxLength: 64 })),
            scopes: Type.Array(ScopeName, { minItems: 1, maxItems: 4 }),
            expires_at: Type.Optional(Nullable(Type.String({ maxLength: 40, description: 'ISO time' }))),
            expires_in: Type.Optional(Type.String({ maxLength: 20, description: 'a duration instead: "30d", "12h"' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ token: TokenSchema, secret: Type.String() }), ...errors(400, 401, 403, 409, 413, 415) },
      },
    },
    async (req, reply) => {
      const { name, scopes, expires_at, expires_in } = req.body;
      let expiresAt = expires_at ?? null;
      if (expires_in !== undefined) {
        const ms = parseDuration(expires_in);
        if (ms === undefined || ms <= 0) throw new AppError('request/invalid', `invalid expires_in "${expires_in}": use a duration such as 30d or 12h`);
        expiresAt = new Date(Date.now() + ms).toISOString();
      }
      return reply.status(201).send(await access.tokens.create(req.principal!, { name, scopes, expiresAt }));
    },
  );

  app.delete(
    '/api/tokens/:id',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['tokens'],
        summary: 'Revoke a token (one\'s own; admins any)',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: Type.Object({ token: TokenSchema }), ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => ({ token: await access.tokens.revoke(req.principal!, req.params.id) }),
  );
};

function me(u: UserRecord): { name: string; display_name: string; role: UserRecord['role'] } {
  return { name: u.name, display_name: u.display_name, role: u.role };
}
