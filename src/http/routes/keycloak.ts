/**
 * Keycloak administration (seed 000 "Keycloak Management"): the users and groups of the
 * configured realm through Keycloak's Admin REST API. Admin only. Without `auth.keycloak`
 * every route answers 404 `keycloak/not_configured`.
 *
 * The seed's spellings are kept as aliases: `PUT /users/:id` (same merge as PATCH),
 * `POST /users/:id/password` and `POST /users/:id/groups`.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import type { AuthConfig } from '../../core/config/index.js';
import { KeycloakAdmin, KeycloakError, type UserChanges } from '../../keycloak/index.js';
import { errors } from '../schemas.js';

const Id = Type.String({ pattern: '^(?!\\.{1,2}$)[A-Za-z0-9:._@-]{1,100}$', description: 'Keycloak user id' });
const Params = Type.Object({ id: Id });
const Name = Type.String({ minLength: 1, maxLength: 255 });
const Password = Type.String({ minLength: 1, maxLength: 256 });

const User = Type.Object({
  id: Type.String(),
  username: Type.String(),
  email: Type.Optional(Type.String()),
  firstName: Type.Optional(Type.String()),
  lastName: Type.Optional(Type.String()),
  enabled: Type.Optional(Type.Boolean()),
  emailVerified: Type.Optional(Type.Boolean()),
  createdTimestamp: Type.Optional(Type.Number()),
  attributes: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()))),
  requiredActions: Type.Optional(Type.Array(Type.String())),
});
const Group = Type.Object({ id: Type.String(), name: Type.String(), path: Type.String() });
const Done = Type.Object({ success: Type.Boolean(), message: Type.String() });

const NewUserBody = Type.Object(
  {
    username: Name,
    email: Type.Optional(Type.String({ maxLength: 254 })),
    firstName: Type.Optional(Name),
    lastName: Type.Optional(Name),
    enabled: Type.Optional(Type.Boolean()),
    emailVerified: Type.Optional(Type.Boolean()),
    temporaryPassword: Type.Optional(Password),
    credentials: Type.Optional(
      Type.Array(Type.Object({ type: Type.Literal('password'), value: Password, temporary: Type.Optional(Type.Boolean()) }, { additionalProperties: false }), {
        maxItems: 1,
        description: 'seed 000 form of temporaryPassword; the password is always set as temporary',
      }),
    ),
  },
  { additionalProperties: false },
);

// null first: with the API's type coercion, a null tried against the string branch first would become "".
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Optional(Type.Union([Type.Null(), t]));
const ChangesBody = Type.Object(
  {
    username: Type.Optional(Name),
    email: Nullable(Type.String({ maxLength: 254 })),
    firstName: Nullable(Name),
    lastName: Nullable(Name),
    enabled: Type.Optional(Type.Boolean()),
    emailVerified: Type.Optional(Type.Boolean()),
    attributes: Type.Optional(Type.Record(Type.String({ maxLength: 255 }), Type.Union([Type.Null(), Type.Array(Type.String({ maxLength: 2048 }), { maxItems: 100 })]))),
    requiredActions: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 20 })),
  },
  { additionalProperties: false, description: 'Fields to change; null removes a field or attribute; absent fields are kept' },
);

const PasswordBody = Type.Object(
  { password: Password, temporary: Type.Optional(Type.Boolean({ description: 'Must be changed at the next login (default true)' })) },
  { additionalProperties: false },
);
const GroupsBody = Type.Object(
  { groups: Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 500, description: 'group ids, paths (/a/b) or names' }) },
  { additionalProperties: false },
);

const tags = ['keycloak'];
const upstream = errors(400, 401, 403, 404, 502);

/** The keycloak routes. */
export const keycloakRoutes: FastifyPluginAsyncTypebox<{ auth: AuthConfig }> = async (app, { auth }) => {
  const kc = auth.keycloak ? new KeycloakAdmin(auth.keycloak) : null;
  const admin = (): KeycloakAdmin => {
    if (!kc) throw new KeycloakError('keycloak/not_configured', 'Keycloak is not configured: add auth.keycloak (url, realm, admin_user, admin_password) to wheelhouse.yaml');
    return kc;
  };
  // Answered before body validation, so an unconfigured hub says so whatever was sent.
  app.addHook('onRequest', async () => void admin());

  app.get(
    '/api/keycloak/users',
    {
      config: { permission: 'admin' },
      schema: {
        tags,
        summary: 'List the realm\'s users (filters passed through to Keycloak; at most 100 unless max says otherwise)',
        querystring: Type.Object(
          {
            search: Type.Optional(Type.String({ maxLength: 255, description: 'in username, first or last name, or email' })),
            username: Type.Optional(Type.String({ maxLength: 255 })),
            email: Type.Optional(Type.String({ maxLength: 254 })),
            exact: Type.Optional(Type.Boolean()),
            first: Type.Optional(Type.Integer({ minimum: 0 })),
            max: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(User), ...upstream },
      },
    },
    async (req) => admin().listUsers(req.query),
  );

  app.post(
    '/api/keycloak/users',
    {
      config: { permission: 'admin', audit: 'keycloak.users.create' },
      schema: {
        tags,
        summary: 'Create a user, with a temporary password when one is given',
        body: NewUserBody,
        response: { 201: Type.Object({ success: Type.Boolean(), user_id: Type.String(), message: Type.String() }), ...errors(400, 401, 403, 404, 409, 502) },
      },
    },
    async (req, reply) => {
      const { credentials, temporaryPassword, ...rest } = req.body;
      const password = temporaryPassword ?? credentials?.[0]?.value;
      const { id } = await admin().createUser({ ...rest, temporaryPassword: password });
      void reply.status(201).header('location', `/api/keycloak/users/${encodeURIComponent(id)}`);
      return { success: true, user_id: id, message: password === undefined ? 'User created' : 'User created with a temporary password' };
    },
  );

  app.get(
    '/api/keycloak/users/:id',
    { config: { permission: 'admin' }, schema: { tags, summary: 'One user', params: Params, response: { 200: User, ...upstream } } },
    async (req) => admin().getUser(req.params.id),
  );

  const update = async (req: { params: { id: string }; body: Static<typeof ChangesBody> }) => {
    const user = await admin().updateUser(req.params.id, req.body as UserChanges);
    return { success: true, message: 'User updated', user };
  };
  const updateSchema = (summary: string) => ({
    tags,
    summary,
    params: Params,
    body: ChangesBody,
    response: { 200: Type.Object({ success: Type.Boolean(), message: Type.String(), user: User }), ...errors(400, 401, 403, 404, 409, 502) },
  });
  app.patch('/api/keycloak/users/:id', { config: { permission: 'admin', audit: 'keycloak.users.update' }, schema: updateSchema('Change some of a user\'s fields; the others are kept (read, merge, write)') }, update);
  app.put('/api/keycloak/users/:id', { config: { permission: 'admin', audit: 'keycloak.users.update' }, schema: updateSchema('Same as PATCH (seed 000 spelling): only the fields sent change') }, update);

  app.delete(
    '/api/keycloak/users/:id',
    { config: { permission: 'admin', audit: 'keycloak.users.delete' }, schema: { tags, summary: 'Delete a user', params: Params, response: { 200: Done, ...upstream } } },
    async (req) => {
      await admin().deleteUser(req.params.id);
      return { success: true, message: 'User deleted' };
    },
  );

  const reset = async (req: { params: { id: string }; body: Static<typeof PasswordBody> }) => {
    const temporary = req.body.temporary ?? true;
    await admin().resetPassword(req.params.id, req.body.password, temporary);
    return { success: true, message: temporary ? 'Password reset; it must be changed at the next login' : 'Password reset' };
  };
  const resetSchema = (summary: string) => ({ tags, summary, params: Params, body: PasswordBody, response: { 200: Done, ...upstream } });
  app.post('/api/keycloak/users/:id/reset-password', { config: { permission: 'admin', audit: 'keycloak.users.reset_password' }, schema: resetSchema('Set a new password (temporary unless temporary: false)') }, reset);
  app.post('/api/keycloak/users/:id/password', { config: { permission: 'admin', audit: 'keycloak.users.reset_password' }, schema: resetSchema('Same as reset-password (seed 000 spelling)') }, reset);

  app.get(
    '/api/keycloak/groups',
    { config: { permission: 'admin' }, schema: { tags, summary: 'Every group of the realm, subgroups included', response: { 200: Type.Array(Group), ...upstream } } },
    async () => admin().listGroups(),
  );

  app.get(
    '/api/keycloak/users/:id/groups',
    { config: { permission: 'admin' }, schema: { tags, summary: 'The groups a user is a direct member of', params: Params, response: { 200: Type.Array(Group), ...upstream } } },
    async (req) => admin().userGroups(req.params.id),
  );

  const setGroups = async (req: FastifyRequest<{ Params: { id: string }; Body: Static<typeof GroupsBody> }>) => {
    const change = await admin().setUserGroups(req.params.id, req.body.groups);
    // Who gained or lost which group is what an auditor asks first.
    req.auditNote = { details: { added: change.added.map((g) => g.path), removed: change.removed.map((g) => g.path) } };
    return { success: true, message: `User groups updated (${change.added.length} added, ${change.removed.length} removed)`, ...change };
  };
  const groupsSchema = (summary: string) => ({
    tags,
    summary,
    params: Params,
    body: GroupsBody,
    response: {
      200: Type.Object({ success: Type.Boolean(), message: Type.String(), added: Type.Array(Group), removed: Type.Array(Group), groups: Type.Array(Group) }),
      ...upstream,
    },
  });
  app.put('/api/keycloak/users/:id/groups', { config: { permission: 'admin', audit: 'keycloak.users.groups.set' }, schema: groupsSchema('Replace a user\'s groups: unknown groups refuse the change; then memberships are removed and added to match') }, setGroups);
  app.post('/api/keycloak/users/:id/groups', { config: { permission: 'admin', audit: 'keycloak.users.groups.set' }, schema: groupsSchema('Same as PUT (seed 000 spelling)') }, setGroups);
};
