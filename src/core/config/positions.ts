/**
 * Maps a JSON path inside a parsed YAML document back to its line and column, so every
 * config error can be printed as file:line:col.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, type Document, type Node, type Pair } from 'yaml';

/** A 1-based position in the file. */
export interface Position {
  line: number;
  col: number;
}

/** Finds positions of values (and keys) in one parsed document. */
export class PositionIndex {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Position of the value at `path`, or of the deepest existing ancestor. */
  valueAt(path: readonly (string | number)[]): Position {
    let node: unknown = this.doc.contents;
    let best = this.start(node);
    for (const seg of path) {
      const next = this.child(node, seg);
      if (next === undefined) break;
      node = next.value;
      best = this.start(next.value) ?? this.start(next.key) ?? best;
    }
    return best ?? { line: 1, col: 1 };
  }

  /** Position of the key `key` inside the mapping at `path` (falls back to the mapping). */
  keyAt(path: readonly (string | number)[], key: string): Position {
    let node: unknown = this.doc.contents;
    for (const seg of path) {
      const next = this.child(node, seg);
      if (next === undefined) return this.valueAt(path);
      node = next.value;
    }
    const pair = this.child(node, key);
    return this.start(pair?.key) ?? this.valueAt(path);
  }

  private child(node: unknown, seg: string | number): { key: unknown; value: unknown } | undefined {
    if (isMap(node)) {
      const pair = node.items.find((p: Pair) => isScalar(p.key) && String(p.key.value) === String(seg));
      return pair ? { key: pair.key, value: pair.value } : undefined;
    }
    if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      return item === undefined ? undefined : { key: undefined, value: item };
    }
    if (isPair(node)) return this.child(node.value, seg);
    return undefined;
  }

  private start(node: unknown): Position | undefined {
    const range = (node as Node | undefined)?.range;
    if (!range) return undefined;
    const pos = this.lines.linePos(range[0]);
    return { line: pos.line, col: pos.col };
  }
}
