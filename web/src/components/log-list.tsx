/**
 * Log entries as a list of expandable rows, shared by the log viewer and the service page.
 * A row is a button (Enter or Space toggles its details; arrow keys move between rows);
 * its trace id sits beside it as a link that filters the log viewer by that trace. Rows
 * are memoized and skipped by layout while off screen (CSS content-visibility), so a
 * prepended live entry costs one row, not the whole list.
 */
import { memo, useCallback, useMemo, useState, type KeyboardEvent, type ReactNode } from 'react';
import { Link } from 'wouter';
import { withQuery } from '../api';
import { clock, dateTime } from '../format';
import type { LogEntry } from '../types';
import { toast } from './toast';
import '../pages/logs.css';

/** Words of a full-text query, as the hub matches them (letters and digits, case-insensitive). */
export function searchWords(q: string | null | undefined): string[] {
  return q ? (q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) : [];
}

/** Link to the log viewer filtered by one trace. */
export function traceHref(traceId: string): string {
  return withQuery('/logs', { trace_id: traceId });
}

/**
 * The entries, newest first. `showService` adds the service column (the log viewer);
 * `highlight` marks the words of the current search in messages.
 */
export function LogList({ entries, showService = true, highlight = [], label }: { entries: LogEntry[]; showService?: boolean; highlight?: string[]; label: string }) {
  const [open, setOpen] = useState<ReadonlySet<number>>(() => new Set());
  const toggle = useCallback((id: number) => {
    setOpen((prev) => {
      const next = new Set(prev);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  }, []);
  const pattern = useMemo(() => (highlight.length > 0 ? new RegExp(`(${highlight.map(escapeRegExp).join('|')})`, 'giu') : null), [highlight]);
  const today = new Date().toDateString();
  return (
    <ul className={`log-list ${showService ? '' : 'log-list-nosvc'}`} aria-label={label} onKeyDown={moveFocus} data-testid="log-list">
      {entries.map((e) => (
        <LogItem key={e.id} e={e} open={open.has(e.id)} onToggle={toggle} showService={showService} pattern={pattern} today={today} />
      ))}
    </ul>
  );
}

/** Arrow keys move between rows; Home and End jump to the first and last. */
function moveFocus(ev: KeyboardEvent<HTMLUListElement>): void {
  const target = ev.target as HTMLElement;
  if (!target.classList.contains('log-row')) return;
  const rows = Array.from(ev.currentTarget.querySelectorAll<HTMLButtonElement>('.log-row'));
  const i = rows.indexOf(target as HTMLButtonElement);
  const next = ev.key === 'ArrowDown' ? rows[i + 1] : ev.key === 'ArrowUp' ? rows[i - 1] : ev.key === 'Home' ? rows[0] : ev.key === 'End' ? rows[rows.length - 1] : undefined;
  if (!next) return;
  ev.preventDefault();
  next.focus();
}

const LogItem = memo(function LogItem({ e, open, onToggle, showService, pattern, today }: { e: LogEntry; open: boolean; onToggle: (id: number) => void; showService: boolean; pattern: RegExp | null; today: string }) {
  const d = new Date(e.timestamp);
  const sameDay = d.toDateString() === today;
  const full = clock(e.timestamp);
  const detailId = `log-detail-${e.id}`;
  return (
    <li className={`log-item lv-${e.level} ${open ? 'open' : ''}`} data-log-id={e.id} data-level={e.level}>
      <div className="log-line">
        <button type="button" className="log-row" aria-expanded={open} aria-controls={open ? detailId : undefined} onClick={() => onToggle(e.id)}>
          <time className="ts" dateTime={e.timestamp} title={dateTime(e.timestamp)}>
            {sameDay ? full.slice(0, 8) : dateTime(e.timestamp).slice(5, 16)}
            {sameDay && <span className="ts-ms">{full.slice(8)}</span>}
          </time>
          <span className="lv">
            <span className="lv-long">{e.level}</span>
            <span className="lv-short" aria-hidden="true">
              {shortLevel[e.level]}
            </span>
          </span>
          {showService && (
            <span className="svc" title={e.service_name}>
              {e.service_name}
            </span>
          )}
          <span className="msg">
            <span className="msg-text">{mark(e.message, pattern)}</span>
            {e.context && !open && <span className="log-has-ctx" title="Has context: expand to see it">{'{…}'}</span>}
          </span>
        </button>
        {e.trace_id && (
          <Link className="log-trace" href={traceHref(e.trace_id)} title={`Show only trace ${e.trace_id}`} aria-label={`Show only trace ${e.trace_id}`}>
            <svg width="11" height="11" viewBox="0 0 16 16" aria-hidden="true">
              <path d="M6.5 9.5l3-3M7 4.5l1.2-1.2a2.8 2.8 0 0 1 4 4L11 8.5M9 11.5l-1.2 1.2a2.8 2.8 0 0 1-4-4L5 7.5" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
            </svg>
            {shortTrace(e.trace_id)}
          </Link>
        )}
      </div>
      {open && <LogDetail e={e} id={detailId} />}
    </li>
  );
});

/** Everything about one entry: where it came from, its ids (as filters) and its context. */
export function LogDetail({ e, id }: { e: LogEntry; id?: string }) {
  const copy = () => {
    navigator.clipboard?.writeText(JSON.stringify(e, null, 2)).then(
      () => toast('ok', `Entry ${e.id} copied as JSON`),
      () => toast('error', 'Could not copy: the browser refused clipboard access'),
    );
  };
  const fields: [string, ReactNode][] = [
    ['Time', <span title={e.timestamp}>{dateTime(e.timestamp)}.{String(new Date(e.timestamp).getMilliseconds()).padStart(3, '0')}</span>],
    ['Service', <Link href={`/services/${encodeURIComponent(e.service_name)}`}>{e.service_name}</Link>],
    ['Level', e.level],
    ['Trace id', e.trace_id ? <Link href={traceHref(e.trace_id)}>{e.trace_id}</Link> : null],
    ['User id', e.user_id ? <Link href={withQuery('/logs', { user_id: e.user_id })}>{e.user_id}</Link> : null],
    ['Host', e.hostname],
    ['PID', e.process_id],
    ['Source', e.source],
    ['Entry', `#${e.id}`],
  ];
  return (
    <div className="log-detail" id={id} data-testid="log-detail">
      <div className="log-detail-msg">{e.message}</div>
      <dl className="log-kv">
        {fields.map(([k, v]) => (
          <div key={k} className="log-kv-item">
            <dt>{k}</dt>
            <dd>{v === null || v === undefined || v === '' ? <span className="muted">–</span> : v}</dd>
          </div>
        ))}
      </dl>
      {e.context && Object.keys(e.context).length > 0 ? (
        <>
          <div className="log-ctx-head">Context</div>
          <pre className="log-ctx" data-testid="log-context">
            {JSON.stringify(e.context, null, 2)}
          </pre>
        </>
      ) : (
        <div className="muted">No context.</div>
      )}
      <div className="log-detail-actions">
        <button type="button" className="btn btn-small" onClick={copy}>
          Copy as JSON
        </button>
      </div>
    </div>
  );
}

const shortLevel: Record<string, string> = { DEBUG: 'DBG', INFO: 'INF', WARNING: 'WRN', ERROR: 'ERR', CRITICAL: 'CRT' };

function shortTrace(t: string): string {
  return t.length > 10 ? `${t.slice(0, 8)}…` : t;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `text` with the search words marked. */
function mark(text: string, pattern: RegExp | null): ReactNode {
  if (!pattern) return text;
  const parts = text.split(pattern);
  if (parts.length === 1) return text;
  // split() with one capture group puts the matches at the odd indexes.
  return parts.map((p, i) => (i % 2 === 1 ? <mark key={i}>{p}</mark> : p));
}
