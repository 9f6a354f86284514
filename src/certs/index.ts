/**
 * The hub's PKI, worked on in the data directory (like `up`/`down`, on the hub's machine):
 * `init` makes the CA (once) and the hub's server certificate, `issue` a client certificate
 * for a host (recorded in the store; the host is registered if it was not), `revoke` marks a
 * host's certificates revoked in the store (the agents' listener checks the store on every
 * request, so it takes effect at once, hub running or not), `list` shows them all.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../core/files.js';
import { HostError } from '../hosts/errors.js';
import { checkNewHost, newHostRecord } from '../hosts/records.js';
import type { CertificateRecord, Store } from '../store/index.js';
import { pkiPaths } from './layout.js';
import type { Validity } from './pki.js';

export { normalizeSerial, pkiPaths, readServerTls, type ServerTls } from './layout.js';

/** What `init` did. */
export interface InitResult {
  dir: string;
  ca_created: boolean;
  ca_not_after: string;
  server_names: string[];
  server_not_after: string;
}

/** The names the hub's server certificate is valid for: localhost, loopback, this host's name, and `extra`. */
export function serverNames(extra: readonly string[] = []): string[] {
  return [...new Set(['localhost', '127.0.0.1', '::1', hostname(), ...extra].filter((n) => n.length > 0))];
}

/**
 * Creates the CA unless it exists (or `force`), then a new server certificate for
 * `serverNames(sans)`. Keys are written 0600 and every file atomically.
 */
export async function initPki(dataDir: string, opts: { sans?: string[]; force?: boolean; validity?: Validity } = {}): Promise<InitResult> {
  const p = pkiPaths(dataDir);
  mkdirSync(p.dir, { recursive: true, mode: 0o700 });
  const pki = await import('./pki.js');
  const caExists = existsSync(p.caCert) && existsSync(p.caKey);
  if (!caExists || opts.force) {
    const ca = await pki.createCa(`Wheelhouse CA (${hostname()})`, opts.validity);
    writeFileAtomic(p.caKey, ca.key, 0o600);
    writeFileAtomic(p.caCert, ca.cert, 0o644);
  }
  const caPem = readFileSync(p.caCert, 'utf8');
  const names = serverNames(opts.sans);
  const server = await pki.issueServer(caPem, readFileSync(p.caKey, 'utf8'), names);
  writeFileAtomic(p.serverKey, server.key, 0o600);
  writeFileAtomic(p.serverCert, server.cert, 0o644);
  const { X509Certificate } = await import('node:crypto');
  return {
    dir: p.dir,
    ca_created: !caExists || Boolean(opts.force),
    ca_not_after: new Date(new X509Certificate(caPem).validTo).toISOString(),
    server_names: names,
    server_not_after: server.notAfter.toISOString(),
  };
}

/** What `issue` did. */
export interface IssueResult {
  host_id: string;
  serial: string;
  not_after: string;
  registered: boolean;
  files: { cert: string; key: string; ca: string };
}

/**
 * Issues a client certificate (CN = host id) into `outDir` (default
 * <data-dir>/pki/clients/<host>/): <host>.crt, <host>.key (0600) and ca.crt for the agent to
 * check the hub with. Registers the host (with no API key) when the store does not know it.
 */
export async function issueHostCertificate(store: Store, dataDir: string, hostId: string, opts: { outDir?: string; validity?: Validity } = {}): Promise<IssueResult> {
  const p = pkiPaths(dataDir);
  if (!existsSync(p.caCert) || !existsSync(p.caKey)) throw new HostError('certs/not_initialized', `no CA in ${p.dir}: run "wheelhouse certs init" first`);
  checkNewHost({ id: hostId });
  let registered = false;
  const host = await store.hosts.get(hostId);
  if (!host) {
    await store.hosts.create(newHostRecord({ id: hostId }, null, new Date().toISOString()));
    registered = true;
  } else if (host.revoked_at) {
    throw new HostError('hosts/revoked', `host "${hostId}" is revoked; remove it and add it again first`);
  }
  const { issueClient } = await import('./pki.js');
  const caPem = readFileSync(p.caCert, 'utf8');
  const issued = await issueClient(caPem, readFileSync(p.caKey, 'utf8'), hostId, opts.validity);
  const out = resolve(opts.outDir ?? join(p.clientsDir, hostId));
  mkdirSync(out, { recursive: true, mode: 0o700 });
  const files = { cert: join(out, `${hostId}.crt`), key: join(out, `${hostId}.key`), ca: join(out, 'ca.crt') };
  writeFileAtomic(files.key, issued.key, 0o600);
  writeFileAtomic(files.cert, issued.cert, 0o644);
  writeFileAtomic(files.ca, caPem, 0o644);
  await store.hosts.addCertificate({
    serial: issued.serial,
    host_id: hostId,
    fingerprint_sha256: issued.fingerprintSha256,
    not_before: issued.notBefore.toISOString(),
    not_after: issued.notAfter.toISOString(),
    revoked_at: null,
    created_at: new Date().toISOString(),
  });
  return { host_id: hostId, serial: issued.serial, not_after: issued.notAfter.toISOString(), registered, files };
}

/** Revokes every certificate of a host; throws HostError('certs/none') when it has none left to revoke. */
export async function revokeHostCertificates(store: Store, hostId: string): Promise<number> {
  const n = await store.hosts.revokeCertificates(hostId, new Date().toISOString());
  if (n === 0) throw new HostError('certs/none', `host "${hostId}" has no unrevoked certificate`);
  return n;
}

/** A certificate as `certs list` shows it. */
export interface CertificateView extends CertificateRecord {
  status: 'valid' | 'expired' | 'revoked' | 'not_yet_valid';
}

/** Every issued certificate with its status now, oldest first. */
export async function listCertificates(store: Store, now = Date.now()): Promise<CertificateView[]> {
  return (await store.hosts.certificates()).map((c) => ({
    ...c,
    status: c.revoked_at ? 'revoked' : Date.parse(c.not_after) < now ? 'expired' : Date.parse(c.not_before) > now ? 'not_yet_valid' : 'valid',
  }));
}
