/**
 * Hosts and their agents: registration (API keys, hashed at rest), client certificates
 * (mTLS, CN = host id), authentication of reports, online/stale/offline status, the overall
 * "sentiment", and the mutual-TLS listener agents report to.
 *
 * STUB — the implementation is being written (createHostRegistry).
 */
import type { Logger } from 'pino';
import type { AgentSettings } from '../core/config/index.js';
import type { EventBus } from '../core/events.js';
import type { MetricsService } from '../metrics/index.js';
import type { Store } from '../store/index.js';

/** The hosts module's interface (grows with the implementation). */
export interface HostRegistry {
  /** Report interval of a host in seconds, if known. */
  intervalOf(hostId: string): number | undefined;
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

/** Builds the registry (not started). */
export function createHostRegistry(deps: HostDeps): HostRegistry {
  void deps;
  return { intervalOf: () => undefined, start: async () => {}, stop: async () => {} };
}
