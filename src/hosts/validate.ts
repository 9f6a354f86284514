/**
 * Validation of incoming reports at the edge: the request's shape here, then each report on
 * its own (report-schema.ts) so one bad report does not sink a batch.
 */
import { maxReportsPerRequest, reportProtocolVersion } from '../protocol/version.js';
import { HostError } from './errors.js';

/** The reports of a request body: one report, or `{version?, reports: [...]}`. Throws HostError for any other shape. */
export function reportsOf(body: unknown): unknown[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new HostError('hosts/invalid_report', 'the body must be a report (a JSON object) or {"reports":[…]}');
  }
  const b = body as Record<string, unknown>;
  if (!('reports' in b)) return [body];
  if (b.version !== undefined && b.version !== reportProtocolVersion) {
    throw new HostError('hosts/invalid_report', `unsupported protocol version ${JSON.stringify(b.version)}: this hub speaks version ${reportProtocolVersion}`);
  }
  const extra = Object.keys(b).find((k) => k !== 'reports' && k !== 'version');
  if (extra !== undefined) throw new HostError('hosts/invalid_report', `unknown property "${extra}" in the batch`);
  if (!Array.isArray(b.reports) || b.reports.length === 0) throw new HostError('hosts/invalid_report', '"reports" must be a non-empty array');
  if (b.reports.length > maxReportsPerRequest) throw new HostError('hosts/invalid_report', `at most ${maxReportsPerRequest} reports per request (got ${b.reports.length}); send them in batches`);
  return b.reports;
}

/** The host id a raw report claims, when it has one. */
export function claimedHost(raw: unknown): string | undefined {
  const id = (raw as { host_id?: unknown } | null)?.host_id;
  return typeof id === 'string' ? id : undefined;
}
