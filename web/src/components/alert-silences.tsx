/**
 * The silences list: active and pending ones (expired ones on request), what each mutes now,
 * and Expire for operators and admins. Created and expired silences arrive on the live feed;
 * one that simply reaches its end publishes nothing, so the state shown also follows the clock.
 */
import { useState } from 'react';
import { api } from '../api';
import { ago, dateTime, duration } from '../format';
import { useCan } from '../session';
import type { Alert, Silence } from '../types';
import { MatcherChips } from './alert-labels';
import { Badge } from './badges';
import { Empty, Guard } from './states';
import { toast } from './toast';
import type { Fetched } from './use-fetch';

/**
 * The silence's state now: the hub's answer may be older than a silence's start or end.
 * Reads the clock itself: a `now` ticking every few seconds may predate a silence just made.
 */
export function silenceState(s: Silence): Silence['state'] {
  const now = Date.now();
  if (s.state === 'expired' || s.expired_at !== null || Date.parse(s.ends_at) <= now) return 'expired';
  return Date.parse(s.starts_at) > now ? 'pending' : 'active';
}

export function SilencesTable({ f, active, showExpired, setShowExpired, now, onChanged }: { f: Fetched<{ silences: Silence[] }>; active: Alert[]; showExpired: boolean; setShowExpired: (v: boolean) => void; now: number; onChanged: () => void }) {
  const can = useCan('operator');
  const [busy, setBusy] = useState<string | null>(null);
  const expire = async (s: Silence) => {
    setBusy(s.id);
    try {
      await api.del(`/api/silences/${encodeURIComponent(s.id)}`);
      toast('ok', `Silence expired: matching alerts notify again`);
      onChanged();
    } catch (err) {
      toast('error', `Could not expire the silence: ${(err as Error).message}`);
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className="silences">
      <div className="toolbar toolbar-inline">
        <label className="check">
          <input type="checkbox" checked={showExpired} onChange={(e) => setShowExpired(e.target.checked)} /> Show expired silences
        </label>
      </div>
      <Guard
        f={f}
        what="the silences"
        empty={(d) =>
          d.silences.length === 0 && (
            <Empty title={showExpired ? 'No silences' : 'No active silences'}>
              {can ? 'Silence an alert from the Active tab, or create one with New silence.' : 'Operators and admins can silence alerts.'}
            </Empty>
          )
        }
      >
        {(d) => (
          <div className="table-wrap">
            <table className="alerts-table" data-testid="silences-table">
              <thead>
                <tr>
                  <th>State</th>
                  <th>Matchers</th>
                  <th>Until</th>
                  <th>Comment</th>
                  <th className="num">Mutes</th>
                  {can && <th />}
                </tr>
              </thead>
              <tbody>
                {d.silences.map((s) => {
                  const state = silenceState(s);
                  const mutes = active.filter((a) => a.silenced_by?.includes(s.id)).length;
                  const ends = Date.parse(s.ends_at);
                  return (
                    <tr key={s.id} id={`silence-${s.id}`} data-silence={s.id} data-state={state} className={`silence-row sil-${state}`}>
                      <td>
                        <Badge value={state} />
                      </td>
                      <td>
                        <MatcherChips matchers={s.matchers} />
                      </td>
                      <td className="nowrap" title={`${dateTime(s.starts_at)} → ${dateTime(s.ends_at)}`}>
                        {state === 'expired' ? (
                          <span className="muted">ended {ago(s.expired_at ?? s.ends_at, now)}</span>
                        ) : (
                          <>
                            {dateTime(s.ends_at)}
                            <div className="muted small">{state === 'pending' ? `starts ${dateTime(s.starts_at)}` : `${duration((ends - now) / 1000)} left`}</div>
                          </>
                        )}
                      </td>
                      <td>
                        {s.comment || <span className="muted">no comment</span>}
                        <div className="muted small">
                          by {s.created_by ?? 'unknown'} · {ago(s.created_at, now)}
                        </div>
                      </td>
                      <td className="num">{state === 'expired' ? '–' : mutes}</td>
                      {can && (
                        <td className="row-actions">
                          {state !== 'expired' && (
                            <button type="button" className="btn btn-small btn-danger" disabled={busy === s.id} onClick={() => void expire(s)} aria-label={`Expire silence ${s.id}`}>
                              {busy === s.id ? 'Expiring…' : 'Expire'}
                            </button>
                          )}
                        </td>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Guard>
    </div>
  );
}
