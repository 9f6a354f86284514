/**
 * Where the hub's PKI lives: <data-dir>/pki/ (mode 0700) with the CA and the hub's server
 * certificate; client certificates go to <data-dir>/pki/clients/<host>/ unless `--out` says
 * otherwise. Private keys are 0600. Only node built-ins here: the hub reads these files at
 * start without loading the X.509 library.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Paths of the PKI files in a data directory. */
export function pkiPaths(dataDir: string) {
  const dir = join(dataDir, 'pki');
  return {
    dir,
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    serverCert: join(dir, 'server.crt'),
    serverKey: join(dir, 'server.key'),
    clientsDir: join(dir, 'clients'),
  };
}

/** PEM material the agents' TLS listener needs. */
export interface ServerTls {
  ca: string;
  cert: string;
  key: string;
}

/** The CA and server certificate of a data directory, or undefined when `certs init` has not run. */
export function readServerTls(dataDir: string): ServerTls | undefined {
  const p = pkiPaths(dataDir);
  if (![p.caCert, p.serverCert, p.serverKey].every((f) => existsSync(f))) return undefined;
  return { ca: readFileSync(p.caCert, 'utf8'), cert: readFileSync(p.serverCert, 'utf8'), key: readFileSync(p.serverKey, 'utf8') };
}

/** Serial numbers as the store keeps them: lower-case hex without leading zeros (as OpenSSL prints them). */
export function normalizeSerial(serial: string): string {
  return serial.toLowerCase().replace(/[^0-9a-f]/g, '').replace(/^0+(?=.)/, '');
}
