/**
 * Shaping an audit record from what a finished request leaves behind: who (actor), on what
 * (target), how it ended, and a few safe details. Never a request body, a password, a token
 * or a query string: the target comes from route parameters (secret-looking ones left out)
 * or, for a write without parameters, from one identifying body field (`username`, `name`,
 * `id`, `host_id`); details are picked field by field.
 */
import type { AuditRecord } from '../store/index.js';
import { resultOf, unknownRouteAction } from './naming.js';

/** What a route may add to its own record (via `request.auditNote`). Values must be safe to keep. */
export interface AuditNote {
  /** Replaces the derived target. */
  target?: string | null;
  /** Replaces the derived actor (e.g. the user a login just authenticated). */
  actor?: string;
  /** Merged into the details: small, never secrets. */
  details?: Record<string, unknown>;
}

/** Everything the hook knows about a finished request. */
export interface RequestFacts {
  at: string;
  method: string;
  /** The matched route's pattern; undefined when no route matched. */
  routeUrl: string | undefined;
  /** The path requested, without the query string. */
  path: string;
  action: string;
  params: unknown;
  body: unknown;
  /** `request.principal`, whatever its shape. */
  principal: unknown;
  status: number;
  address: string | null;
  /** From the answer's JSON body: `error.code` and `success`, when present. */
  reply: { code?: string; success?: boolean };
  note: AuditNote | null;
}

/** Longest kept actor, target or detail string. */
const maxText = 200;

/** Route parameters whose values are never recorded. */
const secretParam = /token|secret|pass|nonce|cookie|credential|signature|hash|apikey|api_key|^key$/i;

/** Body fields that identify what a write acts on, in order of preference. */
const identityFields = ['username', 'name', 'id', 'host_id'] as const;

/** The record for a finished request. */
export function shapeRecord(f: RequestFacts): AuditRecord {
  let result = resultOf(f.status);
  // The seed's action answers say "success": false with a 200 when a service did not start.
  if (result === 'ok' && f.reply.success === false) result = 'failed';
  const target = f.note?.target !== undefined ? (f.note.target === null ? null : clean(f.note.target)) : targetOf(f);
  return {
    at: f.at,
    actor: actorFor(f, result, target),
    action: f.action,
    target,
    result,
    status: f.status,
    address: f.address === null ? null : clean(f.address),
    details: detailsOf(f),
  };
}

/**
 * Who a principal is: a user name, `token:<name>`, `host:<id>`; null when there is none.
 * Read defensively: the principal may be a token, a session user, or something newer.
 */
export function actorOf(principal: unknown): string | null {
  if (principal === null || typeof principal !== 'object') return null;
  const p = principal as Record<string, unknown>;
  // The principal's own audit name when it has one (auth/principal.ts), else work it out.
  const actor = text(p.actor);
  if (actor !== undefined) return clean(actor);
  const user = text(p.user) ?? text((p.user as { name?: unknown } | null | undefined)?.name) ?? text(p.username) ?? text(p.userName);
  if (user !== undefined) return clean(user);
  const host = text(p.hostId) ?? text(p.host);
  if (host !== undefined) return `host:${clean(host)}`;
  const credential = p.credential as { kind?: unknown; name?: unknown } | null | undefined;
  if (credential?.kind === 'token' && text(credential.name) !== undefined) return `token:${clean(text(credential.name)!)}`;
  const name = text(p.name);
  const kind = text(p.kind) ?? text(p.type);
  if (kind === 'user' || kind === 'session') return name === undefined ? null : clean(name);
  const tokenName = name ?? text(p.tokenId);
  if (tokenName !== undefined && (text(p.tokenId) !== undefined || kind === 'token')) return `token:${clean(tokenName)}`;
  return name === undefined ? null : clean(name);
}

/** Printable text, at most 200 characters: control and bidi characters become U+FFFD. */
export function clean(value: string): string {
  // eslint-disable-next-line no-control-regex
  const s = value.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '\ufffd');
  return s.length > maxText ? `${s.slice(0, maxText - 1)}…` : s;
}

function actorFor(f: RequestFacts, result: AuditRecord['result'], target: string | null): string {
  if (f.note?.actor) return clean(f.note.actor);
  const who = actorOf(f.principal);
  if (who !== null) return who;
  // A successful login has no principal yet: the actor is the user who just signed in.
  if (f.action === 'auth.login' && result === 'ok' && target !== null) return target;
  // A rate-limited report came from a host that authenticated first (hosts/receive.ts).
  if (f.reply.code === 'hosts/rate_limited' && target !== null) return `host:${target}`;
  return 'anonymous';
}

function targetOf(f: RequestFacts): string | null {
  if (f.action === unknownRouteAction) return clean(f.path);
  const params = f.params !== null && typeof f.params === 'object' ? Object.entries(f.params as Record<string, unknown>) : [];
  const values = params.filter(([k, v]) => !secretParam.test(k) && (typeof v === 'string' || typeof v === 'number')).map(([, v]) => String(v));
  if (values.length > 0) return clean(values.join('/'));
  if (params.length > 0 || f.method === 'GET' || f.method === 'DELETE') return null;
  return identityOf(f.body);
}

/** The identifying field of a write's body (for a batch of reports, the first one's host_id). */
function identityOf(body: unknown): string | null {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return null;
  const b = body as Record<string, unknown>;
  for (const field of identityFields) {
    const v = b[field];
    if ((typeof v === 'string' && v !== '') || (typeof v === 'number' && Number.isFinite(v))) return clean(String(v));
  }
  if (Array.isArray(b.reports)) return identityOf(b.reports[0]);
  return null;
}

function detailsOf(f: RequestFacts): Record<string, unknown> | null {
  const d: Record<string, unknown> = {};
  const mode = (f.body as { mode?: unknown } | null | undefined)?.mode;
  if (mode === 'dev' || mode === 'prod') d.mode = mode;
  if (f.reply.code !== undefined) d.code = f.reply.code;
  if (f.action === unknownRouteAction) d.method = f.method;
  for (const [k, v] of Object.entries(f.note?.details ?? {}).slice(0, 10)) {
    const safe = safeValue(v);
    if (safe !== undefined) d[clean(k)] = safe;
  }
  return Object.keys(d).length > 0 ? d : null;
}

/** Primitives (strings cleaned) and short lists of them; anything else is left out. */
function safeValue(v: unknown): unknown {
  if (typeof v === 'string') return clean(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return v;
  if (Array.isArray(v)) {
    const items = v.slice(0, 20).map(safeValue);
    return items.every((i) => i !== undefined && !Array.isArray(i)) ? items : undefined;
  }
  return undefined;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
