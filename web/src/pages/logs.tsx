/**
 * The log viewer. Every filter lives in the URL (service, level or min_level, range with
 * start/end, q, trace_id, user_id, offset, live), so a link from an overview card or a
 * trace id is the view itself. The store may hold millions of entries: the page asks the
 * API for one page of 100 at a time and never more; the live tail prepends new matches over
 * a WebSocket with the same filters, and holds them back while the reader is scrolled down.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'wouter';
import { api, withQuery } from '../api';
import { apiFilter, FilterBar, filterKeys, type Update } from '../components/log-filters';
import { LogList, searchWords } from '../components/log-list';
import { mergeEntries, useLogTail, type TailState } from '../components/log-tail';
import { Empty, Guard } from '../components/states';
import { useFetch } from '../components/use-fetch';
import type { LogEntry, LogPage, ServiceView } from '../types';
import './logs.css';

const pageSize = 100;
/** Most entries kept on screen while tailing: older ones drop off the end. */
const liveCap = 500;

/** The /logs page. */
export function Logs() {
  const [params, setParams] = useSearchParams();
  const key = params.toString();
  const [refreshed, setRefreshed] = useState(0);
  // Resolved once per URL (and per Refresh): "last hour" means the hour before the query ran.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const filter = useMemo(() => apiFilter(params, Date.now()), [key, refreshed]);
  const filterKey = withQuery('', filter);
  const offset = Math.min(1_000_000, Math.max(0, Math.floor(Number(params.get('offset')) || 0)));
  const live = params.get('live') === '1' && offset === 0;

  /** Changes URL parameters (null or '' removes one); any filter change returns to the first page. */
  const update = useCallback(
    (changes: Record<string, string | null>, replace = false) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [k, v] of Object.entries(changes)) {
            if (v === null || v === '') next.delete(k);
            else next.set(k, v);
          }
          if (!('offset' in changes)) next.delete('offset');
          return next;
        },
        { replace },
      );
    },
    [setParams],
  );

  const page = useFetch((signal) => api.get<LogPage>('/api/logs', { ...filter, limit: pageSize, offset }, signal), [filter, offset]);
  const services = useFetch((signal) => api.get<{ services: ServiceView[] }>('/api/services', {}, signal), []);

  // Live tail: new entries go on top, unless the reader has scrolled into the list.
  const [atTop, setAtTop] = useState(true);
  const [held, setHeld] = useState<LogEntry[]>([]);
  const scroller = useRef<HTMLDivElement>(null);
  const sentinel = useRef<HTMLDivElement | null>(null);
  const observer = useRef<IntersectionObserver | null>(null);
  // A marker just above the list: while it is on screen the reader is at the newest entries.
  const sentinelRef = useCallback((el: HTMLDivElement | null) => {
    observer.current?.disconnect();
    observer.current = null;
    sentinel.current = el;
    if (!el) {
      setAtTop(true);
      return;
    }
    observer.current = new IntersectionObserver(([e]) => setAtTop(Boolean(e?.isIntersecting) || (e?.boundingClientRect.top ?? 0) > 0), { rootMargin: '-52px 0px 0px 0px' });
    observer.current.observe(el);
  }, []);
  // Tailed entries stay apart from the fetched page (a refetch must not drop them) and merge for display.
  const [tailed, setTailed] = useState<LogEntry[]>([]);
  const prepend = useCallback((incoming: LogEntry[]) => setTailed((prev) => mergeEntries(incoming, prev, liveCap)), []);
  const shown = useMemo(() => {
    const d = page.data;
    if (!d) return undefined;
    const logs = tailed.length === 0 ? d.logs : mergeEntries(tailed, d.logs, liveCap);
    const seen = new Set(d.logs.map((e) => e.id));
    const added = tailed.filter((e) => !seen.has(e.id)).length;
    return { ...d, logs, total: d.total_capped ? d.total : d.total + added };
  }, [page.data, tailed]);
  const onEntries = (entries: LogEntry[]) => {
    if (atTop) prepend(entries);
    else setHeld((h) => [...entries, ...h].slice(0, liveCap));
  };
  const tail = useLogTail(filter, live, onEntries, page.reload);
  useEffect(() => {
    if (atTop && held.length > 0) {
      prepend(held);
      setHeld([]);
    }
  }, [atTop, held, prepend]);
  useEffect(() => {
    setHeld([]);
    setTailed([]);
  }, [filterKey, live, offset]);
  const showHeld = () => {
    prepend(held);
    setHeld([]);
    if (scroller.current) scroller.current.scrollTop = 0;
    sentinel.current?.scrollIntoView({ block: 'nearest' });
  };
  // A new query or page starts at its newest entry.
  useEffect(() => {
    if (scroller.current) scroller.current.scrollTop = 0;
  }, [filterKey, offset]);

  const words = useMemo(() => searchWords(filter.q), [filter.q]);
  const filtered = filterKeys.some((k) => params.get(k));
  const clear = () => setParams(live ? { live: '1' } : {});

  return (
    <div className="page logs-page">
      <div className="page-head">
        <div>
          <h1>Logs</h1>
          <p className="muted page-sub">Every service's output and every ingested entry, newest first.</p>
        </div>
        <div className="actions">
          <LiveToggle state={tail} on={live} onChange={(on) => update({ live: on ? '1' : null, offset: null })} />
          <a className="btn btn-small" href={withQuery('/api/logs/export', { ...filter, format: 'csv' })} download data-testid="export-csv">
            ⤓ Export CSV
          </a>
          <a className="btn btn-small" href={withQuery('/api/logs/export', { ...filter, format: 'json' })} download data-testid="export-json">
            ⤓ Export JSON
          </a>
        </div>
      </div>

      <FilterBar params={params} update={update} services={services.data?.services ?? []} onClear={clear} filtered={filtered} />

      <section className="panel log-panel" aria-label="Log entries">
        <Guard
          f={{ ...page, data: shown }}
          what="the log entries"
          empty={(d) =>
            d.logs.length === 0 && (
              <NoEntries offset={offset} filtered={filtered} live={live} onClear={clear} onFirst={() => update({ offset: null })} />
            )
          }
        >
          {(d) => (
            <>
              <ResultBar page={d} offset={offset} loading={page.loading} onRefresh={() => setRefreshed((n) => n + 1)} update={update} />
              {held.length > 0 && (
                <button type="button" className="log-held" onClick={showHeld}>
                  ↑ {held.length} new entr{held.length === 1 ? 'y' : 'ies'} while you were reading: show
                </button>
              )}
              <div className={`log-scroll ${page.loading ? 'log-stale' : ''}`} ref={scroller} aria-busy={page.loading}>
                <div ref={sentinelRef} className="log-sentinel" aria-hidden="true" />
                <LogList key={filterKey + offset} entries={d.logs} highlight={words} label="Log entries, newest first" />
              </div>
              <Pager page={d} offset={offset} update={update} bottom />
            </>
          )}
        </Guard>
      </section>
    </div>
  );
}

