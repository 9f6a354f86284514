/** Writing a benchmark's raw numbers and verdicts to bench/results/<name>.json (git-ignored). */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** Where result files go. */
export const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));

/** Writes `data` as pretty JSON to bench/results/<name>.json, atomically; returns the path. */
export function writeResults(name: string, data: unknown): string {
  mkdirSync(resultsDir, { recursive: true });
  const path = join(resultsDir, `${name}.json`);
  // A half-written file would look like a finished run to whoever reads it next.
  writeFileSync(`${path}.tmp`, `${JSON.stringify(data, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
  return path;
}
