/**
 * Who is reporting: a client certificate from the agents' TLS listener (CN = host id, chain to
 * our CA checked by TLS, then the store: known serial, same fingerprint, not revoked), or the
 * host's API key (Authorization: Bearer <key> or X-Api-Key). Every refusal says why.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { normalizeSerial } from '../certs/layout.js';
import type { Store } from '../store/index.js';
import { HostError } from './errors.js';
import { keyMatches } from './keys.js';
import type { HostEntry, HostTable } from './table.js';

/** A client certificate as the TLS layer saw it. */
export interface PeerCertificate {
  cn: string;
  serial: string;
  /** SHA-256 of the DER, hex (any case, colons allowed). */
  fingerprint256: string;
  validTo: string;
  /** Chain to our CA verified and within its validity. */
  authorized: boolean;
  /** OpenSSL's reason when not authorized (CERT_HAS_EXPIRED, UNABLE_TO_VERIFY_LEAF_SIGNATURE, …). */
  error: string | null;
}

/** The credentials a report request came with. */
export type Credential = { kind: 'cert'; peer: PeerCertificate } | { kind: 'key'; key: string } | { kind: 'none' };

/** The API key in the headers, if any. */
export function keyCredential(headers: IncomingHttpHeaders): Credential {
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.trim() !== '') return { kind: 'key', key: apiKey.trim() };
  const m = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  return m ? { kind: 'key', key: m[1]! } : { kind: 'none' };
}

/** The host `credential` proves to be `claimed`; throws HostError (401/403) otherwise. */
export async function authenticate(store: Store, hosts: HostTable, credential: Credential, claimed: string): Promise<HostEntry> {
  if (credential.kind === 'none') throw new HostError('hosts/unauthenticated', 'authentication required: a client certificate or the host\'s API key');
  if (credential.kind === 'cert') return byCertificate(store, hosts, credential.peer, claimed);
  const host = await known(hosts, claimed);
  if (host.record.api_key_hash === null) {
    throw new HostError('hosts/wrong_key', `host "${claimed}" has no API key: it authenticates with its client certificate (or give it a key with "wheelhouse hosts rotate-key ${claimed}")`);
  }
  if (!keyMatches(credential.key, host.record.api_key_hash)) throw new HostError('hosts/wrong_key', `wrong API key for host "${claimed}"`);
  return host;
}

async function known(hosts: HostTable, id: string): Promise<HostEntry> {
  const host = await hosts.lookup(id);
  if (!host) throw new HostError('hosts/unknown_host', `unknown host "${id}": register it with "wheelhouse hosts add ${id}" (or "wheelhouse certs issue ${id}")`);
  if (host.record.revoked_at) throw new HostError('hosts/revoked', `host "${id}" was revoked at ${host.record.revoked_at}`);
  return host;
}

async function byCertificate(store: Store, hosts: HostTable, peer: PeerCertificate, claimed: string): Promise<HostEntry> {
  if (!peer.authorized) {
    if (peer.error === 'CERT_HAS_EXPIRED') throw new HostError('hosts/bad_certificate', `client certificate of "${peer.cn}" expired on ${new Date(peer.validTo).toISOString()}`);
    if (peer.error === 'CERT_NOT_YET_VALID') throw new HostError('hosts/bad_certificate', `client certificate of "${peer.cn}" is not valid yet`);
    throw new HostError('hosts/bad_certificate', `client certificate of "${peer.cn}" was not issued by this hub's CA (${peer.error ?? 'unverified'})`);
  }
  const serial = normalizeSerial(peer.serial);
  const record = await store.hosts.certificate(serial);
  const fingerprint = peer.fingerprint256.replace(/:/g, '').toLowerCase();
  if (!record || record.fingerprint_sha256 !== fingerprint) {
    throw new HostError('hosts/bad_certificate', `client certificate ${serial} was not issued by this hub (no record of it): issue one with "wheelhouse certs issue ${peer.cn}"`);
  }
  if (record.revoked_at) throw new HostError('hosts/revoked', `client certificate ${serial} of host "${record.host_id}" was revoked at ${record.revoked_at}`);
  if (record.host_id !== peer.cn) throw new HostError('hosts/bad_certificate', `client certificate ${serial} was issued to "${record.host_id}", not "${peer.cn}"`);
  if (claimed !== peer.cn) throw new HostError('hosts/host_mismatch', `the certificate is for host "${peer.cn}" but the report is for "${claimed}"`);
  return known(hosts, peer.cn);
}
