/**
 * A Bloom filter over strings: "maybe present" or "certainly absent". Each chunk of stored
 * log entries keeps one for its trace ids and one for its user ids, so a lookup by either
 * reads only the chunks that may hold it, and ingest pays no random-key index insert.
 */

/** Bits per entry and hash count for a false-positive rate near 0.5 %. */
const bitsPerEntry = 11;
const hashes = 8;

/** A fixed-size Bloom filter, serializable as its bit array. */
export class Bloom {
  readonly bits: Uint8Array;

  constructor(capacityOrBits: number | Uint8Array) {
    this.bits = typeof capacityOrBits === 'number' ? new Uint8Array(Math.ceil((capacityOrBits * bitsPerEntry) / 8)) : capacityOrBits;
  }

  add(value: string): void {
    const [h1, h2] = hashPair(value);
    const m = this.bits.length * 8;
    for (let i = 0; i < hashes; i++) {
      const bit = (h1 + i * h2) % m;
      this.bits[bit >>> 3]! |= 1 << (bit & 7);
    }
  }

  mayContain(value: string): boolean {
    const [h1, h2] = hashPair(value);
    const m = this.bits.length * 8;
    for (let i = 0; i < hashes; i++) {
      const bit = (h1 + i * h2) % m;
      if ((this.bits[bit >>> 3]! & (1 << (bit & 7))) === 0) return false;
    }
    return true;
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
  return [a >>> 0, (b | 1) >>> 0];
}
