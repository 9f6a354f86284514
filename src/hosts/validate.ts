/**
 * Validation of incoming reports at the edge, with the protocol's own schemas (compiled once):
 * the request shape first, then each report on its own so one bad report does not sink a
 * batch, then what a schema cannot say (finite values, canonical series keys, the clock).
 */
import { Compile } from 'typebox/compile';
import { maxFutureSkewMs, maxReportsPerRequest, reportProtocolVersion, ReportSchema, type Report } from '../protocol/index.js';
import { HostError } from './errors.js';
import { samplesProblem } from './samples.js';

const checkReport = Compile(ReportSchema);

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

/** The report, or the first problem with it (a message naming the field). */
export function validateReport(raw: unknown, now: number): Report | string {
  if (!checkReport.Check(raw)) {
    const version = (raw as { version?: unknown } | null)?.version;
    if (version !== undefined && version !== reportProtocolVersion) return `unsupported protocol version ${JSON.stringify(version)}: this hub speaks version ${reportProtocolVersion}`;
    return describe(raw);
  }
  const report = raw as Report;
  if (report.ts > now + maxFutureSkewMs) return `ts ${new Date(report.ts).toISOString()} is more than 1 h ahead of the hub's clock (${new Date(now).toISOString()})`;
  return samplesProblem(report.samples) ?? report;
}

function describe(raw: unknown): string {
  const problems: string[] = [];
  for (const e of checkReport.Errors(raw)) {
    if (e.keyword === 'boolean') continue; // additionalProperties: false also reports as "schema is false" per property
    const path = e.instancePath === '' ? 'report' : e.instancePath.slice(1).replace(/\//g, '.');
    const params = e.params as { additionalProperties?: string[]; requiredProperties?: string[] };
    if (e.keyword === 'additionalProperties' && params.additionalProperties) problems.push(`${path}: unknown property "${params.additionalProperties.join('", "')}"`);
    else if (e.keyword === 'required' && params.requiredProperties) problems.push(`${path}: missing "${params.requiredProperties.join('", "')}"`);
    else problems.push(`${path}: ${e.message}`);
    if (problems.length >= 3) break;
  }
  return problems.join('; ') || 'not a valid report';
}
