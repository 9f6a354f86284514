/** Start, Stop and Restart for one service: shown to operators and admins only. */
import { useState } from 'react';
import { api } from '../api';
import { useCan } from '../session';
import { toast } from './toast';

type Action = 'start' | 'stop' | 'restart';

export function ServiceActions({ name, status }: { name: string; status: string }) {
  const can = useCan('operator');
  const [busy, setBusy] = useState<Action | null>(null);
  if (!can) return null;
  const act = async (action: Action) => {
    setBusy(action);
    try {
      await api.post(`/api/services/${encodeURIComponent(name)}/${action}`, {});
      toast('ok', `${name}: ${action === 'stop' ? 'stopped' : action === 'start' ? 'started' : 'restarted'}`);
    } catch (err) {
      toast('error', `${name}: ${action} failed: ${(err as Error).message}`);
    } finally {
      setBusy(null);
    }
  };
  const running = status === 'running' || status === 'starting' || status === 'backoff';
  return (
    <div className="actions">
      <button type="button" className="btn btn-small" disabled={busy !== null || running} onClick={() => void act('start')} aria-label={`Start ${name}`}>
        {busy === 'start' ? 'Starting…' : 'Start'}
      </button>
      <button type="button" className="btn btn-small" disabled={busy !== null || status === 'stopped'} onClick={() => void act('stop')} aria-label={`Stop ${name}`}>
        {busy === 'stop' ? 'Stopping…' : 'Stop'}
      </button>
      <button type="button" className="btn btn-small" disabled={busy !== null} onClick={() => void act('restart')} aria-label={`Restart ${name}`}>
        {busy === 'restart' ? 'Restarting…' : 'Restart'}
      </button>
    </div>
  );
}
