/**
 * A same-origin WebSocket that speaks JSON and comes back: after a close it reconnects with
 * backoff (0.5 s doubling to 10 s, reset once the hub says "ready"). Both live feeds (events
 * and the log tail) use it.
 */

export type SocketState = 'connecting' | 'live' | 'offline';

export interface SocketHandlers {
  /** Every parsed message but {"type":"ready"}; unparsable ones are dropped. */
  onMessage: (msg: { type?: string } & Record<string, unknown>) => void;
  /** Connecting, live (the hub's "ready" arrived), or offline (waiting to retry). */
  onState: (state: SocketState) => void;
  /** After each "ready": the first connect and every reconnect. */
  onReady?: () => void;
}

/** Opens `path` (with its query) and keeps it open until the returned function is called. */
export function openSocket(path: string, h: SocketHandlers): () => void {
  let ws: WebSocket | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let retryMs = 500;
  let closed = false;
  const connect = () => {
    const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`);
    ws = socket;
    h.onState('connecting');
    socket.onmessage = (m) => {
      let msg: { type?: string } & Record<string, unknown>;
      try {
        msg = JSON.parse(String(m.data));
      } catch {
        return;
      }
      if (msg.type === 'ready') {
        retryMs = 500;
        h.onState('live');
        h.onReady?.();
      } else h.onMessage(msg);
    };
    socket.onclose = () => {
      if (closed || ws !== socket) return;
      h.onState('offline');
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
}
