/** Colored status words: the same color means the same thing on every page. */

const tone: Record<string, string> = {
  running: 'ok',
  healthy: 'ok',
  online: 'ok',
  active: 'warn',
  resolved: 'ok',
  starting: 'info',
  stopping: 'info',
  restarting: 'info',
  backoff: 'warn',
  pending: 'warn',
  stale: 'warn',
  unknown: 'muted',
  none: 'muted',
  stopped: 'muted',
  expired: 'muted',
  unhealthy: 'bad',
  errored: 'bad',
  failed: 'bad',
  crashed: 'bad',
  offline: 'bad',
  firing: 'bad',
  critical: 'bad',
  warning: 'warn',
  info: 'info',
  DEBUG: 'muted',
  INFO: 'info',
  WARNING: 'warn',
  ERROR: 'bad',
  CRITICAL: 'crit',
};

export function Badge({ value, label }: { value: string; label?: string }) {
  return <span className={`badge badge-${tone[value] ?? 'muted'}`}>{label ?? value}</span>;
}

/** A dot plus a word, for the service status. */
export function StatusDot({ value }: { value: string }) {
  return (
    <span className={`status status-${tone[value] ?? 'muted'}`}>
      <span className="dot" aria-hidden="true" />
      {value}
    </span>
  );
}
