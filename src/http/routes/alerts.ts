/** The alerts routes (being written). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AlertEngine } from '../../alerts/index.js';

/** The alerts routes. */
export const alertsRoutes: FastifyPluginAsyncTypebox<{ alerts: AlertEngine }> = async () => {};
