/** Hosts that report metrics (agents), and the client certificates issued to them. */

/** A registered host. Only the SHA-256 of its API key is stored. */
export interface HostRecord {
  id: string;
  display_name: string;
  api_key_hash: string | null;
  /** Seconds between reports the agent was told to use (for online/stale/offline). */
  interval_s: number;
  labels: Record<string, string>;
  created_at: string;
  revoked_at: string | null;
  last_seen: string | null;
  /** Address of the last report, for the hosts view. */
  last_address: string | null;
}

/** A client certificate issued to a host by the hub's CA. */
export interface CertificateRecord {
  serial: string;
  host_id: string;
  fingerprint_sha256: string;
  not_before: string;
  not_after: string;
  revoked_at: string | null;
  created_at: string;
}

/** Hosts and their certificates. */
export interface HostRepo {
  create(host: HostRecord): Promise<void>;
  get(id: string): Promise<HostRecord | undefined>;
  list(): Promise<HostRecord[]>;
  /** Replaces the stored record of an existing host (key rotation, revocation, last seen). */
  update(host: HostRecord): Promise<void>;
  remove(id: string): Promise<boolean>;
  addCertificate(cert: CertificateRecord): Promise<void>;
  certificate(serial: string): Promise<CertificateRecord | undefined>;
  certificates(hostId?: string): Promise<CertificateRecord[]>;
  revokeCertificates(hostId: string, at: string): Promise<number>;
}
