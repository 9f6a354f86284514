/**
 * A blocked Bloom filter over strings: "maybe present" or "certainly absent". Each chunk of
 * stored log entries keeps one for its trace ids and one for its user ids, so a lookup by
 * either reads only the chunks that may hold it, and ingest pays no random-key index insert.
 *
 * Blocked: every bit of one value lies in the same 64-byte block, chosen by the value's hash.
 * The blocks are stored one per row (block number first), so a lookup reads one block per
 * chunk, 64 bytes, instead of the whole filter (11 KB per chunk).
 */

/** Bytes per block: one cache line, 512 bits. */
export const blockBytes = 64;
const blockBits = blockBytes * 8;
/** Bits per entry and hash count: about 1 % false positives for a full chunk. */
const bitsPerEntry = 11;
const hashes = 8;

/** The number of blocks of a filter sized for `capacity` values. */
export function blocksFor(capacity: number): number {
  return Math.ceil((capacity * bitsPerEntry) / blockBits);
}

/** Where a value's bits are: its block and the two numbers its in-block positions derive from. */
export interface BloomProbe {
  block: number;
  start: number;
  step: number;
}

/** The probe of `value` in a filter of `blocks` blocks. */
export function probe(value: string, blocks: number): BloomProbe {
  const [a, b] = hashPair(value);
  // The step is odd, so the `hashes` positions modulo 512 are distinct.
  return { block: a % blocks, start: b & (blockBits - 1), step: ((b >>> 9) | 1) & (blockBits - 1) };
}

/** True when `block` (the probe's block of some filter) may hold the probed value. */
export function blockMayContain(block: Uint8Array, p: BloomProbe): boolean {
  for (let i = 0; i < hashes; i++) {
    const bit = (p.start + i * p.step) & (blockBits - 1);
    if ((block[bit >>> 3]! & (1 << (bit & 7))) === 0) return false;
  }
  return true;
}

/** A filter being filled: `blocks` blocks of 64 bytes, contiguous. */
export class Bloom {
  readonly bits: Uint8Array;

  constructor(readonly blocks: number) {
    this.bits = new Uint8Array(blocks * blockBytes);
  }

  add(value: string): void {
    const p = probe(value, this.blocks);
    const base = p.block * blockBits;
    for (let i = 0; i < hashes; i++) {
      const bit = base + ((p.start + i * p.step) & (blockBits - 1));
      this.bits[bit >>> 3]! |= 1 << (bit & 7);
    }
  }

  mayContain(value: string): boolean {
    const p = probe(value, this.blocks);
    return blockMayContain(this.block(p.block), p);
  }

  /** Block `n` (a view, not a copy). */
  block(n: number): Uint8Array {
    return this.bits.subarray(n * blockBytes, (n + 1) * blockBytes);
  }
}

/** Two independent 32-bit FNV-1a variants (double hashing: Kirsch–Mitzenmacher). */
function hashPair(s: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return [a >>> 0, b >>> 0];
}
