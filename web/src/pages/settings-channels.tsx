/**
 * Notification channels: where alerts go, whether the last attempt got through, a test send
 * (admin), and the delivery log. Channels come from wheelhouse.yaml; secrets arrive masked.
 */
import { useState } from 'react';
import { api } from '../api';
import { Empty, Guard } from '../components/states';
import { toast } from '../components/toast';
import { useFetch, useThrottled } from '../components/use-fetch';
import { ago, dateTime } from '../format';
import { useLive, useReconnect } from '../live';
import { useCan } from '../session';
import { Panel, Pill, type Tone } from './settings-ui';

/** One channel as GET /api/channels answers it. */
interface Channel {
  name: string;
  type: 'webhook' | 'slack' | 'discord' | 'email' | 'telegram';
  target: string;
  queued: number;
  dropped: number;
}

/** One attempt to send, from GET /api/deliveries. */
interface Delivery {
  id?: number;
  channel: string;
  alerts: string[];
  kind: 'firing' | 'resolved' | 'test';
  status: 'sent' | 'failed' | 'retrying';
  attempt: number;
  error: string | null;
  at: string;
}

interface TestResult {
  channel: string;
  ok: boolean;
  error: string | null;
  ms: number;
}

const statusTone: Record<Delivery['status'], Tone> = { sent: 'ok', failed: 'bad', retrying: 'warn' };
const typeLabel: Record<Channel['type'], string> = { webhook: 'Webhook', slack: 'Slack', discord: 'Discord', email: 'E-mail', telegram: 'Telegram' };

