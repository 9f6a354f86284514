/** The hosts routes (being written). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { HostRegistry } from '../../hosts/index.js';
import type { MetricsService } from '../../metrics/index.js';

/** The hosts routes. */
export const hostsRoutes: FastifyPluginAsyncTypebox<{ hosts: HostRegistry; metrics: MetricsService }> = async () => {};
