/** The channels routes (being written). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Notifier } from '../../alerts/notifiers/index.js';
import type { Store } from '../../store/index.js';

/** The channels routes. */
export const channelsRoutes: FastifyPluginAsyncTypebox<{ notifier: Notifier; store: Store }> = async () => {};
