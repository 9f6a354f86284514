/** Who is calling, once a credential checked out. */
import type { Role } from '../store/index.js';
import type { Scope } from './scopes.js';

/** How the credential came: Authorization header, session cookie, or access_token query (WebSocket). */
export type CredentialVia = 'bearer' | 'cookie' | 'query';

/** The credential behind a principal. */
export type Credential =
  | { kind: 'token'; id: string; name: string; via: CredentialVia }
  | { kind: 'session'; id: string; via: CredentialVia; csrfToken: string; expiresAt: string };

/** An authenticated caller. */
export interface Principal {
  /** Short name for records: the user's name, or the token's name for a hub token (admin, services). */
  name: string;
  /** For the audit trail: the user's name, or `token:<name>` for a token no user owns. */
  actor: string;
  /** The user behind the credential; null for hub tokens. */
  user: string | null;
  role: Role | null;
  /** What the credential may do now (a token's scopes narrowed to its owner's current role). */
  scopes: Scope[];
  credential: Credential;
}
