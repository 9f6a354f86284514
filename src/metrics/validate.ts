/**
 * The ingest gate: every point is checked before anything is stored, and a bad one refuses
 * the whole call with AppError('request/invalid') naming the point and the problem. Keys
 * that passed once are remembered, so a fleet's repeated keys are checked once.
 */
import { AppError } from '../core/errors.js';
import { formatUptime } from '../core/units.js';
import type { MetricPoint } from '../store/index.js';
import { seriesKeyProblem } from './series.js';

/** Points further in the future than this are refused (a clock gone wrong). */
export const maxFutureMs = 86_400_000;
/** Most values in one point. */
export const maxValuesPerPoint = 100_000;
/** Longest series key. */
export const maxKeyLength = 4096;
/** Longest source name. */
export const maxSourceLength = 200;
/** Keys remembered as valid before the memory is cleared (it only saves work). */
const rememberedKeys = 500_000;

/** Checks points; returns them with ts rounded to whole milliseconds. */
export class PointValidator {
  private readonly valid = new Set<string>();

  check(points: readonly unknown[], now: number, rawMs: number): MetricPoint[] {
    if (!Array.isArray(points)) throw invalid('points must be an array of {source, ts, values}');
    const out: MetricPoint[] = new Array(points.length);
    points.forEach((raw, i) => {
      const where = (source?: string) => `point ${i}${source === undefined ? '' : ` (source "${source.slice(0, 100)}")`}`;
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw invalid(`${where()}: must be an object {source, ts, values}`);
      const { source, ts, values } = raw as Record<string, unknown>;
      if (typeof source !== 'string' || source.length === 0) throw invalid(`${where()}: source must be a non-empty string`);
      if (source.length > maxSourceLength || /[\u0000-\u001f\u007f]/.test(source)) throw invalid(`${where(source)}: source must be at most ${maxSourceLength} characters without control characters`);
      if (typeof ts !== 'number' || !Number.isFinite(ts)) throw invalid(`${where(source)}: ts must be a number of milliseconds since the epoch`);
      if (ts > now + maxFutureMs) throw invalid(`${where(source)}: ts ${iso(ts)} is more than 24h in the future`);
      if (ts < now - rawMs) throw invalid(`${where(source)}: ts ${iso(ts)} is older than the raw retention (${formatUptime(rawMs / 1000)})`);
      if (values === null || typeof values !== 'object' || Array.isArray(values)) throw invalid(`${where(source)}: values must be an object of series key → number`);
      let n = 0;
      for (const key in values) {
        if (++n > maxValuesPerPoint) throw invalid(`${where(source)}: more than ${maxValuesPerPoint} values`);
        const v = (values as Record<string, unknown>)[key];
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          throw invalid(`${where(source)}: value of "${key.slice(0, 200)}" is ${typeof v === 'number' ? String(v) : JSON.stringify(v) ?? typeof v}; values must be finite numbers`);
        }
        if (!this.valid.has(key)) {
          const problem = key.length > maxKeyLength ? `series key is longer than ${maxKeyLength} characters` : seriesKeyProblem(key);
          if (problem) throw invalid(`${where(source)}: ${problem}`);
          if (this.valid.size >= rememberedKeys) this.valid.clear();
          this.valid.add(key);
        }
      }
      out[i] = { source, ts: Math.round(ts), values: values as Record<string, number> };
    });
    return out;
  }
}

function invalid(message: string): AppError {
  return new AppError('request/invalid', message);
}

function iso(ts: number): string {
  return Math.abs(ts) < 8.64e15 ? new Date(ts).toISOString() : String(ts);
}
