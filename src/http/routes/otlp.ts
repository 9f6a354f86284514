/**
 * OTLP/HTTP logs receiver: POST /v1/logs, so OpenTelemetry SDKs and collectors can send logs
 * straight to the hub (exporter endpoint `http://<hub>/v1/logs`, header
 * `Authorization: Bearer <token>`). JSON or protobuf, optionally compressed (gzip is inflated
 * app-wide, see ../encoding.ts); the answer is an ExportLogsServiceResponse in the request's
 * encoding.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '../../core/errors.js';
import type { LogService } from '../../logs/index.js';
import { usePlainJsonParser } from '../json.js';
import { exportResponse, otlpMediaTypes, receiveLogs, type OtlpEncoding } from '../../logs/otlp/index.js';
import { errors } from '../schemas.js';

const AnyObject = Type.Object({}, { additionalProperties: true });
const ExportRequest = Type.Object(
  { resourceLogs: Type.Optional(Type.Array(AnyObject)) },
  { description: 'ExportLogsServiceRequest (opentelemetry-proto collector/logs/v1), in the OTLP JSON encoding or as protobuf bytes' },
);
const ExportResponse = Type.Object(
  {
    partialSuccess: Type.Optional(
      Type.Object({ rejectedLogRecords: Type.Integer(), errorMessage: Type.String() }, { description: 'present when some records were refused (timestamp out of range, body or attributes too large, malformed ids)' }),
    ),
  },
  { description: 'ExportLogsServiceResponse; protobuf-encoded when the request was' },
);
const Protobuf = Type.Unsafe<Uint8Array>({ type: 'string', format: 'binary', description: 'protobuf bytes' });

/** The OTLP routes. */
export const otlpRoutes: FastifyPluginAsyncTypebox<{ logs: LogService; ingestBodyLimit: number }> = async (app, { logs, ingestBodyLimit }) => {
  usePlainJsonParser(app, ingestBodyLimit);
  // Scoped to this plugin: no other route accepts protobuf.
  app.addContentTypeParser(otlpMediaTypes.protobuf, { parseAs: 'buffer', bodyLimit: ingestBodyLimit }, (_req, body, done) => done(null, body));

  app.post(
    '/v1/logs',
    {
      config: { permission: 'ingest' },
      bodyLimit: ingestBodyLimit,
      // The body is decoded and checked by hand (src/logs/otlp); the schema only documents it.
      validatorCompiler: () => () => true,
      schema: {
        tags: ['logs'],
        summary: 'OpenTelemetry logs (OTLP/HTTP, JSON or protobuf, optionally gzip); answers after the entries are committed',
        body: { content: { [otlpMediaTypes.json]: { schema: ExportRequest }, [otlpMediaTypes.protobuf]: { schema: Protobuf } } },
        response: {
          200: { content: { [otlpMediaTypes.json]: { schema: ExportResponse }, [otlpMediaTypes.protobuf]: { schema: Protobuf } } },
          ...errors(400, 401, 403, 413, 415, 429),
        },
      },
      // Before the body is read: any other type gets an OTLP answer, not the API's "send JSON".
      // (Content-Encoding gzip/deflate is undone by the app-wide hook in ../encoding.ts.)
      preParsing: async (req, _reply, payload) => {
        encodingOf(req);
        return payload;
      },
    },
    async (req, reply) => {
      const encoding = encodingOf(req);
      const outcome = await receiveLogs(logs, req.body, encoding);
      if (encoding === 'json') return reply.type(otlpMediaTypes.json).send(exportResponse(outcome, 'json'));
      return reply.type(otlpMediaTypes.protobuf).send(Buffer.from(await exportResponse(outcome, 'protobuf')));
    },
  );
};

/** The request's encoding, from its Content-Type; `request/unsupported_media_type` for any other. */
function encodingOf(req: FastifyRequest): OtlpEncoding {
  const media = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (media === otlpMediaTypes.json) return 'json';
  if (media === otlpMediaTypes.protobuf) return 'protobuf';
  throw new AppError('request/unsupported_media_type', `unsupported Content-Type "${media.slice(0, 100)}": OTLP/HTTP sends application/json or application/x-protobuf`);
}
