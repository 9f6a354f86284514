/** New host records and the checks on what a user may register. */
import { hostIdPattern } from '../protocol/version.js';
import type { HostRecord } from '../store/index.js';
import { HostError } from './errors.js';

const idRe = new RegExp(hostIdPattern);
const labelRe = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** What registering a host takes. */
export interface NewHost {
  id: string;
  name?: string;
  interval_s?: number;
  labels?: Record<string, string>;
}

/** Throws HostError('hosts/invalid') naming the first problem with `h`. */
export function checkNewHost(h: NewHost): void {
  if (!idRe.test(h.id)) throw new HostError('hosts/invalid', `invalid host id "${h.id}": letters, digits, ".", "_" and "-", starting with a letter or digit, at most 63 characters`);
  if (h.name !== undefined && (h.name.length === 0 || h.name.length > 100)) throw new HostError('hosts/invalid', 'the display name must be 1 to 100 characters');
  if (h.interval_s !== undefined && !(h.interval_s >= 1 && h.interval_s <= 86_400)) throw new HostError('hosts/invalid', 'the interval must be between 1 and 86400 seconds');
  for (const [k, v] of Object.entries(h.labels ?? {})) {
    if (!labelRe.test(k)) throw new HostError('hosts/invalid', `invalid label name "${k}": letters, digits and "_", not starting with a digit`);
    if (typeof v !== 'string' || v.length > 200) throw new HostError('hosts/invalid', `label "${k}" must be a string of at most 200 characters`);
  }
}

/** A fresh record for a host that has never reported. */
export function newHostRecord(h: NewHost, apiKeyHash: string | null, at: string): HostRecord {
  return {
    id: h.id,
    display_name: h.name ?? h.id,
    api_key_hash: apiKeyHash,
    interval_s: h.interval_s ?? 10,
    labels: h.labels ?? {},
    created_at: at,
    revoked_at: null,
    last_seen: null,
    last_address: null,
    meta: null,
    last_ts: null,
    last_run: null,
    last_seq: null,
  };
}
