/**
 * The audit trail's domain: which API requests are recorded and under which action name
 * (naming.ts), how a record is shaped without secrets (record.ts), the background writer
 * that appends them in order (writer.ts), and the query of the audit API (query.ts). The
 * HTTP hook (http/audit-hook.ts) and the store (AuditRepo) do the rest.
 */
export { actionName, dataRoutes, isActionName, isAudited, isDataRoute, resultOf, unknownRouteAction, type AuditResult } from './naming.js';
export { actorOf, clean, shapeRecord, type AuditNote, type RequestFacts } from './record.js';
export { AuditWriter, type AuditLog, type AuditWriterOptions } from './writer.js';
export { defaultAuditPage, maxAuditPage, timeParam, toAuditQuery, type AuditParams } from './query.js';
