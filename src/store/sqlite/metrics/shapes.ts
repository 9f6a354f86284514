/**
 * Shapes: the ordered list of series keys a row's value array follows. Kept once per
 * distinct list and cached in memory (all of them: a fleet has about one shape per kind of
 * host), so a row stores numbers only.
 *
 * Garbage collection: `last_used` is kept within `slack` of the newest row (point ts or
 * rollup bucket) that uses the shape, so a shape whose `last_used` is older than the longest
 * retention minus twice the slack has no rows left and can go.
 */
import type Database from 'better-sqlite3';

/** How far behind the newest use `last_used` may lag before it is written again. */
export const shapeSlackMs = 10 * 60_000;

/** One shape. */
export interface Shape {
  id: number;
  keys: string[];
  /** `last_used` as written. */
  lastUsed: number;
}

/** The shape cache over the `shapes` table. Used only on the writer's thread. */
export class Shapes {
  private readonly byJson = new Map<string, Shape>();
  private readonly byId = new Map<number, Shape>();
  /** The shape a source used last, per kind: most rows reuse it, and comparing keys is cheaper than hashing them. */
  private readonly recent = new Map<number, Shape>();
  private readonly insert: Database.Statement;
  private readonly touch: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare('INSERT INTO shapes (keys, last_used) VALUES (?, ?)');
    this.touch = db.prepare('UPDATE shapes SET last_used = ? WHERE id = ?');
    this.reload();
  }

  /** Drops the cache and reads every shape again (after a failed transaction). */
  reload(): void {
    this.byJson.clear();
    this.byId.clear();
    this.recent.clear();
    for (const row of this.db.prepare('SELECT id, keys, last_used FROM shapes').iterate() as Iterable<{ id: number; keys: string; last_used: number }>) {
      const shape = { id: row.id, keys: JSON.parse(row.keys) as string[], lastUsed: row.last_used };
      this.byJson.set(row.keys, shape);
      this.byId.set(row.id, shape);
    }
  }

  /** The shape of `keys` for a row at `ts`, created if new. Call inside the write transaction. */
  forKeys(memo: number, keys: readonly string[], ts: number): Shape {
    let shape = this.recent.get(memo);
    if (!shape || !sameKeys(shape.keys, keys)) {
      const json = JSON.stringify(keys);
      shape = this.byJson.get(json);
      if (!shape) {
        shape = { id: Number(this.insert.run(json, ts).lastInsertRowid), keys: [...keys], lastUsed: ts };
        this.byJson.set(json, shape);
        this.byId.set(shape.id, shape);
      }
      this.recent.set(memo, shape);
    }
    if (ts > shape.lastUsed + shapeSlackMs) {
      this.touch.run(ts, shape.id);
      shape.lastUsed = ts;
    }
    return shape;
  }

  /** The keys of a stored shape id. */
  keysOf(id: number): string[] {
    const shape = this.byId.get(id);
    if (!shape) throw new Error(`metrics.db: row refers to unknown shape ${id}`);
    return shape.keys;
  }

  /** Deletes one batch of shapes last used before `cutoff`; returns how many. */
  collect(cutoff: number, batch: number): number {
    const gone = this.db.prepare('DELETE FROM shapes WHERE id IN (SELECT id FROM shapes WHERE last_used < ? LIMIT ?) RETURNING id').all(cutoff, batch) as { id: number }[];
    if (gone.length > 0) this.reload();
    return gone.length;
  }
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
