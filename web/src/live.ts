/**
 * The live feed: one WebSocket to /api/stream for the whole app, shared by every page.
 * Pages subscribe to topics; the feed reconnects (socket.ts) and tells subscribers when
 * it is back, so they can refetch what they may have missed while it was away.
 */
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { openSocket, type SocketState } from './socket';

export type LiveEvent = { topic: string; payload: Record<string, unknown> };
type Handler = (event: LiveEvent) => void;
export type LiveState = SocketState;

const handlers = new Set<{ prefix: string; fn: Handler }>();
const reconnectHandlers = new Set<() => void>();
const stateListeners = new Set<() => void>();
let state: LiveState = 'connecting';
let close: (() => void) | null = null;
let everConnected = false;

function setState(next: LiveState): void {
  state = next;
  stateListeners.forEach((l) => l());
}

/** Opens the feed (after sign-in). */
export function startLive(): void {
  if (close) return;
  close = openSocket('/api/stream', {
    onState: setState,
    onReady: () => {
      if (everConnected) reconnectHandlers.forEach((h) => h());
      everConnected = true;
    },
    onMessage: (msg) => {
      if (msg.type !== 'event' || typeof msg.topic !== 'string') return;
      const event = { topic: msg.topic, payload: (msg.payload as Record<string, unknown> | undefined) ?? {} };
      for (const h of handlers) if (event.topic.startsWith(h.prefix)) h.fn(event);
    },
  });
}

/** Closes the feed (on sign-out). */
export function stopLive(): void {
  close?.();
  close = null;
  everConnected = false;
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
