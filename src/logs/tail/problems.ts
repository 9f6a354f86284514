/**
 * Small helpers of the file tailer: a warning logged once per problem (not once per poll),
 * and a limit on how many files are read at once (each read holds a chunk in memory).
 */
import type { Logger } from 'pino';

/** Logs each problem once, until it is resolved or stops being reported. */
export class Problems {
  private readonly active = new Set<string>();
  private readonly seen = new Set<string>();

  constructor(private readonly logger: Logger) {}

  /** Warns about `key` unless it is already known. */
  report(key: string, fields: Record<string, unknown>, message: string): void {
    this.seen.add(key);
    if (this.active.has(key)) return;
    this.active.add(key);
    this.logger.warn(fields, message);
  }

  /** The problem went away: warn again if it comes back. */
  resolve(key: string): void {
    this.active.delete(key);
    this.seen.delete(key);
  }

  /** Forgets the problems not reported since the last sweep (they went away). */
  sweep(): void {
    for (const key of this.active) if (!this.seen.has(key)) this.active.delete(key);
    this.seen.clear();
  }
}

/** A counting semaphore. */
export class Slots {
  private readonly waiting: (() => void)[] = [];

  constructor(private free: number) {}

  /** Resolves when a slot is taken; hand it back with `release`. */
  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}
