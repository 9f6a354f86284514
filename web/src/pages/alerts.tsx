/**
 * Alerts: what is firing and pending now (with labels, value, since when, summary, and the
 * silences muting it), the history of state changes, silences, and the rules in force.
 * Operators and admins silence an alert (matchers prefilled from its labels), create a
 * silence from scratch and expire one; viewers see the same page without those buttons.
 * Live: alert.triggered / alert.resolved refetch the active list. Pending alerts come and go
 * without an event, so the list is also read again every 15 s.
 */
import { useMemo, useState } from 'react';
import { useSearchParams } from 'wouter';
import { api } from '../api';
import { AlertHistory } from '../components/alert-history';
import { alertValue, LabelChips } from '../components/alert-labels';
import { RulesTable, type RuleView } from '../components/alert-rules';
import { SilenceDialog } from '../components/alert-silence';
import { silenceState, SilencesTable } from '../components/alert-silences';
import { Badge } from '../components/badges';
import { Empty, Guard } from '../components/states';
import { toast } from '../components/toast';
import { useFetch, useThrottled } from '../components/use-fetch';
import { useNow } from '../components/use-now';
import { dateTime, duration } from '../format';
import { useLive, useReconnect } from '../live';
import { useCan } from '../session';
import type { Alert, Silence } from '../types';
import './alerts.css';

const tabs = [
  { id: 'active', label: 'Active' },
  { id: 'history', label: 'History' },
  { id: 'silences', label: 'Silences' },
  { id: 'rules', label: 'Rules' },
] as const;
type Tab = (typeof tabs)[number]['id'];

export function Alerts() {
  const [params, setParams] = useSearchParams();
  const tab: Tab = tabs.find((t) => t.id === params.get('tab'))?.id ?? 'active';
  const go = (t: Tab) => setParams(t === 'active' ? {} : { tab: t });
  const can = useCan('operator');

  const active = useFetch((signal) => api.get<{ alerts: Alert[] }>('/api/alerts', {}, signal), []);
  const [showExpired, setShowExpired] = useState(false);
  const silences = useFetch((signal) => api.get<{ silences: Silence[] }>('/api/silences', { expired: showExpired || undefined }, signal), [showExpired]);
  const rules = useFetch((signal) => api.get<{ rules: RuleView[] }>('/api/alerts/rules', {}, signal), []);
  const refresh = useThrottled(active.reload, 500);
  // Pending, firing, cleared and resolved alerts and silences all arrive on the live feed.
  useLive('alert.', refresh);
  const refreshSilences = useThrottled(silences.reload, 500);
  useLive('silence.', () => {
    refresh();
    refreshSilences();
  });
  useReconnect(() => {
    active.reload();
    silences.reload();
  });
  // Re-rendered every 5 s; the clock is read at render (a tick may be 5 s old, and a report or silence 0 s).
  useNow(5_000);
  const now = Date.now();
  const [dialog, setDialog] = useState<{ alert?: Alert } | null>(null);

  const alerts = active.data?.alerts ?? [];
  const firing = alerts.filter((a) => a.state === 'firing').length;
  const pending = alerts.length - firing;
  const silenced = alerts.filter((a) => (a.silenced_by?.length ?? 0) > 0).length;
  const liveSilences = (silences.data?.silences ?? []).filter((s) => silenceState(s) !== 'expired').length;
  const counts: Partial<Record<Tab, number>> = { active: alerts.length, silences: liveSilences, rules: rules.data?.rules.length };
  const byId = useMemo(() => new Map((silences.data?.silences ?? []).map((s) => [s.id, s])), [silences.data]);

  const changed = () => {
    active.reload();
    silences.reload();
  };

  return (
    <div className="page alerts-page">
      <div className="page-head">
        <div>
          <h1>Alerts</h1>
          <p className="muted page-sub">Rules are checked as data arrives; silences mute notifications, not state.</p>
        </div>
        <div className="head-right">
          {active.data && (
            <div className="alert-counts" aria-label="Active alerts">
              <span className={`ac ac-firing ${firing ? 'on' : ''}`}>
                <b>{firing}</b> firing
              </span>
              <span className={`ac ac-pending ${pending ? 'on' : ''}`}>
                <b>{pending}</b> pending
              </span>
              <span className="ac ac-silenced">
                <b>{silenced}</b> silenced
              </span>
            </div>
          )}
          {can && (
            <button type="button" className="btn btn-primary" onClick={() => setDialog({})}>
              New silence
            </button>
          )}
        </div>
      </div>
      <div className="tabs" role="tablist" aria-label="Alert views">
        {tabs.map((t) => (
          <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} className={tab === t.id ? 'active' : ''} onClick={() => go(t.id)}>
            {t.label}
            {counts[t.id] !== undefined && <span className="tab-count">{counts[t.id]}</span>}
          </button>
        ))}
      </div>
      <section className="panel tab-panel" role="tabpanel" aria-label={tabs.find((t) => t.id === tab)!.label}>
        {tab === 'active' && (
          <Guard
            f={active}
            what="the active alerts"
            empty={(d) =>
              d.alerts.length === 0 && (
                <Empty title="All quiet: no alert is firing or pending">
                  Rules are evaluated as metrics, service events, agent reports and logs arrive. See what is checked under <button type="button" className="link-btn" onClick={() => go('rules')}>Rules</button>, and what happened under <button type="button" className="link-btn" onClick={() => go('history')}>History</button>.
                </Empty>
              )
            }
          >
            {(d) => <ActiveTable alerts={d.alerts} silences={byId} now={now} canSilence={can} onSilence={(a) => setDialog({ alert: a })} onShowSilences={() => go('silences')} />}
          </Guard>
        )}
        {tab === 'history' && <AlertHistory rules={(rules.data?.rules ?? []).map((r) => r.name)} />}
        {tab === 'silences' && <SilencesTable f={silences} active={alerts} showExpired={showExpired} setShowExpired={setShowExpired} now={now} onChanged={changed} />}
        {tab === 'rules' && <RulesTable />}
      </section>
      {dialog && (
        <SilenceDialog
          alert={dialog.alert}
          active={alerts}
          onClose={() => setDialog(null)}
          onCreated={(s) => {
            toast('ok', `Silenced until ${dateTime(s.ends_at)}`);
            changed();
          }}
        />
      )}
    </div>
  );
}

