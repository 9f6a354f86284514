/**
 * The live feed: one WebSocket to /api/stream for the whole app, shared by every page.
 * Pages subscribe to topics; the feed reconnects with backoff and tells subscribers when
 * it is back, so they can refetch what they may have missed while it was away.
 */
import { useEffect, useRef, useSyncExternalStore } from 'react';

export type LiveEvent = { topic: string; payload: Record<string, unknown> };
type Handler = (event: LiveEvent) => void;
export type LiveState = 'connecting' | 'live' | 'offline';

const handlers = new Set<{ prefix: string; fn: Handler }>();
const reconnectHandlers = new Set<() => void>();
const stateListeners = new Set<() => void>();
let socket: WebSocket | null = null;
let state: LiveState = 'connecting';
let retryMs = 500;
let timer: ReturnType<typeof setTimeout> | undefined;
let wanted = false;
let everConnected = false;

function setState(next: LiveState): void {
  state = next;
  stateListeners.forEach((l) => l());
}

function connect(): void {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/stream`;
  const ws = new WebSocket(url);
  socket = ws;
  setState('connecting');
  ws.onmessage = (m) => {
    let msg: { type: string; topic?: string; payload?: Record<string, unknown> };
    try {
      msg = JSON.parse(String(m.data));
    } catch {
      return;
    }
    if (msg.type === 'ready') {
      retryMs = 500;
      setState('live');
      if (everConnected) reconnectHandlers.forEach((h) => h());
      everConnected = true;
      return;
    }
    if (msg.type !== 'event' || !msg.topic) return;
    const event = { topic: msg.topic, payload: msg.payload ?? {} };
    for (const h of handlers) if (event.topic.startsWith(h.prefix)) h.fn(event);
  };
  ws.onclose = () => {
    if (socket !== ws) return;
    socket = null;
    if (!wanted) return;
    setState('offline');
    timer = setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 10_000);
  };
}

/** Opens the feed (after sign-in). */
export function startLive(): void {
  if (wanted) return;
  wanted = true;
  connect();
}

/** Closes the feed (on sign-out). */
export function stopLive(): void {
  wanted = false;
  everConnected = false;
  clearTimeout(timer);
  socket?.close();
  socket = null;
}

/** Calls `fn` for every event whose topic starts with `prefix` (e.g. "service.") while mounted. */
export function useLive(prefix: string, fn: Handler): void {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    const entry = { prefix, fn: (e: LiveEvent) => ref.current(e) };
    handlers.add(entry);
    return () => void handlers.delete(entry);
  }, [prefix]);
}

/** Calls `fn` after the feed comes back from an outage (events may have been missed). */
export function useReconnect(fn: () => void): void {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    const h = () => ref.current();
    reconnectHandlers.add(h);
    return () => void reconnectHandlers.delete(h);
  }, []);
}

/** The feed's connection state, for the header's indicator. */
export function useLiveState(): LiveState {
  return useSyncExternalStore(
    (l) => {
      stateListeners.add(l);
      return () => void stateListeners.delete(l);
    },
    () => state,
  );
}
