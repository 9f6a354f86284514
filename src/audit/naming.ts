/**
 * Which API requests the audit trail records, and the stable dotted action name each gets.
 *
 * An action name is derived from the route's pattern, never from the concrete URL, so the
 * name of an action does not change with its target:
 *   - the leading `/api` is dropped (`/v1/…`, the OTLP paths, become `otlp.…`);
 *   - the static segments are joined with dots, path parameters are left out;
 *   - a POST whose pattern ends in a static segment after at least one other is an action
 *     named by that segment (`/api/services/:name/start` → `services.start`, `/api/auth/login`
 *     → `auth.login`), unless the segment is a plural noun (ends in "s" but not "ss"): that
 *     is a collection, and the POST creates (`/api/users/invitations` → `users.invitations.create`);
 *   - any other request gets the method's verb: GET `get`, POST `create`, PUT `put`,
 *     PATCH `patch`, DELETE `delete` (`/api/alerts/rules/:name` PUT → `alerts.rules.put`,
 *     `/api/users` POST → `users.create`).
 * A route may name its action itself with `config.audit: 'name'`.
 */
import type { AuditRecord } from '../store/index.js';

/** What an audited request came to. */
export type AuditResult = AuditRecord['result'];

/** Methods that change state: every such request is recorded. */
const writeMethods: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Statuses that mean "refused": recorded on any method. */
const refusedStatuses: ReadonlySet<number> = new Set([401, 403, 429]);

/**
 * Data routes: high-rate ingest whose successful (and merely invalid) requests are data, not
 * actions. Only their refusals are recorded. A route can declare the same with `config.audit: false`.
 */
export const dataRoutes: ReadonlySet<string> = new Set(['POST /api/logs/ingest', 'POST /v1/logs', 'POST /api/metrics/report']);

/** The action name of a request that matched no route. */
export const unknownRouteAction = 'route.unknown';

const verbs: Record<string, string> = { GET: 'get', HEAD: 'head', OPTIONS: 'options', POST: 'create', PUT: 'put', PATCH: 'patch', DELETE: 'delete' };

/** Leading path segments renamed in action names. */
const areaAliases: Record<string, string> = { v1: 'otlp' };

/** ok for 2xx/3xx, denied for 401/403/429, failed for anything else. */
export function resultOf(status: number): AuditResult {
  if (refusedStatuses.has(status)) return 'denied';
  return status >= 200 && status < 400 ? 'ok' : 'failed';
}

/**
 * Whether a finished request is recorded: every refusal; every other state-changing request
 * unless it is on a data route.
 */
export function isAudited(method: string, status: number, dataRoute: boolean): boolean {
  if (refusedStatuses.has(status)) return true;
  return writeMethods.has(method) && !dataRoute;
}

/** True for the data routes listed above (by method and route pattern). */
export function isDataRoute(method: string, routeUrl: string | undefined): boolean {
  return routeUrl !== undefined && dataRoutes.has(`${method} ${routeUrl}`);
}

/** The action name of `method` on the route pattern `routeUrl` (undefined when no route matched). */
export function actionName(method: string, routeUrl: string | undefined): string {
  if (routeUrl === undefined) return unknownRouteAction;
  const raw = routeUrl.split('?')[0]!.split('/').filter((s) => s !== '');
  if (raw[0] === 'api') raw.shift();
  const isParam = (s: string): boolean => s.startsWith(':') || s.startsWith('*');
  const statics = raw.filter((s) => !isParam(s)).map(word);
  if (statics.length > 0 && areaAliases[statics[0]!] !== undefined) statics[0] = areaAliases[statics[0]!]!;
  const endsStatic = raw.length > 0 && !isParam(raw[raw.length - 1]!);
  const verb = verbs[method.toUpperCase()] ?? word(method);
  if (statics.length === 0) return `root.${verb}`;
  const last = statics[statics.length - 1]!;
  const collection = last.endsWith('s') && !last.endsWith('ss');
  if (method.toUpperCase() === 'POST' && endsStatic && statics.length >= 2 && !collection) return statics.join('.');
  return `${statics.join('.')}.${verb}`;
}

/** A route-declared action name, checked: lower-case dotted words, at most 100 characters. */
export function isActionName(name: string): boolean {
  return name.length <= 100 && /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(name);
}

function word(segment: string): string {
  return segment.toLowerCase().replace(/[^a-z0-9_-]/g, '_');
}
