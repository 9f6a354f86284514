/**
 * An append-only log file that rotates by size: name → name.1 → … → name.<keep>, oldest
 * dropped. The hub is its only writer, so rotation loses nothing.
 */
import { closeSync, existsSync, fstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

/** A size-rotated log file. */
export class RotatingFile {
  private fd: number;
  private size: number;

  constructor(
    readonly path: string,
    private readonly maxBytes: number,
    private readonly keep: number,
  ) {
    this.fd = openSync(path, 'a', 0o640);
    this.size = fstatSync(this.fd).size;
  }

  /** Appends `data` (whole lines), rotating first when it would pass the size limit. */
  write(data: Buffer): void {
    if (this.size > 0 && this.size + data.length > this.maxBytes) this.rotate();
    let written = 0;
    while (written < data.length) written += writeSync(this.fd, data, written);
    this.size += data.length;
  }

  /** Closes the file; further writes throw. */
  close(): void {
    closeSync(this.fd);
  }

  private rotate(): void {
    closeSync(this.fd);
    if (this.keep === 0) {
      rmSync(this.path, { force: true });
    } else {
      rmSync(`${this.path}.${this.keep}`, { force: true });
      for (let i = this.keep - 1; i >= 1; i--) {
        if (existsSync(`${this.path}.${i}`)) renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
      }
      renameSync(this.path, `${this.path}.1`);
    }
    this.fd = openSync(this.path, 'a', 0o640);
    this.size = 0;
  }
}
