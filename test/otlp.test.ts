// The OTLP/HTTP logs receiver over a real hub, with the real OpenTelemetry exporters as clients.
import { context, diag, DiagLogLevel, trace, TraceFlags } from '@opentelemetry/api';
import { SeverityNumber, type Logger } from '@opentelemetry/api-logs';
import { OTLPLogExporter as JsonExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, SimpleLogRecordProcessor, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportLogsServiceRequest, ExportLogsServiceResponse } from '../src/logs/otlp/schema.js';
import { startTestHub, type TestHub } from '../src/testing/hub-inprocess.js';

let t: TestHub;
/** What the exporters report through the OpenTelemetry diagnostics (partial success, failures). */
const diagnostics: string[] = [];

beforeAll(async () => {
  // A small ingest limit keeps the oversized-body cases small.
  t = await startTestHub({}, {}, { logs: { ingest_body_limit: '2MB' } });
  const record = (...args: unknown[]) => diagnostics.push(args.map(String).join(' '));
  diag.setLogger({ error: record, warn: record, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
});
afterAll(async () => {
  diag.disable();
  await t?.close();
});

const auth = () => ({ authorization: `Bearer ${t.token}` });
const traceId = '5b8efff798038103d269b633813fc60c';
const spanId = 'eee19b7ec3c1b174';

interface Stored {
  timestamp: string;
  service_name: string;
  level: string;
  message: string;
  context: Record<string, unknown> | null;
  trace_id: string | null;
  user_id: string | null;
  hostname: string | null;
  process_id: number | null;
  source: string;
}

async function stored(service: string): Promise<Stored[]> {
  const res = await t.fetch(`/api/logs?service=${encodeURIComponent(service)}&limit=500`, { headers: auth() });
  expect(res.status).toBe(200);
  return ((await res.json()) as { logs: Stored[] }).logs.reverse();
}

/** Emits through a real LoggerProvider whose resource names `service`, then flushes; `batch` sends all records in one export. */
async function emitWith(exporter: LogRecordExporter, service: string, emit: (logger: Logger) => void, batch = false): Promise<void> {
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'host.name': 'box-1', 'process.pid': 4242 }),
    processors: [batch ? new BatchLogRecordProcessor({ exporter, scheduledDelayMillis: 60_000 }) : new SimpleLogRecordProcessor({ exporter })],
  });
  emit(provider.getLogger('checkout-scope', '1.2.3'));
  await provider.forceFlush();
  await provider.shutdown();
}

const exporters = {
  json: (compression?: string) => new JsonExporter({ url: `${t.url}/v1/logs`, headers: auth(), ...(compression ? { compression: compression as never } : {}) }),
  protobuf: (compression?: string) => new ProtoExporter({ url: `${t.url}/v1/logs`, headers: auth(), ...(compression ? { compression: compression as never } : {}) }),
};

describe('OTLP exporters as clients', () => {
  const cases = [
    ['json', undefined],
    ['json', 'gzip'],
    ['protobuf', undefined],
    ['protobuf', 'gzip'],
  ] as const;
  it.each(cases)('stores records sent by the %s exporter (compression %s)', async (encoding, compression) => {
    const service = `shop-${encoding}-${compression ?? 'plain'}`;
    const before = Date.now();
    diagnostics.length = 0;
    await emitWith(exporters[encoding](compression), service, (logger) => {
      const traced = trace.setSpanContext(context.active(), { traceId, spanId, traceFlags: TraceFlags.SAMPLED });
      logger.emit({
        severityNumber: SeverityNumber.WARN,
        severityText: 'WARN',
        body: 'payment retried',
        attributes: { 'http.route': '/pay', attempt: 2, ratio: 0.5, ok: false, 'enduser.id': 'u-17', tags: ['a', 'b'] },
        context: traced,
      });
      logger.emit({ severityNumber: SeverityNumber.ERROR2, body: { code: 'E42', items: [1, 2] }, eventName: 'payment.failed' });
      logger.emit({ severityText: 'debug', body: 'no number, only text' });
    });
    // No export failure, no partial success.
    expect(diagnostics).toEqual([]);

    const logs = await stored(service);
    expect(logs).toHaveLength(3);
    // One export per record, in flight together: they may commit in any order.
    const [warn, err, debug] = ['WARNING', 'ERROR', 'DEBUG'].map((level) => logs.find((l) => l.level === level)!) as [Stored, Stored, Stored];
    expect(warn).toMatchObject({
      service_name: service,
      level: 'WARNING',
      message: 'payment retried',
      trace_id: traceId,
      user_id: 'u-17',
      hostname: 'box-1',
      process_id: 4242,
      source: 'otlp',
    });
    expect(warn.context).toEqual({ 'http.route': '/pay', attempt: 2, ratio: 0.5, ok: false, 'enduser.id': 'u-17', tags: ['a', 'b'], scope: 'checkout-scope', span_id: spanId });
    expect(Date.parse(warn.timestamp)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(warn.timestamp)).toBeLessThanOrEqual(Date.now() + 1000);

    expect(err).toMatchObject({ level: 'ERROR', trace_id: null, user_id: null });
    expect(JSON.parse(err.message)).toEqual({ code: 'E42', items: [1, 2] });
    expect(err.context).toEqual({ scope: 'checkout-scope', event_name: 'payment.failed' });

    expect(debug).toMatchObject({ level: 'DEBUG', message: 'no number, only text' });
  });

  it('stores the good records of a batch and reports the refused one as a partial success', async () => {
    const service = 'partial-proto';
    const inThreeDays = Date.now() + 3 * 86_400_000;
    await emitWith(exporters.protobuf(), service, (logger) => {
      logger.emit({ severityNumber: SeverityNumber.INFO, body: 'good one' });
      logger.emit({ severityNumber: SeverityNumber.INFO, body: 'from the future', timestamp: inThreeDays });
      logger.emit({ severityNumber: SeverityNumber.INFO, body: 'good two' });
    }, true);
    expect((await stored(service)).map((l) => l.message)).toEqual(['good one', 'good two']);
    // The exporter decoded our protobuf response and logged the partial success it carried.
    const partial = diagnostics.find((d) => d.startsWith('Received Partial Success response:'));
    expect(partial).toContain('"rejectedLogRecords":1');
    expect(partial).toMatch(/logRecords\[1\]: timestamp .* is more than 24h in the future/);
  });
});

