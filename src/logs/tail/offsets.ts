/**
 * Where a tailed file was read up to. One source cursor per service and file identity
 * (device + inode), committed with the entries read before it: a renamed file keeps its
 * position, a new file at the same path starts from 0. A hash of the file's first bytes
 * tells a file that was truncated and rewritten, or a recycled inode, from the one read.
 */
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

/** How many bytes at the start of a file identify its content. */
export const headBytes = 64;

/** The hash of a file's first `len` bytes. */
export interface Head {
  len: number;
  sha: string;
}

/** A committed position in one file (the cursor's value, as JSON). */
export interface FilePosition {
  /** The path the file was last matched at (for people reading the cursor). */
  path: string;
  /** Byte offset to resume from: every entry before it is stored. */
  offset: number;
  /** The file's size when the position was committed. */
  size: number;
  /** The file's first bytes when they were read; null while it was empty. */
  head: Head | null;
}

/** The cursor key of one file of one service. */
export function cursorKey(service: string, dev: string, ino: string): string {
  return `file:${service}:${dev}:${ino}`;
}

/** The cursor value for a position. */
export function encodePosition(p: FilePosition): string {
  return JSON.stringify(p);
}

/** A stored cursor value back as a position; undefined when there is none, 'invalid' when it cannot be read. */
export function decodePosition(value: string | undefined): FilePosition | undefined | 'invalid' {
  if (value === undefined) return undefined;
  try {
    const v = JSON.parse(value) as Partial<FilePosition>;
    if (typeof v.offset !== 'number' || !Number.isSafeInteger(v.offset) || v.offset < 0) return 'invalid';
    const head = v.head && typeof v.head.len === 'number' && typeof v.head.sha === 'string' ? { len: v.head.len, sha: v.head.sha } : null;
    return { path: String(v.path ?? ''), offset: v.offset, size: Number(v.size ?? 0), head };
  } catch {
    return 'invalid';
  }
}

/** Hashes the first `len` bytes of an open file; null when the file is shorter or `len` is 0. */
export async function readHead(fh: FileHandle, len: number): Promise<Head | null> {
  if (len <= 0) return null;
  const buf = Buffer.alloc(len);
  const { bytesRead } = await fh.read(buf, 0, len, 0);
  if (bytesRead < len) return null;
  return { len, sha: createHash('sha1').update(buf).digest('hex').slice(0, 20) };
}

/** True when the open file still starts with the bytes `head` was taken from. */
export async function headMatches(fh: FileHandle, head: Head): Promise<boolean> {
  const now = await readHead(fh, head.len);
  return now !== null && now.sha === head.sha;
}
