/**
 * The live tail of the log store: a WebSocket to /api/logs/stream with the same filters as
 * the query API. The hub sends {"type":"ready"} once, then {"type":"entries","entries":[…]}
 * for every committed batch that matches. The socket reconnects with backoff. `onReady` runs
 * each time the stream is ready (first connect and every reconnect), so the caller can
 * refetch what was appended before the stream started or while it was away.
 */
import { useEffect, useRef, useState } from 'react';
import { withQuery } from '../api';
import type { LogEntry } from '../types';

/** Where the tail stands: off (not wanted), connecting, live, or offline (retrying). */
export type TailState = 'off' | 'connecting' | 'live' | 'offline';

/** Filters of the stream: the query API's names (service, level, min_level, start_time, end_time, trace_id, user_id, q). */
export type TailFilter = Record<string, string | undefined>;

/**
 * While `enabled`, calls `onEntries` with each batch of new matching entries (newest first).
 * A change of `filter` opens a new socket.
 */
export function useLogTail(filter: TailFilter, enabled: boolean, onEntries: (entries: LogEntry[]) => void, onReady?: () => void): TailState {
  const [state, setState] = useState<TailState>(enabled ? 'connecting' : 'off');
  const entriesRef = useRef(onEntries);
  entriesRef.current = onEntries;
  const readyRef = useRef(onReady);
  readyRef.current = onReady;
  const path = withQuery('/api/logs/stream', filter);

  useEffect(() => {
    if (!enabled) {
      setState('off');
      return;
    }
    let ws: WebSocket | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let retryMs = 500;
    let closed = false;
    const connect = () => {
      const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`);
      ws = socket;
      setState('connecting');
      socket.onmessage = (m) => {
        let msg: { type?: string; entries?: LogEntry[] };
        try {
          msg = JSON.parse(String(m.data));
        } catch {
          return;
        }
        if (msg.type === 'ready') {
          retryMs = 500;
          setState('live');
          readyRef.current?.();
        } else if (msg.type === 'entries' && msg.entries && msg.entries.length > 0) {
          entriesRef.current([...msg.entries].sort((a, b) => b.id - a.id));
        }
      };
      socket.onclose = () => {
        if (closed || ws !== socket) return;
        setState('offline');
        timer = setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, 10_000);
      };
    };
    connect();
    return () => {
      closed = true;
      clearTimeout(timer);
      ws?.close();
    };
  }, [path, enabled]);
  return enabled ? state : 'off';
}

/**
 * Entries of both lists, newest first (by id, the order the store committed them), without
 * duplicates, at most `cap`. Tailed entries are kept apart from the fetched page and merged
 * for display, so a refetch that answers after a tailed entry arrived cannot drop it.
 */
export function mergeEntries(a: readonly LogEntry[], b: readonly LogEntry[], cap: number): LogEntry[] {
  const byId = new Map<number, LogEntry>();
  for (const e of a) byId.set(e.id, e);
  for (const e of b) if (!byId.has(e.id)) byId.set(e.id, e);
  return [...byId.values()].sort((x, y) => y.id - x.id).slice(0, cap);
}
