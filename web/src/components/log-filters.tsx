/**
 * The log viewer's filters: the URL parameters they live in, what they mean to the query
 * API, and the form that edits them. Selects apply at once; text fields after a pause in
 * typing or on Enter (Escape clears one).
 */
import { useEffect, useRef, useState } from 'react';
import { levels, type ServiceView } from '../types';
import type { TailFilter } from './log-tail';

/** The time ranges offered; ms 0 means no relative start. */
const ranges = [
  { value: '', label: 'Any time', ms: 0 },
  { value: '15m', label: 'Last 15 minutes', ms: 15 * 60_000 },
  { value: '1h', label: 'Last hour', ms: 3_600_000 },
  { value: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { value: 'custom', label: 'Custom…', ms: 0 },
] as const;

/** URL parameters that filter (everything but paging and the tail switch). */
export const filterKeys = ['service', 'level', 'min_level', 'range', 'start', 'end', 'q', 'trace_id', 'user_id'] as const;

/** The query API's filter for the URL's parameters; relative ranges end now. */
export function apiFilter(p: URLSearchParams, now: number): TailFilter {
  const f: TailFilter = {};
  for (const k of ['service', 'level', 'min_level', 'trace_id', 'user_id', 'q'] as const) {
    const v = p.get(k)?.trim();
    if (v) f[k] = v;
  }
  const range = rangeOf(p);
  const rel = ranges.find((r) => r.value === range);
  if (rel && rel.ms > 0) f.start_time = new Date(now - rel.ms).toISOString();
  if (range === 'custom') {
    f.start_time = isoOrUndefined(p.get('start'));
    f.end_time = isoOrUndefined(p.get('end'));
  }
  return f;
}

function rangeOf(p: URLSearchParams): string {
  const r = p.get('range') ?? '';
  if (r === '' && (p.get('start') || p.get('end'))) return 'custom';
  return ranges.some((x) => x.value === r) ? r : '';
}

function isoOrUndefined(v: string | null): string | undefined {
  if (!v) return undefined;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** An ISO time as a datetime-local input value (local time, minutes). */
function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Sets URL parameters; null or '' removes one. */
export type Update = (changes: Record<string, string | null>, replace?: boolean) => void;

/** The filter form; `update` writes the URL, which is the only state. */
export function FilterBar({ params, update, services, onClear, filtered }: { params: URLSearchParams; update: Update; services: ServiceView[]; onClear: () => void; filtered: boolean }) {
  const range = rangeOf(params);
  const service = params.get('service') ?? '';
  const level = params.get('min_level') ? `>=${params.get('min_level')!.toUpperCase()}` : (params.get('level') ?? '').toUpperCase();
  const names = services.map((s) => s.service_name);
  const searchRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // "/" jumps to the search box, as in most log tools.
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || t.closest('input, textarea, select, [contenteditable]')) return;
      e.preventDefault();
      searchRef.current?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <form className="panel log-filters" role="search" aria-label="Filter log entries" onSubmit={(e) => e.preventDefault()}>
      <TextFilter inputRef={searchRef} className="f-search" name="q" label="Search" placeholder="Search messages and context  ( / )" title={'Every word must occur in the message or the context; "in quotes" for an exact phrase. Press / to jump here.'} value={params.get('q') ?? ''} update={update} type="search" />
      <label className="f-service">
        Service
        <select value={service} onChange={(e) => update({ service: e.target.value })}>
          <option value="">All services</option>
          {service && !names.includes(service) && <option value={service}>{service}</option>}
          {services.map((s) => (
            <option key={s.service_name} value={s.service_name}>
              {s.display_name && s.display_name !== s.service_name ? `${s.display_name} (${s.service_name})` : s.service_name}
            </option>
          ))}
        </select>
      </label>
      <label className="f-level">
        Level
        <select
          value={level}
          onChange={(e) => {
            const v = e.target.value;
            update(v.startsWith('>=') ? { min_level: v.slice(2), level: null } : { level: v, min_level: null });
          }}
        >
          <option value="">Any level</option>
          <optgroup label="Exactly">
            {levels.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </optgroup>
          <optgroup label="At least">
            {levels.slice(1).map((l) => (
              <option key={l} value={`>=${l}`}>
                {l} and above
              </option>
            ))}
          </optgroup>
        </select>
      </label>
      <label className="f-range">
        Time range
        <select
          value={range}
          onChange={(e) => {
            const v = e.target.value;
            if (v === 'custom') update({ range: 'custom', start: params.get('start') ?? new Date(Date.now() - 3_600_000).toISOString(), end: params.get('end') });
            else update({ range: v, start: null, end: null });
          }}
        >
          {ranges.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </select>
      </label>
      {range === 'custom' && (
        <>
          <label className="f-start">
            From
            <input type="datetime-local" value={toLocalInput(params.get('start'))} onChange={(e) => update({ range: 'custom', start: e.target.value ? new Date(e.target.value).toISOString() : null })} />
          </label>
          <label className="f-end">
            To <span className="muted">(empty: now)</span>
            <input type="datetime-local" value={toLocalInput(params.get('end'))} onChange={(e) => update({ range: 'custom', end: e.target.value ? new Date(e.target.value).toISOString() : null })} />
          </label>
        </>
      )}
      <TextFilter className="f-trace" name="trace_id" label="Trace id" placeholder="any" value={params.get('trace_id') ?? ''} update={update} mono />
      <TextFilter className="f-user" name="user_id" label="User id" placeholder="any" value={params.get('user_id') ?? ''} update={update} mono />
      <div className="f-clear">
        <button type="button" className="btn btn-small btn-ghost" onClick={onClear} disabled={!filtered}>
          Clear filters
        </button>
      </div>
    </form>
  );
}

/** A text filter that applies itself after a pause in typing, or at once on Enter. */
function TextFilter({ name, label, value, update, placeholder, title, className, type = 'text', mono, inputRef }: { name: string; label: string; value: string; update: Update; placeholder: string; title?: string; className: string; type?: string; mono?: boolean; inputRef?: React.Ref<HTMLInputElement> }) {
  const [text, setText] = useState(value);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // The URL wins when it changes from outside (a trace link, Clear filters, Back).
  useEffect(() => setText(value), [value]);
  useEffect(() => () => clearTimeout(timer.current), []);
  const commit = (v: string) => {
    clearTimeout(timer.current);
    if (v.trim() !== value) update({ [name]: v.trim() }, true);
  };
  return (
    <label className={className}>
      {label}
      <input
        ref={inputRef}
        type={type}
        name={name}
        className={mono ? 'mono' : undefined}
        value={text}
        placeholder={placeholder}
        title={title}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => {
          const v = e.target.value;
          setText(v);
          clearTimeout(timer.current);
          timer.current = setTimeout(() => commit(v), 450);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            commit(text);
          } else if (e.key === 'Escape' && text) {
            e.preventDefault();
            setText('');
            commit('');
          }
        }}
      />
    </label>
  );
}