export function ChannelsTab() {
  const admin = useCan('admin');
  const channels = useFetch((signal) => api.get<{ channels: Channel[] }>('/api/channels', {}, signal), []);
  const [filter, setFilter] = useState('');
  const deliveries = useFetch((signal) => api.get<{ deliveries: Delivery[] }>('/api/deliveries', { channel: filter, limit: 50 }, signal), [filter]);
  // The latest attempt per channel (any kind), for the channel's state: read from an unfiltered log.
  const latest = useFetch((signal) => api.get<{ deliveries: Delivery[] }>('/api/deliveries', { limit: 200 }, signal), []);
  const reloadLog = () => {
    deliveries.reload();
    latest.reload();
    channels.reload();
  };
  // Alerts changing state are what send notifications: look again shortly after.
  const refresh = useThrottled(reloadLog, 2000);
  useLive('alert.', refresh);
  useReconnect(reloadLog);
  const last = new Map<string, Delivery>();
  for (const d of latest.data?.deliveries ?? []) if (!last.has(d.channel)) last.set(d.channel, d);

  return (
    <div className="settings-stack">
      <Panel
        title="Notification channels"
        intro={
          <>
            Where alert notifications go. Channels are set in <code>wheelhouse.yaml</code> under <code>alerts.channels</code>; secrets in their addresses are masked here.
          </>
        }
      >
        <Guard
          f={channels}
          what="the channels"
          empty={(d) =>
            d.channels.length === 0 && (
              <Empty title="No notification channels">
                Alerts show on the dashboard but go nowhere else. Add a webhook, Slack, Discord, e-mail or Telegram channel under <code>alerts.channels</code> in <code>wheelhouse.yaml</code>, then restart
                the hub.
              </Empty>
            )
          }
        >
          {(d) => (
            <div className="channel-grid" data-testid="channels">
              {d.channels.map((c) => (
                <ChannelCard key={c.name} c={c} last={last.get(c.name)} canTest={admin} onTested={reloadLog} />
              ))}
            </div>
          )}
        </Guard>
      </Panel>
      <Panel
        title="Recent deliveries"
        intro="Every attempt to send a notification, newest first."
        actions={
          <>
            <label className="inline-label">
              Channel
              <select value={filter} onChange={(e) => setFilter(e.target.value)}>
                <option value="">All channels</option>
                {channels.data?.channels.map((c) => (
                  <option key={c.name} value={c.name}>
                    {c.name}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" className="btn" onClick={reloadLog} disabled={deliveries.loading}>
              Refresh
            </button>
          </>
        }
      >
        <Guard
          f={deliveries}
          what="the delivery log"
          empty={(d) =>
            d.deliveries.length === 0 && (
              <Empty title={filter ? `Nothing sent to ${filter} yet` : 'Nothing sent yet'}>
                {admin ? 'Send a test to check that a channel works.' : 'Notifications appear here when alerts fire or resolve.'}
              </Empty>
            )
          }
        >
          {(d) => <DeliveryTable deliveries={d.deliveries} />}
        </Guard>
      </Panel>
    </div>
  );
}

function ChannelCard({ c, last, canTest, onTested }: { c: Channel; last: Delivery | undefined; canTest: boolean; onTested: () => void }) {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<TestResult | null>(null);
  const test = async () => {
    setBusy(true);
    try {
      const r = await api.post<TestResult>(`/api/channels/${encodeURIComponent(c.name)}/test`);
      setResult(r);
      if (r.ok) toast('ok', `Test sent to ${c.name} (${r.ms} ms)`);
      else toast('error', `Test to ${c.name} failed: ${r.error ?? 'no reason given'}`);
      onTested();
    } catch (err) {
      toast('error', `Test to ${c.name} failed: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  const state: { tone: Tone; label: string } = !last
    ? { tone: 'muted', label: 'nothing sent yet' }
    : { tone: statusTone[last.status], label: last.status === 'sent' ? 'delivering' : last.status === 'failed' ? 'failing' : 'retrying' };
  return (
    <article className="channel-card" data-channel={c.name} aria-labelledby={`ch-${c.name}`}>
      <header className="card-head">
        <h3 id={`ch-${c.name}`} className="channel-name">
          {c.name}
        </h3>
        <Pill tone="info">{typeLabel[c.type] ?? c.type}</Pill>
      </header>
      <code className="channel-target" title="Secrets are masked">
        {c.target}
      </code>
      <dl className="channel-facts">
        <div>
          <dt>State</dt>
          <dd>
            <Pill tone={state.tone} title={last?.error ?? undefined}>
              {state.label}
            </Pill>
          </dd>
        </div>
        <div>
          <dt>Last attempt</dt>
          <dd title={last ? dateTime(last.at) : undefined}>{last ? ago(last.at) : '–'}</dd>
        </div>
        <div>
          <dt>Queued</dt>
          <dd>{c.queued}</dd>
        </div>
        <div>
          <dt>Dropped</dt>
          <dd className={c.dropped > 0 ? 'text-bad' : undefined}>{c.dropped}</dd>
        </div>
      </dl>
      {last?.status === 'failed' && last.error && <p className="channel-error">{last.error}</p>}
      {canTest && (
        <footer className="card-foot">
          <span className="muted small" aria-live="polite">
            {result ? (result.ok ? `Test delivered in ${result.ms} ms` : 'Test failed') : 'Sends a clearly marked test message'}
          </span>
          <button type="button" className="btn btn-small" onClick={() => void test()} disabled={busy} aria-label={`Send test to ${c.name}`}>
            {busy ? 'Sending…' : 'Send test'}
          </button>
        </footer>
      )}
    </article>
  );
}

function DeliveryTable({ deliveries }: { deliveries: Delivery[] }) {
  return (
    <div className="table-wrap">
      <table className="settings-table" data-testid="deliveries">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Channel</th>
            <th scope="col">Kind</th>
            <th scope="col">Result</th>
            <th scope="col" className="col-optional">Attempt</th>
            <th scope="col" className="col-optional">Alerts</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((d, i) => (
            <tr key={d.id ?? `${d.at}-${i}`} data-delivery-channel={d.channel}>
              <td className="nowrap" title={ago(d.at)}>
                {dateTime(d.at)}
              </td>
              <td>{d.channel}</td>
              <td>{d.kind === 'test' ? <Pill tone="muted">test</Pill> : <Pill tone={d.kind === 'firing' ? 'bad' : 'ok'}>{d.kind}</Pill>}</td>
              <td>
                <Pill tone={statusTone[d.status]}>{d.status}</Pill>
              </td>
              <td className="col-optional">{d.attempt === 0 ? <span className="muted">dropped</span> : d.attempt}</td>
              <td className="col-optional">{d.alerts.length || <span className="muted">–</span>}</td>
              <td className="cell-error">{d.error ?? <span className="muted">–</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
