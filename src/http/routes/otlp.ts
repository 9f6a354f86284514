/** OTLP/HTTP logs receiver: POST /v1/logs (being written; see src/logs/otlp/). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { LogService } from '../../logs/index.js';

/** The OTLP routes. */
export const otlpRoutes: FastifyPluginAsyncTypebox<{ logs: LogService; ingestBodyLimit: number }> = async () => {};
