/**
 * Audit trail (admin): every state-changing request and every refused one, newest first,
 * filtered by actor, action, result and time, paged with "Load more" (keyset: next_before_id).
 */
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api';
import { Empty, ErrorView, Guard } from '../components/states';
import { useFetch } from '../components/use-fetch';
import { ago, dateTime } from '../format';
import { Panel, Pill, type Tone } from './settings-ui';

/** One record of GET /api/audit. */
interface Entry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  result: 'ok' | 'denied' | 'failed';
  status: number | null;
  address: string | null;
  details: Record<string, unknown> | null;
}

interface AuditPage {
  entries: Entry[];
  next_before_id: number | null;
}

interface Filters {
  actor: string;
  action: string;
  since: string;
  result: '' | Entry['result'];
}

const pageSize = 50;
const noFilters: Filters = { actor: '', action: '', since: '7d', result: '' };
const ranges = [
  { value: '1h', label: 'Last hour' },
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: '', label: 'Any time' },
];
const resultTone: Record<Entry['result'], Tone> = { ok: 'ok', denied: 'warn', failed: 'bad' };

export function AuditTab() {
  const [draft, setDraft] = useState<Filters>(noFilters);
  const [applied, setApplied] = useState<Filters>(noFilters);
  const key = JSON.stringify(applied);
  const first = useFetch((signal) => api.get<AuditPage>('/api/audit', { ...applied, limit: pageSize }, signal), [key]);
  // Older pages, appended by "Load more"; dropped whenever the first page is loaded again.
  const [older, setOlder] = useState<AuditPage | null>(null);
  const [moreError, setMoreError] = useState<Error | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  useEffect(() => {
    setOlder(null);
    setMoreError(null);
  }, [first.data]);

  const next = older ? older.next_before_id : (first.data?.next_before_id ?? null);
  const loadMore = async () => {
    if (next === null) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await api.get<AuditPage>('/api/audit', { ...applied, limit: pageSize, before_id: next });
      setOlder((o) => ({ entries: [...(o?.entries ?? []), ...page.entries], next_before_id: page.next_before_id }));
    } catch (err) {
      setMoreError(err as Error);
    } finally {
      setLoadingMore(false);
    }
  };
  const apply = (f: Filters) => {
    setDraft(f);
    setApplied(f);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    apply({ ...draft, actor: draft.actor.trim(), action: draft.action.trim() });
  };
  const filtered = applied.actor !== '' || applied.action !== '' || applied.result !== '';

  return (
    <Panel title="Audit trail" intro="Who did what, and what was refused: every change made through the API, the dashboard or the CLI, and every refused request. Records cannot be edited or deleted.">
      <form className="toolbar audit-filters" onSubmit={submit} role="search" aria-label="Filter the audit trail">
        <label>
          Actor
          <input value={draft.actor} onChange={(e) => setDraft({ ...draft, actor: e.target.value })} placeholder="ada, token:ci, anonymous" spellCheck={false} />
        </label>
        <label>
          Action starts with
          <input value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.target.value })} placeholder="users. or services.start" spellCheck={false} />
        </label>
        <label>
          Result
          <select value={draft.result} onChange={(e) => apply({ ...draft, result: e.target.value as Filters['result'] })}>
            <option value="">Any</option>
            <option value="ok">ok</option>
            <option value="denied">denied</option>
            <option value="failed">failed</option>
          </select>
        </label>
        <label>
          Time
          <select value={draft.since} onChange={(e) => apply({ ...draft, since: e.target.value })}>
            {ranges.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="btn btn-primary">
          Apply
        </button>
        {(filtered || applied.since !== noFilters.since) && (
          <button type="button" className="btn btn-ghost" onClick={() => apply(noFilters)}>
            Clear
          </button>
        )}
        <span className="spacer" />
        <button type="button" className="btn" onClick={first.reload} disabled={first.loading}>
          Refresh
        </button>
      </form>
      <Guard
        f={first}
        what="the audit trail"
        empty={(d) =>
          d.entries.length === 0 && (
            <Empty title={filtered ? 'No records match these filters' : 'No records in this time range'}>
              {filtered ? 'Loosen a filter, or clear them all.' : 'Choose a longer range: records appear as soon as someone changes something or is refused.'}
            </Empty>
          )
        }
      >
        {(d) => {
          const entries = [...d.entries, ...(older?.entries ?? [])];
          return (
            <>
              <AuditTable entries={entries} onActor={(actor) => apply({ ...applied, actor })} />
              <div className="load-more">
                <span className="muted">
                  {entries.length} record{entries.length === 1 ? '' : 's'}
                  {next === null ? ', all shown' : ''}
                </span>
                {next !== null && (
                  <button type="button" className="btn" onClick={() => void loadMore()} disabled={loadingMore}>
                    {loadingMore ? 'Loading…' : 'Load more'}
                  </button>
                )}
              </div>
              {moreError && <ErrorView error={moreError} retry={() => void loadMore()} what="older records" />}
            </>
          );
        }}
      </Guard>
    </Panel>
  );
}

function AuditTable({ entries, onActor }: { entries: Entry[]; onActor: (actor: string) => void }) {
  return (
    <div className="table-wrap">
      <table className="settings-table audit-table" data-testid="audit-table">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Result</th>
            <th scope="col" className="col-optional">From</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} data-action={e.action}>
              <td className="nowrap" title={ago(e.at)}>
                {dateTime(e.at)}
              </td>
              <td>
                <button type="button" className="link-button" onClick={() => onActor(e.actor)} title={`Show only ${e.actor}`}>
                  {e.actor}
                </button>
              </td>
              <td>
                <code>{e.action}</code>
                {e.details && Object.keys(e.details).length > 0 && (
                  <div className="cell-sub mono">
                    {Object.entries(e.details)
                      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
                      .join(' ')}
                  </div>
                )}
              </td>
              <td>{e.target ?? <span className="muted">–</span>}</td>
              <td>
                <Pill tone={resultTone[e.result]}>{e.result}</Pill> {e.status !== null && <span className="muted small">{e.status}</span>}
              </td>
              <td className="muted col-optional">{e.address ?? '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
