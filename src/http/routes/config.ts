/**
 * GET /api/config: the configuration the hub runs with, as loaded (defaults applied, paths
 * absolute, durations in milliseconds), redacted by core/config (redact.ts). Admin only:
 * even redacted, it shows commands, hosts and paths.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { redactConfig, type Config } from '../../core/config/index.js';
import { errors, Nullable } from '../schemas.js';

const Section = Type.Record(Type.String(), Type.Unknown());

/** The configuration's sections, as the API shows them. */
const EffectiveConfig = Type.Object(
  {
    hub: Section,
    store: Section,
    system: Section,
    logs: Section,
    metrics: Section,
    agents: Section,
    scrape: Type.Array(Section),
    alerts: Section,
    auth: Section,
    services: Type.Array(Section),
  },
  { description: 'the effective configuration: defaults applied, durations in ms, sizes in bytes, secrets "[redacted]"' },
);

const ConfigView = Type.Object({
  file: Nullable(Type.String({ description: 'absolute path of the configuration file; null when the hub runs without one' })),
  data_dir: Type.String({ description: 'the data directory (store, tokens, certificates)' }),
  version: Type.String({ description: 'the hub\'s version' }),
  config: EffectiveConfig,
});

/** The configuration route. */
export const configRoutes: FastifyPluginAsyncTypebox<{ config: Config; version: string }> = async (app, { config, version }) => {
  // Computed once: the configuration does not change while the hub runs.
  const view = { file: config.file, data_dir: config.hub.dataDir, version, config: redactConfig(config) as Static<typeof EffectiveConfig> };
  app.get(
    '/api/config',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['config'],
        summary: 'The configuration the hub runs with, every secret redacted',
        response: { 200: ConfigView, ...errors(401, 403) },
      },
    },
    async () => view,
  );
};
