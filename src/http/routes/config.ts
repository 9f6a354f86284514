/**
 * GET /api/config: the configuration the hub runs with, as loaded (defaults applied, paths
 * absolute, durations in milliseconds), redacted by core/config (redact.ts). Admin only:
 * even redacted, it shows commands, hosts and paths. POST /api/config/reload reads the file
 * again and applies its services.
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
    history: Section,
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

const ServiceReloadSchema = Type.Object({
  service: Type.String(),
  change: Type.Union([Type.Literal('added'), Type.Literal('removed'), Type.Literal('changed'), Type.Literal('updated')], {
    description: 'changed: a setting of its process changed (command, cwd, env, port, health, restart, stop, watch); updated: only names, visibility, order, dependencies, autostart or log files',
  }),
  action: Type.Union([Type.Literal('started'), Type.Literal('stopped'), Type.Literal('restarted'), Type.Literal('none')], { description: 'what happened to its process' }),
  success: Type.Boolean(),
  message: Type.String(),
  fields: Type.Array(Type.String(), { description: 'the settings that differ (changed and updated services)' }),
});

const ReloadResponse = Type.Object({
  file: Nullable(Type.String({ description: 'the file read again' })),
  services: Type.Array(ServiceReloadSchema, { description: 'every service that was added, removed, changed or updated' }),
  unchanged: Type.Integer({ description: 'services left as they were' }),
  restart_required: Type.Array(Type.String(), { description: 'other sections that differ from the running hub\'s: they apply at its next start' }),
});

/** What a reload did (POST /api/config/reload). */
export type ReloadReport = Static<typeof ReloadResponse>;

/** The configuration routes. */
export const configRoutes: FastifyPluginAsyncTypebox<{ config: () => Config; reload: () => Promise<ReloadReport>; version: string }> = async (app, { config, reload, version }) => {
  // Rebuilt only when a reload replaced the configuration.
  let shown: { of: Config; view: Static<typeof ConfigView> } | undefined;
  const viewOf = (c: Config) => {
    if (shown?.of !== c) shown = { of: c, view: { file: c.file, data_dir: c.hub.dataDir, version, config: redactConfig(c) as Static<typeof EffectiveConfig> } };
    return shown.view;
  };
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
    async () => viewOf(config()),
  );

  app.post(
    '/api/config/reload',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['config'],
        summary: 'Read wheelhouse.yaml again and apply its services (SIGHUP does the same)',
        description:
          'New services are added (and started when autostart), removed ones stopped and forgotten, services whose process settings changed are restarted with them, the rest are left running. An invalid file changes nothing (400 config/invalid, every problem in error.details.issues). Other sections apply at the next hub start and are listed in restart_required.',
        response: { 200: ReloadResponse, ...errors(400, 401, 403, 409, 503) },
      },
    },
    async () => reload(),
  );
};