function LiveToggle({ state, on, onChange }: { state: TailState; on: boolean; onChange: (on: boolean) => void }) {
  const label = !on ? 'Live tail' : state === 'live' ? 'Live: tailing' : state === 'offline' ? 'Live: reconnecting…' : 'Live: connecting…';
  return (
    <button
      type="button"
      className={`btn btn-small live-toggle ${on ? `on tail-${state}` : ''}`}
      aria-pressed={on}
      title={on ? 'Stop following new entries' : 'Show new matching entries as they arrive (from the newest page)'}
      onClick={() => onChange(!on)}
      data-testid="live-toggle"
    >
      <span className="dot" aria-hidden="true" />
      {label}
    </button>
  );
}

function ResultBar({ page, offset, loading, onRefresh, update }: { page: LogPage; offset: number; loading: boolean; onRefresh: () => void; update: Update }) {
  const from = page.logs.length > 0 ? offset + 1 : 0;
  const to = offset + page.logs.length;
  return (
    <div className="log-resultbar">
      <div className="log-summary" aria-live="polite" data-testid="log-summary">
        {loading && <span className="spinner" aria-hidden="true" />}
        <span>
          <b>{from.toLocaleString()}</b>–<b>{to.toLocaleString()}</b> of <b>{page.total.toLocaleString()}{page.total_capped ? '+' : ''}</b> {page.total === 1 ? 'entry' : 'entries'}
        </span>
        {page.total_capped && <span className="muted log-capped">(counting stops at {page.total.toLocaleString()}: narrow the filters for an exact count)</span>}
      </div>
      <div className="actions">
        <button type="button" className="btn btn-small btn-ghost" onClick={onRefresh} title="Run the query again (relative ranges move to now)">
          ↻ Refresh
        </button>
        <Pager page={page} offset={offset} update={update} />
      </div>
    </div>
  );
}

function Pager({ page, offset, update, bottom }: { page: LogPage; offset: number; update: Update; bottom?: boolean }) {
  const hasOlder = page.logs.length >= pageSize && (page.total_capped || offset + pageSize < page.total) && offset + pageSize <= 1_000_000;
  if (bottom && offset === 0 && !hasOlder) return null;
  const go = (o: number) => {
    update({ offset: o > 0 ? String(o) : null });
    if (bottom) document.getElementById('main')?.scrollIntoView({ block: 'start' });
  };
  return (
    <nav className={`pager ${bottom ? 'pager-bottom' : ''}`} aria-label={bottom ? 'Pages (bottom)' : 'Pages'}>
      <button type="button" className="btn btn-small" disabled={offset === 0} onClick={() => go(0)} aria-label="Newest entries" title="Newest entries">
        «
      </button>
      <button type="button" className="btn btn-small" disabled={offset === 0} onClick={() => go(Math.max(0, offset - pageSize))}>
        ‹ Newer
      </button>
      <span className="muted pager-page">Page {Math.floor(offset / pageSize) + 1}</span>
      <button type="button" className="btn btn-small" disabled={!hasOlder} onClick={() => go(offset + pageSize)}>
        Older ›
      </button>
    </nav>
  );
}

function NoEntries({ offset, filtered, live, onClear, onFirst }: { offset: number; filtered: boolean; live: boolean; onClear: () => void; onFirst: () => void }) {
  if (offset > 0) {
    return (
      <Empty title="No entries on this page">
        The matching entries end before this page.{' '}
        <button type="button" className="btn btn-small" onClick={onFirst}>
          Back to the newest entries
        </button>
      </Empty>
    );
  }
  if (filtered) {
    return (
      <Empty title="No log entries match">
        Widen the time range, pick another level or service, or clear the search.
        {live && ' Live tail is on: new matching entries will appear here as they arrive.'}
        <div className="log-empty-actions">
          <button type="button" className="btn btn-small" onClick={onClear}>
            Clear filters
          </button>
        </div>
      </Empty>
    );
  }
  return (
    <Empty title="No log entries yet">
      Services' stdout and stderr land here as they run; applications can also send entries to <code>POST /api/logs/ingest</code>.
      {live && ' Live tail is on: they will appear as they arrive.'}
    </Empty>
  );
}
