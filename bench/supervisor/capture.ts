/**
 * The stdout capture check: waits until a manager has stored all of the writer's numbered
 * lines, then counts lost, duplicated and foreign lines.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { epochMs, now, sleep } from '../lib/clock.js';
import type { CaptureResult } from './model.js';
import type { CapturedOutput } from './types.js';

/** What the writer fixture records about itself. */
interface WriterReport {
  pid: number;
  lines: number;
  startEpochMs: number;
  loopMs: number;
}

/** Exact size of "line 1\n" … "line <n>\n": a log file is complete no earlier than this. */
export function expectedBytes(n: number): number {
  let bytes = 0;
  for (let i = 1; i <= n; i++) bytes += 6 + String(i).length;
  return bytes;
}

/** Output kept in a plain log file (PM2, supervisord, the floor). */
export function fileOutput(path: string): CapturedOutput {
  return { where: path, unit: 'bytes', stored: async () => sizeOf(path), lines: () => fileLines(path) };
}

function* fileLines(path: string): Generator<string> {
  const text = existsSync(path) ? readFileSync(path, 'latin1') : '';
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    yield text.slice(start, end);
    start = end + 1;
  }
}

/** Counts each "line <k>" (1 ≤ k ≤ n) among `lines`. */
export async function countLines(lines: AsyncIterable<string> | Iterable<string>, n: number): Promise<{ stored: number; lost: number; duplicated: number; other: number }> {
  const seen = new Uint32Array(n + 1);
  let stored = 0;
  let other = 0;
  for await (const line of lines) {
    stored += 1;
    const m = /^line (\d+)$/.exec(line);
    const k = m ? Number(m[1]) : 0;
    if (k >= 1 && k <= n) seen[k]! += 1;
    else other += 1;
  }
  let lost = 0;
  let duplicated = 0;
  for (let k = 1; k <= n; k++) {
    if (seen[k] === 0) lost += 1;
    else duplicated += seen[k]! - 1;
  }
  return { stored, lost, duplicated, other };
}

/**
 * Polls `output` every 10 ms until it holds all `n` lines, or stops growing for 5 s after the
 * writer finished, or `timeoutMs` passes. The writer's report comes from `sideFile`.
 */
export async function collectCapture(output: CapturedOutput, sideFile: string, n: number, timeoutMs: number): Promise<CaptureResult> {
  const target = output.unit === 'bytes' ? expectedBytes(n) : n;
  const deadline = now() + timeoutMs;
  let completeAt: number | null = null;
  let checked = -1;
  let last = -1;
  let lastGrowth = now();
  for (;;) {
    const at = epochMs();
    const stored = await output.stored();
    if (stored !== last) {
      last = stored;
      lastGrowth = now();
    }
    // Reading everything back takes 0.1–2 s: only once the cheap count says it may be
    // complete, and again only after it changed.
    if (stored >= target && stored !== checked) {
      checked = stored;
      if ((await countLines(output.lines(), n)).lost === 0) {
        completeAt = at;
        break;
      }
    }
    if ((existsSync(sideFile) && now() - lastGrowth > 5000) || now() > deadline) break;
    await sleep(10);
  }
  const writer = await readWriter(sideFile);
  const counts = await countLines(output.lines(), n);
  const completeMs = completeAt !== null && writer ? completeAt - writer.startEpochMs : null;
  return {
    lines: n,
    where: output.where,
    storedLines: counts.stored,
    linesPerSec: completeMs !== null && completeMs > 0 ? n / (completeMs / 1000) : null,
    completeMs,
    lost: counts.lost,
    duplicated: counts.duplicated,
    otherLines: counts.other,
    writerLoopMs: writer?.loopMs ?? null,
  };
}

async function readWriter(sideFile: string): Promise<WriterReport | null> {
  for (let i = 0; i < 100 && !existsSync(sideFile); i++) await sleep(50);
  return existsSync(sideFile) ? (JSON.parse(readFileSync(sideFile, 'utf8')) as WriterReport) : null;
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
