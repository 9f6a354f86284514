/**
 * Cutting file bytes into lines. Only newline-terminated lines are complete; the bytes after
 * the last newline wait for theirs. A line longer than the message limit is cut into pieces
 * of at most that many bytes (at a character boundary), so a line that never ends cannot
 * hold the reader back or grow its memory.
 */

/** Complete lines found in a buffer. */
export interface CutLines {
  /** The lines, without their newlines. */
  lines: string[];
  /** Absolute file offset where each line begins. */
  starts: number[];
  /** Bytes of the buffer the lines took (the rest waits for more data). */
  consumed: number;
  /** True when a line longer than the limit was cut into pieces. */
  split: boolean;
}

/**
 * Cuts `buf`, the file's bytes from offset `base`, into lines of at most `maxBytes` bytes.
 * With `final` (the file is finished), an unterminated last line counts as complete.
 */
export function cutLines(buf: Buffer, base: number, maxBytes: number, final: boolean): CutLines {
  const lines: string[] = [];
  const starts: number[] = [];
  let split = false;
  let pos = 0;
  while (pos < buf.length) {
    const nl = buf.indexOf(10, pos);
    let end: number;
    let next: number;
    if (nl >= 0 && nl - pos <= maxBytes) {
      end = nl;
      next = nl + 1;
    } else if (buf.length - pos > maxBytes) {
      // Too long for one entry: a piece of it, ending before a UTF-8 continuation byte.
      end = pos + maxBytes;
      while (end > pos && (buf[end]! & 0xc0) === 0x80) end--;
      if (end === pos) end = pos + maxBytes;
      next = end;
      split = true;
    } else if (final) {
      end = buf.length;
      next = end;
    } else {
      break;
    }
    lines.push(buf.toString('utf8', pos, end));
    starts.push(base + pos);
    pos = next;
  }
  return { lines, starts, consumed: pos, split };
}
