/**
 * The live tail of the log store: a WebSocket to /api/logs/stream with the same filters as
 * the query API. The hub sends {"type":"ready"} once, then {"type":"entries","entries":[…]}
 * for every committed batch that matches. The socket reconnects (socket.ts). `onReady` runs
 * each time the stream is ready (first connect and every reconnect), so the caller can
 * refetch what was appended before the stream started or while it was away.
 */
import { useEffect, useRef, useState } from 'react';
import { withQuery } from '../api';
import { openSocket } from '../socket';
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
    return openSocket(path, {
      onState: setState,
      onReady: () => readyRef.current?.(),
      onMessage: (msg) => {
        const entries = msg.entries as LogEntry[] | undefined;
        if (msg.type === 'entries' && entries && entries.length > 0) entriesRef.current([...entries].sort((a, b) => b.id - a.id));
      },
    });
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
