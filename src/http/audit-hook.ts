/**
 * The audit trail of the API. After every response, each state-changing request (POST, PUT,
 * PATCH, DELETE) and each refused one (401, 403, 429 on any method) becomes a record: who,
 * which action, on what, how it ended, from where (see audit/ for the rules). The record is
 * queued after the answer is sent and appended in the background, in order; writing it
 * never fails or delays a request. The queue is drained when the app closes.
 *
 * Routes may set `config.audit` to name their action, or to false for a data route (only
 * refusals recorded), and may set `request.auditNote` to give the target, actor or details.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { actionName, AuditWriter, isActionName, isAudited, isDataRoute, shapeRecord, type AuditNote } from '../audit/index.js';
import type { Store } from '../store/index.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The audit action name of this route (lower-case dotted words); by default it is derived
     * from the method and the path (audit/naming.ts). false marks a data route: only its
     * refusals are recorded.
     */
    audit?: string | false;
  }
  interface FastifyRequest {
    /** What the route adds to its audit record (target, actor, details); safe values only, never secrets. */
    auditNote: AuditNote | null;
  }
}

/** What the hook reads from an answer's JSON body. */
interface ReplyFacts {
  code?: string;
  success?: boolean;
}

/** Largest answer body looked into for its error code. */
const maxParsedReply = 64 * 1024;

/** Registers the audit hook for every route. */
export const auditTrail = fp(async (app: FastifyInstance, opts: { store: Store }) => {
  const writer = new AuditWriter(opts.store.audit, app.log.child({ component: 'audit' }));
  const replies = new WeakMap<FastifyRequest, ReplyFacts>();
  app.decorateRequest('auditNote', null);

  app.addHook('onRoute', (route) => {
    const name = (route.config as { audit?: unknown } | undefined)?.audit;
    if (name === undefined || name === false) return;
    if (typeof name !== 'string' || !isActionName(name)) {
      throw new Error(`route ${String(route.method)} ${route.url}: config.audit must be false or an action name of lower-case dotted words, got ${JSON.stringify(name)}`);
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (audited(request, reply.statusCode) && typeof payload === 'string' && payload.length <= maxParsedReply && payload.startsWith('{')) {
      replies.set(request, replyFacts(payload));
    }
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    if (!audited(request, reply.statusCode)) return;
    try {
      const config = request.routeOptions.config;
      const routeUrl = routeOf(request);
      writer.push(
        shapeRecord({
          at: new Date().toISOString(),
          method: request.method,
          routeUrl,
          path: request.url.split('?')[0]!,
          action: typeof config.audit === 'string' ? config.audit : actionName(request.method, routeUrl),
          params: request.params,
          body: request.body,
          principal: request.principal,
          status: reply.statusCode,
          address: request.ip ?? null,
          reply: replies.get(request) ?? {},
          note: request.auditNote,
        }),
      );
    } catch (err) {
      // A bug here must not take the answer down with it; the answer is sent already.
      request.log.error({ err }, 'could not shape an audit record');
    }
  });

  app.addHook('onClose', async () => writer.drain());
});

/** Whether this request gets a record. */
function audited(request: FastifyRequest, status: number): boolean {
  const routeUrl = routeOf(request);
  const dataRoute = request.routeOptions.config.audit === false || isDataRoute(request.method, routeUrl);
  return isAudited(request.method, status, dataRoute);
}

/** The matched route's pattern, undefined when none matched (the not-found handler). */
function routeOf(request: FastifyRequest): string | undefined {
  return request.is404 ? undefined : request.routeOptions.url;
}

/** `error.code` and `success` of a JSON answer, when it has them. */
function replyFacts(payload: string): ReplyFacts {
  try {
    const body = JSON.parse(payload) as { error?: { code?: unknown }; success?: unknown } | null;
    const facts: ReplyFacts = {};
    const code = body?.error?.code;
    if (typeof code === 'string' && /^[a-z0-9_]{1,40}\/[a-z0-9_]{1,60}$/.test(code)) facts.code = code;
    if (typeof body?.success === 'boolean') facts.success = body.success;
    return facts;
  } catch {
    return {};
  }
}
