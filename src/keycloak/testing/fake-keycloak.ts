/**
 * A local stand-in for Keycloak that follows the Admin REST API's paths, payloads, status
 * codes and headers (https://www.keycloak.org/docs-api/latest/rest-api/), traps included:
 * - the token endpoint (password grant, client admin-cli) answers `expires_in` (60 s by
 *   default, as the master realm) and the admin API answers 401 once a token has expired;
 * - `POST /users` answers 201 with an empty body: the new id is only in `Location`;
 * - usernames are stored in lower case;
 * - `PUT /users/{id}` replaces the representation: fields not sent are dropped;
 * - there is no "set groups" call, only PUT/DELETE `/users/{id}/groups/{groupId}`;
 * - `GET /groups` lists top-level groups with `subGroupCount` (Keycloak 23+); children via
 *   `/groups/{id}/children`; lists default to 100 entries (`first`/`max`);
 * - 403 when the admin account lacks the realm-management role an endpoint needs;
 * - 409 `{"errorMessage": "User exists with same username"}` on a duplicate.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** realm-management client roles. */
export type RealmRole = 'view-users' | 'query-users' | 'manage-users' | 'query-groups' | 'view-realm';

/** How the fake starts. */
export interface FakeKeycloakOptions {
  realm?: string;
  adminRealm?: string;
  adminUser?: string;
  adminPassword?: string;
  /** Access token lifetime in seconds (Keycloak's master realm: 60). */
  tokenLifetimeS?: number;
  /** Minimum password length of the realm's password policy. */
  passwordMinLength?: number;
}

interface StoredUser {
  rep: Record<string, unknown>;
  password: { value: string; temporary: boolean } | null;
  groups: Set<string>;
}

interface StoredGroup {
  id: string;
  name: string;
  parent: string | null;
}

/** One request the fake received. */
export interface SeenRequest {
  method: string;
  path: string;
  status: number;
}

/** A running fake Keycloak. */
export class FakeKeycloak {
  readonly realm: string;
  readonly adminRealm: string;
  readonly adminUser: string;
  readonly adminPassword: string;
  tokenLifetimeS: number;
  passwordMinLength: number;
  /** Roles the admin account holds; all by default. */
  roles = new Set<RealmRole>(['view-users', 'query-users', 'manage-users', 'query-groups', 'view-realm']);
  /** Every token request and every admin API request, in order. */
  readonly seen: SeenRequest[] = [];
  readonly users = new Map<string, StoredUser>();
  readonly groups = new Map<string, StoredGroup>();
  /** When true, the admin API refuses every token (401), fresh or not. */
  refuseAllTokens = false;
  url = '';
  private readonly tokens = new Map<string, number>();
  private server: Server | null = null;

  constructor(options: FakeKeycloakOptions = {}) {
    this.realm = options.realm ?? 'wheelhouse';
    this.adminRealm = options.adminRealm ?? 'master';
    this.adminUser = options.adminUser ?? 'admin';
    this.adminPassword = options.adminPassword ?? 'admin-secret';
    this.tokenLifetimeS = options.tokenLifetimeS ?? 60;
    this.passwordMinLength = options.passwordMinLength ?? 8;
  }

