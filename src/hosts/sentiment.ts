/**
 * GET /api/hosts/sentiment/overall (seed 003): one word for the whole system, plus the state
 * of every service (from the store's service state) and every host (from its reports).
 * healthy: everything fine; degraded: a host stale, or a service starting or backing off;
 * unhealthy: a host offline, or a service that should run but is down or failing its probe.
 */
import type { ServiceRecord } from '../core/types.js';
import type { HostStatus } from './status.js';

/** One word per thing, seed style. */
export type Sentiment = 'healthy' | 'degraded' | 'unhealthy';

/** A service in the sentiment answer. */
export interface ServiceSentiment {
  name: string;
  status: Sentiment | 'stopped';
  state: string;
  health: string;
  lastCheck: string | null;
  message: string | null;
  metrics: { cpu_percent: number | null; memory_mb: number | null };
}

/** A host in the sentiment answer. */
export interface HostSentiment {
  name: string;
  status: Sentiment;
  state: HostStatus;
  lastSeen: string | null;
}

/** The whole answer. */
export interface OverallSentiment {
  status: Sentiment;
  timestamp: string;
  services: ServiceSentiment[];
  hosts: HostSentiment[];
}

/** How one service feels. */
export function serviceSentiment(s: ServiceRecord): ServiceSentiment {
  let status: ServiceSentiment['status'];
  if (s.status === 'running') status = s.health === 'unhealthy' ? 'unhealthy' : 'healthy';
  else if (s.desired !== 'running') status = 'stopped';
  else status = s.status === 'starting' || s.status === 'backoff' ? 'degraded' : 'unhealthy';
  return {
    name: s.name,
    status,
    state: s.status,
    health: s.health,
    lastCheck: s.last_checked,
    message: s.status === 'running' ? s.health_message : s.reason,
    metrics: { cpu_percent: s.cpu_percent, memory_mb: s.memory_mb },
  };
}

const hostFeeling: Record<HostStatus, Sentiment> = { online: 'healthy', stale: 'degraded', offline: 'unhealthy' };

/** The overall answer from its parts. */
export function overall(services: ServiceRecord[], hosts: { id: string; status: HostStatus; last_seen: string | null }[], now = Date.now()): OverallSentiment {
  const svc = services.map(serviceSentiment);
  const hs = hosts.map((h) => ({ name: h.id, status: hostFeeling[h.status], state: h.status, lastSeen: h.last_seen }));
  const words = [...svc.map((s) => s.status), ...hs.map((h) => h.status)];
  const status: Sentiment = words.includes('unhealthy') ? 'unhealthy' : words.includes('degraded') ? 'degraded' : 'healthy';
  return { status, timestamp: new Date(now).toISOString(), services: svc, hosts: hs };
}
