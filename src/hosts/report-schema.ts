/**
 * Each report against the protocol's own schema (compiled once, when this module is loaded by
 * the first report: the schema library is not loaded at the hub's start, which is on its
 * services' cold-start path), then what a schema cannot say (finite values, canonical series
 * keys, the clock).
 */
import { Compile } from 'typebox/compile';
import { maxFutureSkewMs, reportProtocolVersion, ReportSchema, type Report } from '../protocol/index.js';
import { samplesProblem } from './samples.js';

const checkReport = Compile(ReportSchema);

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
