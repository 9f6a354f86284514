/**
 * Checks of the samples of a report, so a bad one is refused on its own with a message
 * naming the key: every key a canonical series key (metrics/series.ts decides), every value a
 * finite number. Keys repeat from report to report, so verdicts are cached.
 */
import { seriesKeyProblem as keyProblem } from '../metrics/series.js';

const cacheLimit = 50_000;

/** Verdicts by key: null when the key is canonical, else the problem. */
const verdicts = new Map<string, string | null>();

/** Null when `key` is a canonical series key, else what is wrong with it. */
export function seriesKeyProblem(key: string): string | null {
  const known = verdicts.get(key);
  if (known !== undefined) return known;
  const verdict = key.length > 300 ? 'longer than 300 characters' : keyProblem(key);
  if (verdicts.size >= cacheLimit) verdicts.clear();
  verdicts.set(key, verdict);
  return verdict;
}

/** The first problem with a report's samples, or null. */
export function samplesProblem(samples: Record<string, unknown>): string | null {
  for (const key in samples) {
    const v = samples[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) return `samples["${key}"]: must be a finite number`;
    const problem = seriesKeyProblem(key);
    if (problem) return `samples: ${problem}`;
  }
  return null;
}
