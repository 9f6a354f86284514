/** TCP probe: the port accepts a connection. */
import { connect } from 'node:net';
import { timed, type Probe } from './probe.js';

/** Builds a TCP probe of host:port. */
export function tcpProbe(host: string, port: number, timeoutMs: number): Probe {
  return {
    check: () =>
      timed(
        () =>
          new Promise((resolve) => {
            const socket = connect({ host, port });
            const done = (ok: boolean, message: string): void => {
              socket.destroy();
              resolve({ ok, message });
            };
            socket.setTimeout(timeoutMs, () => done(false, 'timed out'));
            socket.once('connect', () => done(true, `connected to ${host}:${port}`));
            socket.once('error', (err: NodeJS.ErrnoException) =>
              done(false, err.code === 'ECONNREFUSED' ? 'connection refused' : (err.code ?? err.message)),
            );
          }),
      ),
  };
}
