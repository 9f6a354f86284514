/**
 * The agents' mutual-TLS listener (agents.listen_port): node:https with our CA, asking every
 * client for a certificate. It does not reject bad certificates in the handshake: a refused
 * handshake tells the agent nothing, so it lets the request through and answers 401/403 with
 * the reason (expired, another CA, revoked). Serves POST /api/metrics/report (certificate,
 * or an API key as on the API) and GET /health; nothing else.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { gunzipSync, inflateSync } from 'node:zlib';
import type { Logger } from 'pino';
import type { ServerTls } from '../certs/layout.js';
import { AppError, isAppError, toErrorBody } from '../core/errors.js';
import { keyCredential, type Credential } from './auth.js';
import { HostError, RateLimited } from './errors.js';

/** What the listener hands a report request to. */
export type ReportHandler = (body: unknown, credential: Credential, address: string | null) => Promise<unknown>;

/** Largest report body, decompressed. */
const bodyLimit = 8 * 1024 * 1024;

/** A started listener. */
export interface AgentListener {
  address(): { host: string; port: number };
  close(): Promise<void>;
}

/** Starts the listener on host:port. */
export async function startAgentListener(opts: { host: string; port: number; tls: ServerTls; handle: ReportHandler; logger: Logger }): Promise<AgentListener> {
  const server: Server = createServer({ key: opts.tls.key, cert: opts.tls.cert, ca: opts.tls.ca, requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2' }, (req, res) => {
    void serve(req, res, opts.handle, opts.logger);
  });
  // Agents report every few seconds on one kept-alive connection: no handshake per report.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 30_000;
  server.requestTimeout = 60_000;
  server.on('tlsClientError', (err) => opts.logger.debug({ err }, 'agent TLS handshake failed'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EADDRINUSE') throw new AppError('hub/port_in_use', `agents.listen_port ${opts.port} on ${opts.host} is already in use`);
    if (err.code === 'EACCES') throw new AppError('hub/port_in_use', `not allowed to listen on ${opts.host}:${opts.port} for agents (ports below 1024 need privileges)`);
    throw err;
  });
  return {
    address: () => ({ host: opts.host, port: (server.address() as AddressInfo).port }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, handle: ReportHandler, logger: Logger): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  try {
    if (req.method === 'GET' && path === '/health') return send(res, 200, { status: 'ok' });
    if (req.method !== 'POST' || path !== '/api/metrics/report') {
      req.resume();
      return send(res, 404, { error: { code: 'route/not_found', message: `no route ${req.method} ${path} on the agents' listener` } });
    }
    const credential = peerCredential(req.socket as TLSSocket) ?? keyCredential(req.headers);
    const body = await readJson(req);
    send(res, 200, await handle(body, credential, req.socket.remoteAddress ?? null));
  } catch (err) {
    if (!isAppError(err)) logger.error({ err }, 'report failed on the agents\' listener');
    const { status, body } = toErrorBody(err);
    if (err instanceof RateLimited) res.setHeader('retry-after', String(err.retryAfterS));
    if (status === 401) res.setHeader('www-authenticate', 'Bearer realm="wheelhouse-agents"');
    send(res, status, body);
  }
}

/** The client certificate, when the agent sent one. */
function peerCredential(socket: TLSSocket): Credential | undefined {
  const peer = socket.getPeerCertificate();
  if (!peer || Object.keys(peer).length === 0) return undefined;
  const error = socket.authorizationError as unknown;
  const cn = Array.isArray(peer.subject?.CN) ? peer.subject.CN[0]! : (peer.subject?.CN ?? '');
  return {
    kind: 'cert',
    peer: {
      cn,
      serial: peer.serialNumber,
      fingerprint256: peer.fingerprint256,
      validTo: peer.valid_to,
      authorized: socket.authorized,
      error: error === null || error === undefined ? null : String((error as { code?: string }).code ?? error),
    },
  };
}

/**
 * The body, decompressed in one call: reports are small, and a one-shot gunzip costs a fifth
 * of a streaming one (no stream and no zlib state kept per request).
 */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (!['identity', 'gzip', 'x-gzip', 'deflate'].includes(encoding)) throw new HostError('hosts/invalid_report', `unsupported Content-Encoding "${encoding}": use gzip, deflate or none`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > bodyLimit) {
      req.destroy();
      throw new HostError('hosts/invalid_report', `the report body is larger than ${bodyLimit} bytes`);
    }
    chunks.push(chunk);
  }
  let raw = Buffer.concat(chunks);
  try {
    if (encoding === 'gzip' || encoding === 'x-gzip') raw = gunzipSync(raw, { maxOutputLength: bodyLimit });
    else if (encoding === 'deflate') raw = inflateSync(raw, { maxOutputLength: bodyLimit });
  } catch (err) {
    const tooLarge = (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError;
    throw new HostError('hosts/invalid_report', tooLarge ? `the report body is larger than ${bodyLimit} bytes decompressed` : `the body is not valid ${encoding} data`);
  }
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new HostError('hosts/invalid_report', `malformed JSON body: ${(err as Error).message}`);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
