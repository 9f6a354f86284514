/** wheelhouse.yaml section `auth`: sessions, passwords, login limits, OIDC and Keycloak. */
import { Type } from 'typebox';

const Duration = Type.Union([Type.String({ pattern: '^\\d+(\\.\\d+)?(ms|s|m|h|d)$' }), Type.Integer({ minimum: 0 })], {
  description: 'A duration: "250ms", "10s", "5m", "1h", "1d", or milliseconds as a number.',
});
const Role = Type.Union([Type.Literal('admin'), Type.Literal('operator'), Type.Literal('viewer')]);

/** auth: how people sign in. */
export const AuthSettings = Type.Object(
  {
    session_ttl: Type.Optional(Duration),
    session_idle: Type.Optional(Duration),
    password_min_length: Type.Optional(Type.Integer({ minimum: 8, maximum: 256 })),
    login_attempts_per_minute: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Failed logins allowed per account and per address per minute (default 5).' })),
    cookie_secure: Type.Optional(Type.Boolean({ description: 'Mark the session cookie Secure (default: when the hub serves TLS or public_url is https).' })),
    public_url: Type.Optional(Type.String({ pattern: '^https?://', description: 'The URL users reach the hub at (links in invitations, OIDC redirect).' })),
    oidc: Type.Optional(
      Type.Object(
        {
          issuer: Type.String({ pattern: '^https?://' }),
          client_id: Type.String(),
          client_secret: Type.Optional(Type.String({ description: 'May be ${env:NAME} or ${file:path}.' })),
          scopes: Type.Optional(Type.Array(Type.String())),
          groups_claim: Type.Optional(Type.String({ description: 'Claim holding the user\'s groups (default "groups").' })),
          role_map: Type.Optional(Type.Record(Type.String(), Role, { description: 'Group name → role; the highest matching role wins.' })),
          default_role: Type.Optional(Type.Union([Role, Type.Null()], { description: 'Role of a user in no mapped group; null refuses them (default).' })),
        },
        { additionalProperties: false },
      ),
    ),
    keycloak: Type.Optional(
      Type.Object(
        {
          url: Type.String({ pattern: '^https?://' }),
          realm: Type.String(),
          admin_realm: Type.Optional(Type.String({ description: 'Realm of the admin account (default "master").' })),
          admin_user: Type.String(),
          admin_password: Type.String({ description: 'May be ${env:NAME} or ${file:path}.' }),
          client_id: Type.Optional(Type.String({ description: 'Client used to get the admin token (default "admin-cli").' })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
