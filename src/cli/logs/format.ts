/**
 * How `wheelhouse logs` prints entries: seed 000's layout (`2024-11-22 10:30:00 [INFO]
 * codex: message`, then indented Context, Trace ID and User lines), colored by level, or
 * one JSON object per line.
 */
import type { LogEntry } from '../../logs/index.js';
import { paint } from '../output.js';

/** Colors an entry may use; the caller decides whether they become escape codes. */
export type Painter = (color: 'red' | 'green' | 'yellow' | 'gray' | 'bold', text: string) => string;

/** How entries are printed. */
export interface FormatOptions {
  /** Times in UTC instead of the local zone. */
  utc: boolean;
  /** Defaults to the terminal's painter (colors on a TTY without NO_COLOR only). */
  paint?: Painter;
}

const levelPaint: Record<string, (p: Painter, text: string) => string> = {
  DEBUG: (p, t) => p('gray', t),
  INFO: (p, t) => p('green', t),
  WARNING: (p, t) => p('yellow', t),
  ERROR: (p, t) => p('red', t),
  CRITICAL: (p, t) => p('bold', p('red', t)),
};

/** `YYYY-MM-DD HH:MM:SS` in the local zone or in UTC; the input unchanged if it is not a time. */
export function formatTime(timestamp: string, utc: boolean): string {
  const d = new Date(timestamp);
  if (Number.isNaN(d.getTime())) return timestamp;
  const [y, mo, day, h, mi, s] = utc
    ? [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()]
    : [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()];
  return `${y}-${two(mo)}-${two(day)} ${two(h)}:${two(mi)}:${two(s)}`;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * One entry as text, ending in a newline. Continuation lines of a multi-line message (stack
 * traces) are indented by four spaces, detail lines by two; an entry with any of those is
 * followed by a blank line so that entries stay apart, as in the seed's output.
 */
export function formatEntry(e: LogEntry, opts: FormatOptions): string {
  const p = opts.paint ?? paint;
  const [first = '', ...rest] = e.message.replace(/\s+$/, '').split(/\r?\n/);
  const tag = (levelPaint[e.level] ?? ((_p, t) => t))(p, `[${e.level}]`);
  const lines = [`${formatTime(e.timestamp, opts.utc)} ${tag} ${safe(e.service_name)}: ${safe(first)}`];
  for (const line of rest) lines.push(`    ${safe(line)}`);
  if (e.context && Object.keys(e.context).length > 0) lines.push(`  Context: ${safe(pythonJson(e.context))}`);
  if (e.trace_id) lines.push(`  Trace ID: ${safe(e.trace_id)}`);
  if (e.user_id) lines.push(`  User: ${safe(e.user_id)}`);
  if (lines.length > 1) lines.push('');
  return `${lines.join('\n')}\n`;
}

/** One entry as a line of NDJSON. */
export function formatJsonLine(e: LogEntry): string {
  return `${JSON.stringify(e)}\n`;
}

/**
 * Control characters other than tab, written out as \xNN: a log line must not move the
 * cursor, retitle the terminal or paint it (services' output is stored as they wrote it).
 */
export function safe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** JSON with Python's default separators (`{"a": 1, "b": [2, 3]}`), as the seed prints contexts. */
export function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => pythonJson(v ?? null)).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}: ${pythonJson(v)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
