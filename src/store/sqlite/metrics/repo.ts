/** SQLite metric store in metrics.db (being written). */
import type { MetricRepo } from '../../index.js';

/** SQLite implementation of MetricRepo. */
export class SqliteMetricRepo {
  /** Opens (creating and migrating) metrics.db in `dir`. */
  static open(dir: string): MetricRepo & { close(): Promise<void> } {
    void dir;
    return new Proxy({ close: async () => {} } as MetricRepo & { close(): Promise<void> }, {
      get: (t, prop) => (prop === 'close' ? t.close : () => Promise.reject(new Error(`metrics.${String(prop)}: not implemented yet`))),
    });
  }
}
