/** A FIFO of serialized log entries that keeps a running total of their length. */
export class EntryQueue {
  private items: string[] = [];
  private head = 0;
  /** Total characters of the queued entries. */
  chars = 0;

  /** Entries queued. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** Adds an entry at the back. */
  push(json: string): void {
    this.items.push(json);
    this.chars += json.length;
  }

  /** Removes and returns the oldest entry. O(1): the array is compacted only now and then. */
  shift(): string | undefined {
    if (this.head >= this.items.length) return undefined;
    const json = this.items[this.head]!;
    this.items[this.head++] = '';
    this.chars -= json.length;
    if (this.head >= 1024 && this.head * 2 >= this.items.length) this.compact();
    return json;
  }

  /** Removes the oldest entries, up to `maxCount` and `maxChars` (but always one when any is queued). */
  take(maxCount: number, maxChars: number): string[] {
    const out: string[] = [];
    let chars = 0;
    while (this.head < this.items.length && out.length < maxCount) {
      const json = this.items[this.head]!;
      if (out.length > 0 && chars + json.length > maxChars) break;
      out.push(json);
      chars += json.length;
      this.items[this.head++] = '';
    }
    this.chars -= chars;
    if (this.head >= 1024 && this.head * 2 >= this.items.length) this.compact();
    return out;
  }

  /** Puts entries back at the front, in their order (a batch that was not delivered). */
  unshiftAll(batch: readonly string[]): void {
    if (batch.length === 0) return;
    if (this.head >= batch.length) {
      this.head -= batch.length;
      for (let i = 0; i < batch.length; i++) this.items[this.head + i] = batch[i]!;
    } else {
      this.items = [...batch, ...this.items.slice(this.head)];
      this.head = 0;
    }
    for (const json of batch) this.chars += json.length;
  }

  /** Empties the queue; returns how many entries it held. */
  clear(): number {
    const n = this.length;
    this.items = [];
    this.head = 0;
    this.chars = 0;
    return n;
  }

  private compact(): void {
    this.items = this.items.slice(this.head);
    this.head = 0;
  }
}
