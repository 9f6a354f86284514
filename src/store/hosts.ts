/** Hosts that report metrics (agents), and the client certificates issued to them. */

/** A registered host. Only the SHA-256 of its API key is stored. */
export interface HostRecord {
  id: string;
  display_name: string;
  api_key_hash: string | null;
  /** Seconds between reports: as registered, then as the agent last reported it (for online/stale/offline). */
  interval_s: number;
  labels: Record<string, string>;
  created_at: string;
  revoked_at: string | null;
  /** When the hub last accepted a report from this host (ISO). */
  last_seen: string | null;
  /** Address of the last report, for the hosts view. */
  last_address: string | null;
  /** What the agent last said about the host (hostname, os, kernel, cpus, agent_version, boot_time, buffer figures). */
  meta: Record<string, unknown> | null;
  /** Replay guard: ts (ms), run and seq of the newest accepted report. */
  last_ts: number | null;
  last_run: number | null;
  last_seq: number | null;
}

/** What accepted reports change on their host; the hub writes these in batches (see HostRepo.noteReports). */
export interface HostProgress {
  last_seen: string;
  last_address: string | null;
  last_ts: number;
  last_run: number;
  last_seq: number;
  interval_s: number;
  /** Only when it changed (written as JSON). */
  meta?: Record<string, unknown>;
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
  /** Inserts a host; rejects when the id is taken. */
  create(host: HostRecord): Promise<void>;
  get(id: string): Promise<HostRecord | undefined>;
  /** Every host, by id. */
  list(): Promise<HostRecord[]>;
  /** Replaces the stored record of an existing host (key rotation, revocation, last seen). */
  update(host: HostRecord): Promise<void>;
  /** Records the progress of several hosts in one transaction; hosts that no longer exist are skipped. */
  noteReports(updates: readonly { id: string; progress: HostProgress }[]): Promise<void>;
  /** Deletes the host (its certificate records stay, for the audit trail); false when unknown. */
  remove(id: string): Promise<boolean>;
  /** Inserts a certificate record; rejects when the serial is taken. */
  addCertificate(cert: CertificateRecord): Promise<void>;
  /** The certificate with this serial (lower-case hex), revoked or not. */
  certificate(serial: string): Promise<CertificateRecord | undefined>;
  /** Certificates of one host, or of all, oldest first. */
  certificates(hostId?: string): Promise<CertificateRecord[]>;
  /** Revokes every unrevoked certificate of the host; returns how many. */
  revokeCertificates(hostId: string, at: string): Promise<number>;
}
