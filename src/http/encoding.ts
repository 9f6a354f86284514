/**
 * Compressed request bodies (Content-Encoding: gzip or deflate), as log shippers and OTLP
 * exporters send them. The body limit applies to the decompressed bytes, so a small
 * compressed body cannot expand past it.
 */
import type { FastifyInstance } from 'fastify';
import { createGunzip, createInflate } from 'node:zlib';
import { AppError } from '../core/errors.js';

/** Installs the decompression hook. */
export function installRequestDecompression(app: FastifyInstance): void {
  app.addHook('preParsing', async (request, _reply, payload) => {
    const encoding = request.headers['content-encoding']?.trim().toLowerCase();
    if (!encoding || encoding === 'identity') return payload;
    const inflater = encoding === 'gzip' || encoding === 'x-gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : undefined;
    if (!inflater) throw new AppError('request/unsupported_media_type', `unsupported Content-Encoding "${encoding}": use gzip, deflate or none`);
    // The compressed length no longer describes the body Fastify will read.
    delete request.headers['content-length'];
    return payload.pipe(inflater);
  });
}
