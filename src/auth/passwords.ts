/**
 * Passwords: Argon2id hashes in PHC strings (the parameters travel with each hash, so older
 * hashes keep verifying and are upgraded at the next login), and the policy a new password
 * must meet.
 *
 * Parameters: m = 64 MiB, t = 3, p = 1 (RFC 9106's second recommendation with one lane).
 * That is above OWASP's minimum (m = 19 MiB, t = 2, p = 1) by about five times the work, and
 * costs ~150 ms on one core of a small server: slow for an attacker, fine for a login. At
 * most two hashes run at once (the hub runs on small machines), so a burst of logins costs
 * at most 128 MiB and cannot starve the thread pool others use for file I/O.
 */
import * as argon2 from 'argon2';
import { randomBytes } from 'node:crypto';
import { AppError } from '../core/errors.js';
import { commonPasswords } from './common-passwords.js';

/** Argon2id cost parameters. */
export interface HashParams {
  /** Memory in KiB. */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** What new hashes use; see the comment at the top of this file. */
export const defaultHashParams: HashParams = { memoryCost: 65_536, timeCost: 3, parallelism: 1 };

/** OWASP's floor; never accepted below it. */
export const minimumHashParams: HashParams = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** Longest password (and user name) a request may carry: oversized credentials are refused before any hashing. */
export const maxCredentialLength = 1024;

/**
 * Hashes and verifies passwords with Argon2id. Every `verify` really runs Argon2, also for a
 * user that does not exist (`verifyDummy`), so both answers take the same time.
 */
export class PasswordHasher {
  /** How many Argon2 runs this hasher made (tests check the unknown-user path really verifies). */
  readonly stats = { hashes: 0, verifications: 0 };
  private dummy: Promise<string> | undefined;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly params: HashParams = defaultHashParams,
    private readonly concurrency = 2,
    private readonly maxWaiting = 64,
  ) {
    if (params.memoryCost < minimumHashParams.memoryCost || params.timeCost < 1 || params.parallelism < 1) {
      throw new Error(`Argon2id parameters below OWASP's minimum: ${JSON.stringify(params)}`);
    }
    // Made once, with the current parameters, to verify unknown users against: soon, but not
    // while the hub is starting (an Argon2 run is ~150 ms of CPU that services booting need).
    setTimeout(() => void this.dummyHash(), 3000).unref();
  }

  private dummyHash(): Promise<string> {
    if (!this.dummy) {
      // Not through hash(): `stats.hashes` counts the hashes of real passwords.
      this.dummy = this.limited(() => argon2.hash(randomBytes(24).toString('base64url'), { type: argon2.argon2id, ...this.params }));
      this.dummy.catch(() => undefined);
    }
    return this.dummy;
  }

  /** The PHC string of `password` hashed with this hasher's parameters and a fresh salt. */
  async hash(password: string): Promise<string> {
    return this.limited(async () => {
      this.stats.hashes++;
      return argon2.hash(normalize(password), { type: argon2.argon2id, ...this.params });
    });
  }

  /** True when `password` matches `phc`; false for a mismatch or a malformed hash. */
  async verify(phc: string, password: string): Promise<boolean> {
    return this.limited(async () => {
      this.stats.verifications++;
      try {
        return await argon2.verify(phc, normalize(password));
      } catch {
        return false;
      }
    });
  }

  /** Runs a real verification against a throwaway hash and answers false: the unknown-user path. */
  async verifyDummy(password: string): Promise<false> {
    await this.verify(await this.dummyHash(), password);
    return false;
  }

  /** True when `phc` is weaker than (or not) Argon2id with this hasher's parameters. */
  needsRehash(phc: string): boolean {
    const p = parsePhc(phc);
    if (!p || p.alg !== 'argon2id' || p.version < 19) return true;
    return p.memoryCost < this.params.memoryCost || p.timeCost < this.params.timeCost;
  }

  private async limited<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxWaiting) throw new AppError('auth/rate_limited', 'too many sign-ins at once; retry in a moment');
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await fn();
    } finally {
      // Hand the slot straight to the next waiter, or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/** The parts of an Argon2 PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`, parameters in any order); undefined when it is not one. */
export function parsePhc(phc: string): { alg: string; version: number; memoryCost: number; timeCost: number; parallelism: number } | undefined {
  const m = /^\$(argon2(?:id|i|d))\$v=(\d+)\$([a-z]=\d+(?:,[a-z]=\d+)*)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/.exec(phc);
  if (!m) return undefined;
  const params = Object.fromEntries(m[3]!.split(',').map((kv) => [kv[0]!, Number(kv.slice(2))]));
  if (params.m === undefined || params.t === undefined || params.p === undefined) return undefined;
  return { alg: m[1]!, version: Number(m[2]), memoryCost: params.m, timeCost: params.t, parallelism: params.p };
}

// NIST SP 800-63B: normalize so the same password typed on another keyboard or OS matches.
function normalize(password: string): string {
  return password.normalize('NFKC');
}

/** What a new password is checked against. */
export interface PasswordPolicy {
  minLength: number;
}

/**
 * Throws auth/weak_password unless `password` may be set for user `userName`: at least
 * `minLength` characters (Unicode code points, after normalization), at most 1,024, not the
 * user name, not one of the most common passwords, not one character repeated, and not just
 * the user name, "wheelhouse" or "password" dressed up with digits and symbols. No
 * composition rules (OWASP and NIST advise against them): length is what counts.
 */
export function checkPassword(password: string, userName: string, policy: PasswordPolicy): void {
  const text = normalize(password);
  const length = [...text].length;
  if (length < policy.minLength) throw new AppError('auth/weak_password', `the password is too short: use at least ${policy.minLength} characters`);
  if (length > maxCredentialLength) throw new AppError('auth/weak_password', `the password is too long: at most ${maxCredentialLength} characters`);
  const lower = text.toLowerCase();
  if (lower === userName.toLowerCase()) throw new AppError('auth/weak_password', 'the password must not be the user name');
  if (commonPasswords.has(lower)) throw new AppError('auth/weak_password', 'this password is one of the most common ones; choose another');
  if (new Set(text).size === 1) throw new AppError('auth/weak_password', 'the password must not be one character repeated');
  if ([userName, 'wheelhouse', 'password', 'admin', 'qwerty', 'letmein', 'welcome'].some((w) => dressedUp(lower, w))) {
    throw new AppError('auth/weak_password', 'the password is too easy to guess (a name or common word with digits and symbols); choose another');
  }
}

// Letters and the digits or symbols people put in their place.
const leet: Record<string, string> = { a: 'a@4', b: 'b8', e: 'e3', g: 'g9', i: 'i1!|', l: 'l1|', o: 'o0', s: 's$5', t: 't7+', z: 'z2' };

/** True when `lower` is `word` (3+ letters) with letters swapped for look-alikes and digits or symbols around: "P@ssw0rd!2026". */
function dressedUp(lower: string, word: string): boolean {
  const letters = word.toLowerCase().replace(/[^a-z]/g, '');
  if (letters.length < 3) return false;
  const body = [...letters].map((c) => `[${(leet[c] ?? c).replace(/[\]\\^-]/g, '\\$&')}]`).join('[^a-z]*');
  return new RegExp(`^[^a-z]*${body}[^a-z]*$`).test(lower);
}
