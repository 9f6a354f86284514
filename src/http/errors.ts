/** The one place errors become HTTP answers: catalogue codes, validation, body limits, not found. */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError, toErrorBody } from '../core/errors.js';

/** Answers errors Fastify raises before routing (bad URL encoding, over-long path parameters). */
export function frameworkErrorHandler(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const appError =
    err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new AppError('request/uri_too_long', 'a path parameter is too long (at most 100 characters)')
      : new AppError('request/invalid', `malformed URL: ${err.message}`);
  const { status, body } = toErrorBody(appError);
  void reply.status(status).send(body);
}

/** Installs the error and not-found handlers. */
export function installErrorHandling(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const appError = isAppError(err) ? err : translate(err, request.routeOptions.bodyLimit ?? bodyLimit);
    if (!appError) request.log.error({ err }, 'unhandled error');
    const { status, body } = toErrorBody(appError ?? err);
    if (status === 401) reply.header('www-authenticate', 'Bearer realm="wheelhouse"');
    if (status === 429 && !reply.hasHeader('retry-after')) reply.header('retry-after', '1');
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const { status, body } = toErrorBody(new AppError('route/not_found', `no route ${request.method} ${request.url.split('?')[0]}`));
    return reply.status(status).send(body);
  });
}

/** Maps Fastify's own errors to catalogue errors; undefined for unexpected ones. */
function translate(err: FastifyError, bodyLimit: number): AppError | undefined {
  if (err.validation) {
    const where = err.validationContext ?? 'request';
    const problems = err.validation.map((v) => {
      const path = `${where}${v.instancePath.replace(/\//g, '.')}`;
      const allowed = (v.params as { allowedValues?: unknown[] }).allowedValues;
      if (v.keyword === 'additionalProperties') return `${path}: unknown property "${(v.params as { additionalProperty: string }).additionalProperty}"`;
      if (allowed) return `${path}: must be one of ${allowed.join(', ')}`;
      return `${path}: ${v.message}`;
    });
    return new AppError('request/invalid', `invalid request: ${[...new Set(problems)].join('; ')}`);
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('request/too_large', `request body is larger than the limit of ${bodyLimit} bytes`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('request/unsupported_media_type', 'unsupported Content-Type: send application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('request/malformed_json', 'the body is empty but Content-Type is application/json: send {} or no Content-Type');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('request/malformed_json', `malformed JSON body: ${err.message}`);
  }
  if (typeof err.code === 'string' && err.code.startsWith('Z_')) return new AppError('request/invalid', 'the body is not valid gzip or deflate data (Content-Encoding)');
  if (err instanceof SyntaxError || err.statusCode === 400) return new AppError('request/malformed_json', `malformed request: ${err.message}`);
  if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) return new AppError('request/invalid', err.message);
  return undefined;
}