  /** Starts listening on a free port of 127.0.0.1. */
  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((err: unknown) => send(res, 500, { error: 'unknown_error', error_description: String(err) }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  /** Stops the server. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
  }

  /** Token requests answered so far (successful or not). */
  get tokenRequests(): number {
    return this.seen.filter((r) => r.path.endsWith('/protocol/openid-connect/token')).length;
  }

  /** Admin API requests answered 401. */
  get unauthorized(): number {
    return this.seen.filter((r) => r.status === 401 && r.path.startsWith('/admin/')).length;
  }

  /** Makes every token issued so far expire now, as if their 60 s had passed. */
  expireTokens(): void {
    for (const token of this.tokens.keys()) this.tokens.set(token, 0);
  }

  /** Adds a user directly (test setup); returns its id. */
  addUser(rep: Record<string, unknown> & { username: string }): string {
    const id = randomUUID();
    this.users.set(id, { rep: { ...rep, id, username: rep.username.toLowerCase(), createdTimestamp: Date.now(), enabled: rep.enabled ?? true, emailVerified: rep.emailVerified ?? false }, password: null, groups: new Set() });
    return id;
  }

  /** Adds a group directly (test setup), under `parent` when given; returns its id. */
  addGroup(name: string, parent: string | null = null): string {
    const id = randomUUID();
    this.groups.set(id, { id, name, parent });
    return id;
  }

  /** The path of a group, e.g. `/ops/admins`. */
  groupPath(id: string): string {
    const g = this.groups.get(id)!;
    return g.parent ? `${this.groupPath(g.parent)}/${g.name}` : `/${g.name}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const body = await readBody(req);
    const answer = (status: number, payload?: unknown, headers: Record<string, string> = {}): void => {
      this.seen.push({ method: req.method ?? '', path: url.pathname, status });
      send(res, status, payload, headers);
    };
    const tokenPath = `/realms/${this.adminRealm}/protocol/openid-connect/token`;
    if (url.pathname.endsWith('/protocol/openid-connect/token')) {
      if (url.pathname !== tokenPath) return answer(404, { error: 'Realm does not exist' });
      return this.token(req, body, answer);
    }
    const prefix = `/admin/realms/${this.realm}`;
    if (!url.pathname.startsWith('/admin/realms/')) return answer(404, { error: 'RESTEASY003210: Could not find resource for full path: ' + url.href });
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const expiresAt = bearer ? this.tokens.get(bearer) : undefined;
    if (this.refuseAllTokens || expiresAt === undefined || expiresAt <= Date.now()) return answer(401, { error: 'HTTP 401 Unauthorized' });
    if (!url.pathname.startsWith(`${prefix}/`) && url.pathname !== prefix) return answer(404, { error: 'Realm not found.' });
    const parts = url.pathname.slice(prefix.length).split('/').filter(Boolean).map(decodeURIComponent);
    return this.admin(req.method ?? 'GET', parts, url.searchParams, body, answer);
  }

  private token(req: IncomingMessage, body: string, answer: (status: number, payload?: unknown) => void): void {
    if (req.method !== 'POST') return answer(405, { error: 'HTTP 405 Method Not Allowed' });
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return answer(400, { error: 'invalid_request', error_description: 'Missing form parameter: grant_type' });
    const form = new URLSearchParams(body);
    if (form.get('client_id') !== 'admin-cli') return answer(401, { error: 'invalid_client', error_description: 'Invalid client or Invalid client credentials' });
    if (form.get('grant_type') !== 'password') return answer(400, { error: 'unsupported_grant_type', error_description: 'Unsupported grant_type' });
    if (form.get('username') !== this.adminUser || form.get('password') !== this.adminPassword) {
      return answer(401, { error: 'invalid_grant', error_description: 'Invalid user credentials' });
    }
    const token = `eyFake.${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, Date.now() + this.tokenLifetimeS * 1000);
    return answer(200, {
      access_token: token,
      expires_in: this.tokenLifetimeS,
      refresh_expires_in: 1800,
      refresh_token: `eyRefresh.${randomBytes(24).toString('base64url')}`,
      token_type: 'Bearer',
      'not-before-policy': 0,
      session_state: randomUUID(),
      scope: 'profile email',
    });
  }

  private admin(method: string, parts: string[], query: URLSearchParams, raw: string, answer: (status: number, payload?: unknown, headers?: Record<string, string>) => void): void {
    const need = (...any: RealmRole[]): boolean => {
      // manage-users includes viewing users; view-users includes query-users and query-groups (as Keycloak's composites).
      const held = new Set(this.roles);
      if (held.has('manage-users')) held.add('view-users');
      if (held.has('view-users')) (held.add('query-users'), held.add('query-groups'));
      if (any.some((r) => held.has(r))) return true;
      answer(403, { error: 'HTTP 403 Forbidden' });
      return false;
    };
    let json: Record<string, unknown> = {};
    if (raw) {
      try {
        json = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return answer(400, { error: 'unknown_error' });
      }
    }
    const [area, id, sub, subId] = parts;
    const { first, max } = paging(query);

    if (area === 'users' && id === undefined) {
      if (method === 'GET') {
        if (!need('query-users', 'view-users')) return;
        const list = [...this.users.values()].map((u) => u.rep).filter((u) => matchUser(u, query));
        list.sort((a, b) => String(a.username).localeCompare(String(b.username)));
        const brief = query.get('briefRepresentation') === 'true';
        return answer(200, list.slice(first, first + max).map((u) => (brief ? pick(u, ['id', 'username', 'firstName', 'lastName', 'email', 'enabled', 'emailVerified', 'createdTimestamp']) : this.full(u))));
      }
      if (method === 'POST') {
        if (!need('manage-users')) return;
        const username = typeof json.username === 'string' ? json.username.trim().toLowerCase() : '';
        if (!username) return answer(400, { errorMessage: 'User name is missing' });
        for (const u of this.users.values()) {
          if (u.rep.username === username) return answer(409, { errorMessage: 'User exists with same username' });
          if (json.email && u.rep.email === json.email) return answer(409, { errorMessage: 'User exists with same email' });
        }
        const newId = randomUUID();
        const rep = { ...pick(json, ['firstName', 'lastName', 'email', 'attributes']), id: newId, username, enabled: json.enabled === true, emailVerified: json.emailVerified === true, createdTimestamp: Date.now() };
        this.users.set(newId, { rep, password: null, groups: new Set() });
        return answer(201, undefined, { location: `${this.url}/admin/realms/${this.realm}/users/${newId}` });
      }
      return answer(405, { error: 'HTTP 405 Method Not Allowed' });
    }

    if (area === 'users' && id !== undefined) {
      const user = this.users.get(id);
      if (!user) return need('query-users', 'view-users') ? answer(404, { error: 'User not found' }) : undefined;
      if (sub === undefined) {
        if (method === 'GET') return need('view-users') ? answer(200, this.full(user.rep)) : undefined;
        if (method === 'DELETE') {
          if (!need('manage-users')) return;
          this.users.delete(id);
          return answer(204);
        }
        if (method === 'PUT') {
          if (!need('manage-users')) return;
          const username = typeof json.username === 'string' ? json.username.toLowerCase() : user.rep.username;
          for (const [otherId, u] of this.users) {
            if (otherId === id) continue;
            if (u.rep.username === username) return answer(409, { errorMessage: 'User exists with same username' });
            if (json.email && u.rep.email === json.email) return answer(409, { errorMessage: 'User exists with same email' });
          }
          // The trap: the representation is replaced. Profile fields and attributes not sent are gone;
          // enabled/emailVerified/requiredActions only change when sent (as Keycloak's updateUserFromRep).
          const rep: Record<string, unknown> = { id, username, createdTimestamp: user.rep.createdTimestamp, enabled: user.rep.enabled, emailVerified: user.rep.emailVerified };
          if (user.rep.requiredActions) rep.requiredActions = user.rep.requiredActions;
          Object.assign(rep, pick(json, ['firstName', 'lastName', 'email', 'attributes']));
          if (typeof json.enabled === 'boolean') rep.enabled = json.enabled;
          if (typeof json.emailVerified === 'boolean') rep.emailVerified = json.emailVerified;
          if (Array.isArray(json.requiredActions)) rep.requiredActions = json.requiredActions;
          user.rep = rep;
          return answer(204);
        }
        return answer(405, { error: 'HTTP 405 Method Not Allowed' });
      }
      if (sub === 'reset-password') {
        if (method !== 'PUT') return answer(405, { error: 'HTTP 405 Method Not Allowed' });
        if (!need('manage-users')) return;
        if (typeof json.value !== 'string') return answer(400, { error: 'No password provided' });
        if (!json.value.trim()) return answer(400, { error: 'Empty password not allowed' });
        if (json.value.length < this.passwordMinLength) {
          return answer(400, { error: 'invalidPasswordMinLengthMessage', error_description: `Invalid password: minimum length ${this.passwordMinLength}.` });
        }
        user.password = { value: json.value, temporary: json.temporary === true };
        const actions = new Set((user.rep.requiredActions as string[] | undefined) ?? []);
        if (json.temporary === true) actions.add('UPDATE_PASSWORD');
        else actions.delete('UPDATE_PASSWORD');
        user.rep.requiredActions = [...actions];
        return answer(204);
      }
      if (sub === 'groups') {
        if (subId === undefined) {
          if (method !== 'GET') return answer(405, { error: 'HTTP 405 Method Not Allowed' });
          if (!need('view-users')) return;
          const list = [...user.groups].map((g) => ({ id: g, name: this.groups.get(g)!.name, path: this.groupPath(g) }));
          list.sort((a, b) => a.path.localeCompare(b.path));
          return answer(200, query.has('first') || query.has('max') ? list.slice(first, first + max) : list);
        }
        if (method !== 'PUT' && method !== 'DELETE') return answer(405, { error: 'HTTP 405 Method Not Allowed' });
        if (!need('manage-users')) return;
        if (!this.groups.has(subId)) return answer(404, { error: 'Group not found' });
        if (method === 'PUT') user.groups.add(subId);
        else user.groups.delete(subId);
        return answer(204);
      }
      return answer(404, { error: 'RESTEASY003210: Could not find resource for full path' });
    }

    if (area === 'groups') {
      if (method !== 'GET') return answer(405, { error: 'HTTP 405 Method Not Allowed' });
      if (!need('query-groups', 'view-users')) return;
      const rep = (g: StoredGroup) => ({
        id: g.id,
        name: g.name,
        path: this.groupPath(g.id),
        subGroupCount: [...this.groups.values()].filter((c) => c.parent === g.id).length,
        subGroups: [],
        ...(query.get('briefRepresentation') === 'false' ? { attributes: {}, realmRoles: [], clientRoles: {}, access: { view: true, manage: true } } : {}),
      });
      if (id === undefined) {
        const top = [...this.groups.values()].filter((g) => g.parent === null).sort((a, b) => a.name.localeCompare(b.name));
        return answer(200, top.slice(first, first + max).map(rep));
      }
      const group = this.groups.get(id);
      if (!group) return answer(404, { error: 'Could not find group by id' });
      if (sub === undefined) return answer(200, rep(group));
      if (sub === 'children') {
        const children = [...this.groups.values()].filter((g) => g.parent === id).sort((a, b) => a.name.localeCompare(b.name));
        return answer(200, children.slice(first, first + max).map(rep));
      }
    }
    return answer(404, { error: 'RESTEASY003210: Could not find resource for full path' });
  }

  private full(rep: Record<string, unknown>): Record<string, unknown> {
    return { ...rep, requiredActions: rep.requiredActions ?? [], totp: false, notBefore: 0, disableableCredentialTypes: [], access: { manageGroupMembership: true, view: true, mapRoles: true, impersonate: true, manage: true } };
  }
}

function paging(query: URLSearchParams): { first: number; max: number } {
  const first = Math.max(0, Number(query.get('first') ?? 0) || 0);
  const max = query.has('max') ? Math.max(0, Number(query.get('max')) || 0) : 100;
  return { first, max };
}

function matchUser(u: Record<string, unknown>, q: URLSearchParams): boolean {
  const exact = q.get('exact') === 'true';
  const has = (v: unknown, want: string) => typeof v === 'string' && (exact ? v.toLowerCase() === want.toLowerCase() : v.toLowerCase().includes(want.toLowerCase()));
  const search = q.get('search');
  if (search !== null) return ['username', 'email', 'firstName', 'lastName'].some((f) => has(u[f], search.replace(/\*/g, '')));
  for (const f of ['username', 'email', 'firstName', 'lastName']) {
    const want = q.get(f);
    if (want !== null && !has(u[f], want)) return false;
  }
  return true;
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}

function send(res: ServerResponse, status: number, payload?: unknown, headers: Record<string, string> = {}): void {
  if (payload === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(payload));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts a fake Keycloak. */
export function startFakeKeycloak(options: FakeKeycloakOptions = {}): Promise<FakeKeycloak> {
  return new FakeKeycloak(options).start();
}
