/** The metrics routes (being written). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { MetricsService } from '../../metrics/index.js';

/** The metrics routes. */
export const metricsRoutes: FastifyPluginAsyncTypebox<{ metrics: MetricsService }> = async () => {};
