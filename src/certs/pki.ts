/**
 * X.509 generation for the hub's PKI with @peculiar/x509 over Node's WebCrypto: ECDSA P-256
 * keys and SHA-256 signatures made by OpenSSL (through WebCrypto), certificates encoded by a
 * maintained, typed ASN.1 library. Loaded only by the commands that make certificates
 * (`certs init`, `certs issue`, a hub creating its PKI on first start), never on the report
 * path: checking certificates is TLS's job (node:tls) plus a store lookup.
 */
import 'reflect-metadata'; // @peculiar/x509 resolves its algorithm providers through tsyringe, which needs it
import * as x509 from '@peculiar/x509';
import { createHash, randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import { normalizeSerial } from './layout.js';

x509.cryptoProvider.set(webcrypto as never);

const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const day = 86_400_000;

/** A certificate with its private key, both PEM. */
export interface Issued {
  cert: string;
  key: string;
  serial: string;
  fingerprintSha256: string;
  notBefore: Date;
  notAfter: Date;
}

/** Validity of a new certificate. Defaults: from one minute ago (clock skew) for `days`. */
export interface Validity {
  days?: number;
  notBefore?: Date;
  notAfter?: Date;
}

/** A positive 128-bit serial whose first hex digit is not 0, so every printing of it agrees. */
function newSerial(): string {
  const b = randomBytes(16);
  b[0] = 0x10 | (b[0]! & 0x6f);
  return b.toString('hex');
}

function window(v: Validity, defaultDays: number): { notBefore: Date; notAfter: Date } {
  const notBefore = v.notBefore ?? new Date(Date.now() - 60_000);
  const notAfter = v.notAfter ?? new Date(notBefore.getTime() + (v.days ?? defaultDays) * day);
  return { notBefore, notAfter };
}

async function pem(cert: x509.X509Certificate, keys: webcrypto.CryptoKeyPair, notBefore: Date, notAfter: Date): Promise<Issued> {
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    cert: cert.toString('pem') + '\n',
    key: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') + '\n',
    serial: normalizeSerial(cert.serialNumber),
    fingerprintSha256: createHash('sha256').update(Buffer.from(cert.rawData)).digest('hex'),
    notBefore,
    notAfter,
  };
}

async function keyPair(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
}

async function loadIssuer(caCertPem: string, caKeyPem: string): Promise<{ cert: x509.X509Certificate; key: webcrypto.CryptoKey }> {
  const cert = new x509.X509Certificate(caCertPem);
  const der = x509.PemConverter.decodeFirst(caKeyPem);
  const key = (await webcrypto.subtle.importKey('pkcs8', der, alg, false, ['sign'])) as webcrypto.CryptoKey;
  return { cert, key };
}

/** A self-signed CA that signs nothing but end-entity certificates (path length 0). */
export async function createCa(commonName: string, v: Validity = {}): Promise<Issued> {
  const keys = await keyPair();
  const { notBefore, notAfter } = window(v, 3650);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: newSerial(),
    name: `CN=${escapeDn(commonName)}, O=Wheelhouse`,
    notBefore,
    notAfter,
    signingAlgorithm: alg,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return pem(cert, keys, notBefore, notAfter);
}

async function issue(caCertPem: string, caKeyPem: string, commonName: string, usage: 'server' | 'client', extra: x509.Extension[], v: Validity, defaultDays: number): Promise<Issued> {
  const issuer = await loadIssuer(caCertPem, caKeyPem);
  const keys = await keyPair();
  const { notBefore, notAfter } = window(v, defaultDays);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: newSerial(),
    subject: `CN=${escapeDn(commonName)}`,
    issuer: issuer.cert.subject,
    notBefore,
    notAfter,
    signingAlgorithm: alg,
    publicKey: keys.publicKey,
    signingKey: issuer.key,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth], false),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(issuer.cert, false),
      ...extra,
    ],
  });
  return pem(cert, keys, notBefore, notAfter);
}

/** The hub's server certificate for the agents' TLS listener, valid for `names` (DNS names and IP addresses). */
export async function issueServer(caCertPem: string, caKeyPem: string, names: readonly string[], v: Validity = {}): Promise<Issued> {
  const san = new x509.SubjectAlternativeNameExtension(names.map((n) => ({ type: isIP(n) ? ('ip' as const) : ('dns' as const), value: n })), false);
  return issue(caCertPem, caKeyPem, names[0] ?? 'wheelhouse-hub', 'server', [san], v, 825);
}

/** A client certificate for a host: CN = the host id. */
export async function issueClient(caCertPem: string, caKeyPem: string, hostId: string, v: Validity = {}): Promise<Issued> {
  return issue(caCertPem, caKeyPem, hostId, 'client', [], v, 365);
}

function escapeDn(value: string): string {
  return value.replace(/([,+"\\<>;=])/g, '\\$1');
}
