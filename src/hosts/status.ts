/** Whether a host is online, stale or offline, from when it last reported and its interval. */

/** A host's state as the hosts view shows it. */
export type HostStatus = 'online' | 'stale' | 'offline';

/**
 * online: the last report is at most `staleAfter` intervals old; stale: up to three times
 * that; offline: older, or never reported.
 */
export function hostStatus(lastSeenMs: number | null, intervalS: number, staleAfter: number, now: number): HostStatus {
  if (lastSeenMs === null) return 'offline';
  const age = now - lastSeenMs;
  const onlineFor = staleAfter * intervalS * 1000;
  if (age <= onlineFor) return 'online';
  return age <= 3 * onlineFor ? 'stale' : 'offline';
}