function ActiveTable({ alerts, silences, now, canSilence, onSilence, onShowSilences }: { alerts: Alert[]; silences: Map<string, Silence>; now: number; canSilence: boolean; onSilence: (a: Alert) => void; onShowSilences: () => void }) {
  return (
    <div className="table-wrap">
      <table className="alerts-table" data-testid="active-alerts">
        <thead>
          <tr>
            <th>State</th>
            <th>Alert</th>
            <th className="col-opt">Labels</th>
            <th className="num col-opt">Value</th>
            <th className="col-opt">Since</th>
            {canSilence && <th />}
          </tr>
        </thead>
        <tbody>
          {alerts.map((a) => {
            const since = a.state === 'firing' && a.fired_at ? a.fired_at : a.started_at;
            const muted = a.silenced_by ?? [];
            return (
              <tr key={a.fingerprint} className={`alert-row sev-${a.severity} st-${a.state}`} data-alert={a.rule} data-fingerprint={a.fingerprint} data-state={a.state} data-silenced={muted.length > 0}>
                <td>
                  <div className="state-cell">
                    <Badge value={a.state} />
                    {muted.length > 0 && (
                      <button type="button" className="silenced-tag" title={muted.map((id) => describe(id, silences)).join('\n')} onClick={onShowSilences}>
                        silenced
                      </button>
                    )}
                  </div>
                </td>
                <td className="alert-main">
                  <div>
                    <b className="alert-rule">{a.rule}</b> <Badge value={a.severity} />
                  </div>
                  {a.annotations.summary && <div className="alert-summary">{a.annotations.summary}</div>}
                  {a.annotations.description && <div className="muted small">{a.annotations.description}</div>}
                  <div className="only-narrow">
                    <LabelChips labels={a.labels} />{' '}
                    <span className="muted small">
                      value {alertValue(a.value)}, {a.state} for {duration((now - Date.parse(since)) / 1000)}
                    </span>
                  </div>
                  {muted.length > 0 && <div className="muted small silenced-by">Silenced by {muted.map((id) => describe(id, silences)).join('; ')}</div>}
                </td>
                <td className="col-opt">
                  <LabelChips labels={a.labels} />
                </td>
                <td className="num col-opt">{alertValue(a.value)}</td>
                <td className="nowrap col-opt" title={`started ${dateTime(a.started_at)}${a.fired_at ? `, fired ${dateTime(a.fired_at)}` : ''}`}>
                  {dateTime(since).slice(11)}
                  <div className="muted small">
                    {a.state === 'firing' ? 'firing' : 'pending'} for {duration((now - Date.parse(since)) / 1000)}
                  </div>
                </td>
                {canSilence && (
                  <td className="row-actions">
                    <button type="button" className="btn btn-small" onClick={() => onSilence(a)} aria-label={`Silence ${a.rule} ${Object.entries(a.labels).filter(([k]) => k !== 'alertname' && k !== 'severity').map(([k, v]) => `${k}=${v}`).join(' ')}`.trim()}>
                      Silence…
                    </button>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** A silence id as people read it: who, why, until when (a maintenance window by its name). */
function describe(id: string, silences: Map<string, Silence>): string {
  if (id.startsWith('maintenance:')) return `maintenance window ${id.slice(12)}`;
  const s = silences.get(id);
  if (!s) return `silence ${id}`;
  return `${s.created_by ?? 'someone'}${s.comment ? ` (“${s.comment}”)` : ''} until ${dateTime(s.ends_at)}`;
}
