/**
 * A parser for the Prometheus text exposition format (0.0.4), the format node_exporter and
 * every client library serve: `# HELP` / `# TYPE` lines, other comments, and sample lines
 * `name{label="value",…} value [timestamp]`. Histograms and summaries arrive as their
 * `_bucket` / `_sum` / `_count` (and quantile) samples, which are parsed like any other.
 *
 * Unlike Prometheus, which refuses a whole scrape for one bad line, a malformed line is
 * skipped and reported with its line number; the other samples are kept. (npm's one
 * parser, parse-prometheus-text-format, builds nested family objects and fails as a whole;
 * this one is a single pass over the text giving flat samples.)
 */

/** One sample line. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  /** May be NaN or ±Infinity (the format allows them). */
  value: number;
  /** Milliseconds since the epoch, when the line gives one. */
  timestampMs?: number;
}

/** What a text yields. */
export interface ParsedText {
  samples: Sample[];
  /** Family name → type from `# TYPE` lines. */
  types: Map<string, string>;
  /** Family name → help text from `# HELP` lines. */
  help: Map<string, string>;
  /** Lines that were skipped, 1-based, with the reason. */
  errors: { line: number; message: string }[];
}

const types = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const floatPattern = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const intPattern = /^[+-]?\d+$/;

class LineError extends Error {}

/** Parses exposition text; never throws. */
export function parseText(text: string): ParsedText {
  const out: ParsedText = { samples: [], types: new Map(), help: new Map(), errors: [] };
  let lineNo = 0;
  let pos = 0;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    lineNo++;
    const line = text.charCodeAt(end - 1) === 13 ? text.slice(pos, end - 1) : text.slice(pos, end);
    pos = end + 1;
    try {
      parseLine(line, out);
    } catch (err) {
      if (!(err instanceof LineError)) throw err;
      out.errors.push({ line: lineNo, message: err.message });
    }
  }
  return out;
}

function parseLine(line: string, out: ParsedText): void {
  let i = skipBlank(line, 0);
  if (i >= line.length) return;
  if (line[i] === '#') {
    parseComment(line, i + 1, out);
    return;
  }
  const nameEnd = scanName(line, i, true);
  if (nameEnd === i) throw new LineError(`expected a metric name, found "${clip(line.slice(i))}"`);
  const name = line.slice(i, nameEnd);
  const shown = clip(name);
  if (nameEnd < line.length && line[nameEnd] !== ' ' && line[nameEnd] !== '\t' && line[nameEnd] !== '{') throw new LineError(`invalid character "${line[nameEnd]}" in metric name`);
  i = skipBlank(line, nameEnd);
  let labels: Record<string, string> = {};
  if (line[i] === '{') [labels, i] = parseLabels(line, i + 1);
  i = skipBlank(line, i);
  const valueEnd = scanToken(line, i);
  if (valueEnd === i) throw new LineError(`${shown}: missing value`);
  const value = parseFloatToken(line.slice(i, valueEnd));
  if (value === undefined) throw new LineError(`${shown}: invalid value "${clip(line.slice(i, valueEnd))}"`);
  i = skipBlank(line, valueEnd);
  const sample: Sample = { name, labels, value };
  if (i < line.length) {
    const tsEnd = scanToken(line, i);
    const token = line.slice(i, tsEnd);
    if (!intPattern.test(token)) throw new LineError(`${shown}: invalid timestamp "${clip(token)}"`);
    sample.timestampMs = Number(token);
    if (skipBlank(line, tsEnd) < line.length) throw new LineError(`${shown}: unexpected text after the timestamp`);
  }
  out.samples.push(sample);
}

/** `# HELP name text`, `# TYPE name type`, or any other comment (ignored). */
function parseComment(line: string, from: number, out: ParsedText): void {
  let i = skipBlank(line, from);
  const wordEnd = scanToken(line, i);
  const word = line.slice(i, wordEnd);
  if (word !== 'HELP' && word !== 'TYPE') return;
  i = skipBlank(line, wordEnd);
  const nameEnd = scanName(line, i, true);
  if (nameEnd === i || (nameEnd < line.length && line[nameEnd] !== ' ' && line[nameEnd] !== '\t')) throw new LineError(`# ${word}: invalid metric name`);
  const name = line.slice(i, nameEnd);
  const rest = line.slice(skipBlank(line, nameEnd));
  if (word === 'TYPE') {
    const type = rest.trim().toLowerCase();
    if (!types.has(type)) throw new LineError(`# TYPE ${name}: unknown type "${clip(rest)}"`);
    out.types.set(name, type);
  } else {
    out.help.set(name, unescapeHelp(rest));
  }
}

/** Parses `a="1",b="2"}` from just after `{`; returns the labels and the index after `}`. */
function parseLabels(line: string, from: number): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  let i = skipBlank(line, from);
  while (true) {
    if (line[i] === '}') return [labels, i + 1];
    const nameEnd = scanName(line, i, false);
    if (nameEnd === i) throw new LineError(i >= line.length ? 'unterminated label set' : `invalid label name at "${clip(line.slice(i))}"`);
    const label = line.slice(i, nameEnd);
    if (label === '__name__') throw new LineError('label name __name__ is reserved');
    const shown = clip(label);
    i = skipBlank(line, nameEnd);
    if (line[i] !== '=') throw new LineError(`label ${shown}: expected "="`);
    i = skipBlank(line, i + 1);
    if (line[i] !== '"') throw new LineError(`label ${shown}: value must be in double quotes`);
    let value = '';
    let j = i + 1;
    let chunk = j;
    for (; j < line.length; j++) {
      const c = line.charCodeAt(j);
      if (c === 34 /* " */) break;
      if (c === 92 /* \ */) {
        value += line.slice(chunk, j);
        const n = line[j + 1];
        if (n === 'n') value += '\n';
        else if (n === '\\' || n === '"') value += n;
        else throw new LineError(`label ${shown}: invalid escape "\\${n ?? ''}"`);
        j++;
        chunk = j + 1;
      }
    }
    if (j >= line.length) throw new LineError(`label ${shown}: unterminated value`);
    value += line.slice(chunk, j);
    if (Object.hasOwn(labels, label)) throw new LineError(`label ${shown} appears twice`);
    labels[label] = value;
    i = skipBlank(line, j + 1);
    if (line[i] === ',') i = skipBlank(line, i + 1);
    else if (line[i] !== '}') throw new LineError(`label ${shown}: expected "," or "}"`);
  }
}

/** Float as Go's ParseFloat reads it in this format: decimal, Inf, NaN (no hex, no "_"). */
export function parseFloatToken(token: string): number | undefined {
  if (floatPattern.test(token)) return Number(token);
  switch (token.toLowerCase()) {
    case 'nan':
    case '+nan':
    case '-nan':
      return NaN;
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
  }
  return undefined;
}

function skipBlank(line: string, i: number): number {
  while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
  return i;
}

function scanToken(line: string, i: number): number {
  while (i < line.length && line[i] !== ' ' && line[i] !== '\t') i++;
  return i;
}

/** End of a metric name (colons allowed) or label name starting at `i`; `i` itself when none. */
function scanName(line: string, i: number, colons: boolean): number {
  const start = i;
  while (i < line.length) {
    const c = line.charCodeAt(i);
    const ok = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (colons && c === 58) || (i > start && c >= 48 && c <= 57);
    if (!ok) break;
    i++;
  }
  return i;
}

function unescapeHelp(text: string): string {
  return text.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
