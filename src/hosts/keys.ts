/** Host API keys: random secrets shown once; the hub keeps only their SHA-256 (like API tokens). */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { hashToken } from '../auth/tokens.js';

/** A new random API key (256 bits). */
export function newApiKey(): string {
  return `whh_${randomBytes(32).toString('base64url')}`;
}

/** SHA-256 hex of a key, as stored. */
export function hashApiKey(key: string): string {
  return hashToken(key);
}

/** True when `key` hashes to `storedHash`; compared in constant time. */
export function keyMatches(key: string, storedHash: string | null): boolean {
  if (storedHash === null || key.length < 8 || key.length > 512) return false;
  const a = Buffer.from(hashApiKey(key), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
