/**
 * Compressed request bodies (Content-Encoding: gzip or deflate), as log shippers, OTLP
 * exporters and agents send them. The body limit applies to the decompressed bytes, so a
 * small compressed body cannot expand past it.
 */
import type { FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import { createGunzip, createInflate, gunzipSync, inflateSync } from 'node:zlib';
import { AppError } from '../core/errors.js';

/** Bodies up to this size are inflated in one call: a stream costs ~6× more per small body (agent reports). */
const oneShotBytes = 64 * 1024;

/** Installs the decompression hook. */
export function installRequestDecompression(app: FastifyInstance): void {
  app.addHook('preParsing', async (request, _reply, payload) => {
    const encoding = request.headers['content-encoding']?.trim().toLowerCase();
    if (!encoding || encoding === 'identity') return payload;
    const gzip = encoding === 'gzip' || encoding === 'x-gzip';
    if (!gzip && encoding !== 'deflate') throw new AppError('request/unsupported_media_type', `unsupported Content-Encoding "${encoding}": use gzip, deflate or none`);
    const length = Number(request.headers['content-length']);
    // The compressed length no longer describes the body Fastify will read.
    delete request.headers['content-length'];
    if (Number.isFinite(length) && length > 0 && length <= oneShotBytes) {
      const chunks: Buffer[] = [];
      for await (const chunk of payload) chunks.push(chunk as Buffer);
      const limit = request.routeOptions.bodyLimit ?? 1024 * 1024;
      try {
        const body = (gzip ? gunzipSync : inflateSync)(Buffer.concat(chunks), { maxOutputLength: limit + 1 });
        return Readable.from([body]);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new AppError('request/too_large', `request body is larger than the limit of ${limit} bytes`);
        throw new AppError('request/invalid', 'the body is not valid gzip or deflate data (Content-Encoding)');
      }
    }
    return payload.pipe(gzip ? createGunzip() : createInflate());
  });
}
