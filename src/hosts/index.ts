/**
 * Hosts and their agents: registration (API keys, hashed at rest), authentication of reports
 * (mTLS client certificates with CN = host id, or the API key), the report path, the
 * online/stale/offline status of each host (changes published as 'host.status'), the overall
 * "sentiment", and the mutual-TLS listener agents report to.
 */
import type { Logger } from 'pino';
import { readServerTls } from '../certs/layout.js';
import type { AgentSettings } from '../core/config/index.js';
import type { EventBus } from '../core/events.js';
import type { MetricsService } from '../metrics/index.js';
import type { ReportReply } from '../protocol/index.js';
import type { Store } from '../store/index.js';
import type { Credential } from './auth.js';
import { HostError } from './errors.js';
import { hashApiKey, newApiKey } from './keys.js';
import { ProgressWriter } from './progress.js';
import { RateLimiter } from './rate-limit.js';
import { hostSource, receiveReports, type ReceiveDeps } from './receive.js';
import { checkNewHost, newHostRecord, type NewHost } from './records.js';
import { overall, type OverallSentiment } from './sentiment.js';
import { HostTable, type HostEntry } from './table.js';
import { startAgentListener, type AgentListener } from './tls.js';
import { hostCharts, hostView, type HostDetail, type HostView } from './view.js';

export { keyCredential, type Credential, type PeerCertificate } from './auth.js';
export { HostError, RateLimited } from './errors.js';
export type { NewHost } from './records.js';
export type { HostStatus } from './status.js';
export type { HostDetail, HostSummary, HostView } from './view.js';
export type { OverallSentiment } from './sentiment.js';

/** The hosts module's interface. Every method that names a host throws HostError('hosts/not_found') for an unknown one. */
export interface HostRegistry {
  /** Report interval of a host in seconds (as it last reported, else as registered); undefined for an unknown host. */
  intervalOf(hostId: string): number | undefined;
  /** Registers a host with a new API key, returned here and never again. */
  add(input: NewHost): Promise<{ host: HostView; api_key: string }>;
  /** Every host with its status and latest metrics. */
  list(): Promise<HostView[]>;
  get(id: string): Promise<HostView>;
  /** One host with all its latest values and chart series over [since, until]. */
  detail(id: string, range: { since: number; until: number; stepMs: number }): Promise<HostDetail>;
  /** Deletes a host and revokes its certificates; its reports are refused from then on. */
  remove(id: string): Promise<void>;
  /** Replaces the host's API key (the old one stops working at once). */
  rotateKey(id: string): Promise<{ host_id: string; api_key: string }>;
  /** Overall status, every service's and every host's. */
  sentiment(): Promise<OverallSentiment>;
  /** One report request (see receive.ts); throws HostError when it is refused as a whole. */
  receive(body: unknown, credential: Credential, address: string | null): Promise<ReportReply>;
  /** Where the agents' TLS listener listens, or null when it is not configured. */
  agentListener(): { host: string; port: number } | null;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** What the registry is built from. */
export interface HostDeps {
  store: Store;
  metrics: MetricsService;
  bus: EventBus;
  settings: AgentSettings;
  dataDir: string;
  logger: Logger;
}

/** How often statuses are recomputed (a host's silence is noticed within this). */
const sweepMs = 1000;

/** Builds the registry (not started). */
export function createHostRegistry(deps: HostDeps): HostRegistry {
  const { store, metrics, bus, settings } = deps;
  const table = new HostTable(store, bus, settings.staleAfter);
  const limiter = new RateLimiter(settings.maxReportsPerMinute);
  const progress = new ProgressWriter(store, deps.logger);
  const receiveDeps: ReceiveDeps = { store, metrics, bus, hosts: table, limiter, progress };
  let timer: NodeJS.Timeout | undefined;
  let listener: AgentListener | undefined;

  const entry = async (id: string): Promise<HostEntry> => {
    const e = await table.lookup(id);
    if (!e) throw new HostError('hosts/not_found', `no host "${id}" (see "wheelhouse hosts")`);
    return e;
  };
  const view = (e: HostEntry): HostView => hostView(e, table.statusOf(e), metrics.latest(hostSource(e.record.id)));
  // Hosts registered by `certs issue` in another process join the table here.
  const sync = async (): Promise<void> => {
    for (const r of await store.hosts.list()) if (!table.peek(r.id)) table.put(r);
  };

  return {
    intervalOf: (id) => table.peek(id)?.record.interval_s,

    add: async (input) => {
      checkNewHost(input);
      if (await table.lookup(input.id)) throw new HostError('hosts/exists', `host "${input.id}" is already registered (rotate its key with "wheelhouse hosts rotate-key ${input.id}")`);
      const apiKey = newApiKey();
      const record = newHostRecord(input, hashApiKey(apiKey), new Date().toISOString());
      await store.hosts.create(record);
      return { host: view(table.put(record)), api_key: apiKey };
    },

    list: async () => {
      await sync();
      return table.all().map(view);
    },

    get: async (id) => view(await entry(id)),

    detail: async (id, range) => {
      const e = await entry(id);
      const latest = metrics.latest(hostSource(id));
      const charts = await hostCharts(metrics, id, range.since, range.until, range.stepMs);
      return {
        ...view(e),
        latest: latest ? { ...latest.values } : null,
        charts,
        range: { since: new Date(range.since).toISOString(), until: new Date(range.until).toISOString(), step_ms: range.stepMs },
      };
    },

    remove: async (id) => {
      await entry(id);
      progress.forget(id);
      await store.hosts.revokeCertificates(id, new Date().toISOString());
      await store.hosts.remove(id);
      table.delete(id);
      limiter.forget(id);
    },

    rotateKey: async (id) => {
      const e = await entry(id);
      const apiKey = newApiKey();
      const record = { ...e.record, api_key_hash: hashApiKey(apiKey) };
      await store.hosts.update(record);
      table.put(record);
      return { host_id: id, api_key: apiKey };
    },

    sentiment: async () => {
      await sync();
      const services = await store.services.list();
      const now = Date.now();
      return overall(services, table.all().map((e) => ({ id: e.record.id, status: table.statusOf(e, now), last_seen: e.record.last_seen })), now);
    },

    receive: (body, credential, address) => receiveReports(receiveDeps, body, credential, address),

    agentListener: () => listener?.address() ?? null,

    start: async () => {
      await table.load();
      progress.start();
      timer = setInterval(() => table.sweep(), sweepMs);
      timer.unref();
      if (settings.listen) {
        let tls = readServerTls(deps.dataDir);
        if (!tls) {
          // Like the admin token: the first hub start with a TLS listener creates what it needs.
          const { initPki } = await import('../certs/index.js');
          const made = await initPki(deps.dataDir);
          deps.logger.info({ dir: made.dir, names: made.server_names }, 'created the CA and the server certificate for the agents\' listener');
          tls = readServerTls(deps.dataDir)!;
        }
        listener = await startAgentListener({ ...settings.listen, tls, handle: (b, c, a) => receiveReports(receiveDeps, b, c, a), logger: deps.logger });
        deps.logger.info(listener.address(), 'agents\' TLS listener started');
      }
    },

    stop: async () => {
      clearInterval(timer);
      await listener?.close();
      listener = undefined;
      await progress.stop();
    },
  };
}
