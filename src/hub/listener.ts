/**
 * The hub's listening socket, bound before anything else starts: a taken port fails the
 * start before a single service is spawned, and services can be spawned while the HTTP API
 * is still being built (its modules take a few hundred milliseconds to load). Until the API
 * is attached, every request is answered 503 "starting".
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { AppError, toErrorBody } from '../core/errors.js';

/** A bound HTTP server whose request handler is attached later. */
export class HubListener {
  private handler: RequestListener = starting;

  private constructor(readonly server: Server) {}

  /** Binds `host:port`; throws AppError naming the problem (port taken, no such address, not allowed). */
  static async bind(host: string, port: number): Promise<HubListener> {
    const listener = new HubListener(createServer());
    listener.server.on('request', (req: IncomingMessage, res: ServerResponse) => listener.handler(req, res));
    await new Promise<void>((resolve, reject) => {
      listener.server.once('error', reject);
      listener.server.listen(port, host, () => {
        listener.server.off('error', reject);
        resolve();
      });
    }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') throw new AppError('hub/port_in_use', `port ${port} on ${host} is already in use (another hub? choose one with --port or WHEELHOUSE_PORT)`);
      if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') throw new AppError('hub/port_in_use', `cannot listen on ${host}: no such local address (--host / WHEELHOUSE_HOST)`);
      if (err.code === 'EACCES') throw new AppError('hub/port_in_use', `not allowed to listen on ${host}:${port} (ports below 1024 need privileges)`);
      throw err;
    });
    return listener;
  }

  /** Hands requests to the real API from now on. */
  attach(handler: RequestListener): void {
    this.handler = handler;
  }

  /** The URL local clients reach the hub at (a wildcard address becomes loopback). */
  url(host: string): string {
    const address = this.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
    return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
  }

  /** Closes the socket if the API did not (it closes it on its own stop). */
  async close(): Promise<void> {
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function starting(_req: IncomingMessage, res: ServerResponse): void {
  const { status, body } = toErrorBody(new AppError('hub/starting', 'the hub is starting; retry in a moment'));
  res.writeHead(status, { 'content-type': 'application/json', 'retry-after': '1' });
  res.end(JSON.stringify(body));
}