/** A hand-built OTLP JSON request with one record per entry of `records`. */
function jsonRequest(service: string, records: Record<string, unknown>[]): string {
  return JSON.stringify({ resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeLogs: [{ logRecords: records }] }] });
}
const now = () => String(BigInt(Date.now()) * 1_000_000n);

describe('responses', () => {
  it('answers a full success with an empty ExportLogsServiceResponse in each encoding', async () => {
    const json = await t.fetch('/v1/logs', { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: jsonRequest('resp-json', [{ timeUnixNano: now(), body: { stringValue: 'hi' } }]) });
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await json.json()).toEqual({});

    const bytes = ExportLogsServiceRequest.encode(ExportLogsServiceRequest.fromObject({ resource_logs: [{ scope_logs: [{ log_records: [{ body: { string_value: 'hi' } }] }] }] })).finish();
    const proto = await t.fetch('/v1/logs', { method: 'POST', headers: { ...auth(), 'content-type': 'application/x-protobuf' }, body: bytes });
    expect(proto.status).toBe(200);
    expect(proto.headers.get('content-type')).toBe('application/x-protobuf');
    expect(new Uint8Array(await proto.arrayBuffer())).toEqual(new Uint8Array(0));
    // No service.name on the resource: the OpenTelemetry default name.
    expect((await stored('unknown_service')).map((l) => l.message)).toContain('hi');
  });

  it('answers a partial success with the count and the reasons, in JSON and in protobuf', async () => {
    const future = String((BigInt(Date.now()) + 3n * 86_400_000n) * 1_000_000n);
    const records = [{ timeUnixNano: now(), body: { stringValue: 'kept' } }, { timeUnixNano: future, body: { stringValue: 'refused' } }, { body: { stringValue: 'kept too' } }];
    const res = await t.fetch('/v1/logs', { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: jsonRequest('resp-partial', records) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { partialSuccess: { rejectedLogRecords: number; errorMessage: string } };
    expect(body.partialSuccess.rejectedLogRecords).toBe(1);
    expect(body.partialSuccess.errorMessage).toMatch(/^1 log record rejected: resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[1\]: timestamp .* in the future$/);
    expect((await stored('resp-partial')).map((l) => l.message)).toEqual(['kept', 'kept too']);

    const bytes = ExportLogsServiceRequest.encode(
      ExportLogsServiceRequest.fromObject({ resource_logs: [{ scope_logs: [{ log_records: [{ time_unix_nano: '1000000000', body: { string_value: 'in 1970' } }] }] }] }),
    ).finish();
    const proto = await t.fetch('/v1/logs', { method: 'POST', headers: { ...auth(), 'content-type': 'application/x-protobuf' }, body: bytes });
    expect(proto.status).toBe(200);
    const decoded = ExportLogsServiceResponse.toObject(ExportLogsServiceResponse.decode(new Uint8Array(await proto.arrayBuffer())), { longs: Number }) as {
      partial_success: { rejected_log_records: number; error_message: string };
    };
    expect(decoded.partial_success.rejected_log_records).toBe(1);
    expect(decoded.partial_success.error_message).toMatch(/older than the retention period/);
  });

  it('maps severities it does not know to INFO, and severity text when there is no number', async () => {
    const records = [
      { severityNumber: 99, severityText: 'LOUD', body: { stringValue: 'unknown number and text' } },
      { severityNumber: 'SEVERITY_NUMBER_NOPE', body: { stringValue: 'unknown enum name' } },
      { severityText: 'LOUD', body: { stringValue: 'unknown text' } },
      { severityText: 'Warning', body: { stringValue: 'text only' } },
      { severityNumber: 'SEVERITY_NUMBER_FATAL', body: { stringValue: 'enum name' } },
      { severityNumber: 1, severityText: 'error', body: { stringValue: 'number wins over text' } },
    ];
    const res = await t.fetch('/v1/logs', { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: jsonRequest('severities', records) });
    expect(await res.json()).toEqual({});
    expect((await stored('severities')).map((l) => l.level)).toEqual(['INFO', 'INFO', 'INFO', 'WARNING', 'CRITICAL', 'DEBUG']);
  });

  it('answers 429 with Retry-After while the write queue is full, as OTLP exporters expect before retrying', async () => {
    // A tiny queue: concurrent exports cannot all wait for the same commit.
    const q = await startTestHub({}, {}, { logs: { max_queue: 300 } });
    try {
      const body = jsonRequest('queue', Array.from({ length: 200 }, (_, i) => ({ body: { stringValue: `entry ${i}` } })));
      let refused: Response | undefined;
      for (let round = 0; round < 20 && !refused; round++) {
        const results = await Promise.all(
          Array.from({ length: 12 }, () => q.fetch('/v1/logs', { method: 'POST', headers: { authorization: `Bearer ${q.token}`, 'content-type': 'application/json' }, body })),
        );
        for (const res of results) expect([200, 429]).toContain(res.status);
        refused = results.find((r) => r.status === 429);
      }
      expect(refused?.headers.get('retry-after')).toBe('1');
      expect(((await refused!.json()) as { error: { code: string } }).error.code).toBe('logs/queue_full');
    } finally {
      await q.close();
    }
  });
});

describe('bad input', () => {
  const big = 3 * 1024 * 1024;
  const cases: [string, number, string | RegExp, RegExp, Record<string, string>, () => BodyInit][] = [
    ['garbage as protobuf', 400, 'request/invalid', /not an OTLP ExportLogsServiceRequest/, { 'content-type': 'application/x-protobuf' }, () => Buffer.from('\xff\xff\xff\xff not protobuf at all', 'latin1')],
    ['malformed JSON', 400, 'request/malformed_json', /JSON/, { 'content-type': 'application/json' }, () => '{"resourceLogs":['],
    ['resourceLogs not an array', 400, 'request/invalid', /resourceLogs must be an array/, { 'content-type': 'application/json' }, () => '{"resourceLogs":{"a":1}}'],
    ['a JSON array', 400, 'request/invalid', /the body must be a JSON object/, { 'content-type': 'application/json' }, () => '[]'],
    ['a wrong type deep inside', 400, 'request/invalid', /logRecords\[0\]\.timeUnixNano must be a non-negative 64-bit integer/, { 'content-type': 'application/json' }, () => jsonRequest('x', [{ timeUnixNano: 'soon' }])],
    // Inflated app-wide (src/http/encoding.ts).
    ['corrupt gzip', 400, 'request/invalid', /not valid gzip or deflate/, { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' }, () => 'not gzip'],
    ['a text body', 415, 'request/unsupported_media_type', /application\/x-protobuf/, { 'content-type': 'text/plain' }, () => 'hello'],
    ['no content type', 415, 'request/unsupported_media_type', /Content-Type/, {}, () => new Uint8Array([1, 2, 3])],
    ['brotli', 415, 'request/unsupported_media_type', /Content-Encoding "br"/, { 'content-type': 'application/json', 'content-encoding': 'br' }, () => '{}'],
    ['a body over the ingest limit', 413, 'request/too_large', /larger than the limit/, { 'content-type': 'application/x-protobuf' }, () => new Uint8Array(big)],
    ['a gzip bomb', 413, 'request/too_large', /larger than the limit/, { 'content-type': 'application/json', 'content-encoding': 'gzip' }, () => gzipSync(Buffer.alloc(big, 0x20))],
  ];
  it.each(cases)('%s → %d', async (_label, status, code, message, headers, body) => {
    const res = await t.fetch('/v1/logs', { method: 'POST', headers: { ...auth(), ...headers }, body: body() });
    expect(res.status).toBe(status);
    const err = (await res.json()) as { error: { code: string; message: string } };
    expect(err.error.code).toMatch(code);
    expect(err.error.message).toMatch(message);
  });

  it('asks for a token', async () => {
    const res = await t.fetch('/v1/logs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('auth/missing_token');
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = (await (await t.fetch('/docs/json')).json()) as { paths: Record<string, { post?: { requestBody?: { content: Record<string, unknown> } } }> };
    expect(Object.keys(doc.paths['/v1/logs']!.post!.requestBody!.content).sort()).toEqual(['application/json', 'application/x-protobuf']);
  });

  it('is still healthy after all of that', async () => {
    expect((await t.fetch('/health')).status).toBe(200);
  });
});
