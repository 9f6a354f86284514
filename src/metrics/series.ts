/**
 * Series keys. A series is a metric name plus label pairs; its key is the canonical text
 * `name` or `name{a="1",b="2"}`: labels sorted by name, empty values dropped (Prometheus
 * treats an empty label as an absent one), values escaped as in the Prometheus text format
 * (`\\`, `\"`, `\n`). One series has exactly one key, so keys can be compared as strings.
 */

/** Metric names: as in Prometheus. */
export const metricNamePattern = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/** Label names: as in Prometheus. */
export const labelNamePattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A parsed series key. */
export interface ParsedSeries {
  name: string;
  labels: Record<string, string>;
}

/** Escapes a label value as the text format does. */
export function escapeLabelValue(v: string): string {
  return /[\\"\n]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : v;
}

/** The canonical key of a series. Throws on an invalid metric or label name. */
export function seriesKey(name: string, labels: Record<string, string> = {}): string {
  if (!metricNamePattern.test(name)) throw new Error(`invalid metric name "${name.slice(0, 100)}"`);
  const names = Object.keys(labels).filter((l) => labels[l] !== '');
  if (names.length === 0) return name;
  names.sort();
  let out = `${name}{`;
  for (let i = 0; i < names.length; i++) {
    const l = names[i]!;
    if (!labelNamePattern.test(l)) throw new Error(`invalid label name "${l.slice(0, 100)}"`);
    out += `${i ? ',' : ''}${l}="${escapeLabelValue(labels[l]!)}"`;
  }
  return `${out}}`;
}

/** Parses a key written as the text format writes a series; throws naming the problem. Accepts non-canonical order. */
export function parseSeriesKey(key: string): ParsedSeries {
  const brace = key.indexOf('{');
  const name = brace < 0 ? key : key.slice(0, brace);
  if (!metricNamePattern.test(name)) throw new Error(`invalid metric name "${name.slice(0, 100)}"`);
  const labels: Record<string, string> = {};
  if (brace < 0) return { name, labels };
  if (!key.endsWith('}')) throw new Error('labels must end with "}"');
  let i = brace + 1;
  const end = key.length - 1;
  while (i < end) {
    const eq = key.indexOf('=', i);
    if (eq < 0) throw new Error(`expected label=value at offset ${i}`);
    const label = key.slice(i, eq);
    if (!labelNamePattern.test(label)) throw new Error(`invalid label name "${label.slice(0, 100)}"`);
    if (key[eq + 1] !== '"') throw new Error(`label ${label}: value must be in double quotes`);
    let value = '';
    let j = eq + 2;
    for (; j < end; j++) {
      const c = key[j]!;
      if (c === '"') break;
      if (c === '\\') {
        const n = key[++j];
        if (n === 'n') value += '\n';
        else if (n === '\\' || n === '"') value += n;
        else throw new Error(`label ${label}: invalid escape "\\${n ?? ''}"`);
      } else value += c;
    }
    if (j >= end) throw new Error(`label ${label}: unterminated value`);
    if (Object.hasOwn(labels, label)) throw new Error(`label ${label} appears twice`);
    labels[label] = value;
    i = j + 1;
    if (i < end) {
      if (key[i] !== ',') throw new Error(`expected "," after label ${label}`);
      i++;
      if (i === end) throw new Error('trailing ","');
    }
  }
  return { name, labels };
}

/** Why `key` is not a canonical series key, or null when it is. */
export function seriesKeyProblem(key: string): string | null {
  let parsed: ParsedSeries;
  try {
    parsed = parseSeriesKey(key);
  } catch (err) {
    return `series key "${key.slice(0, 200)}": ${(err as Error).message}`;
  }
  for (const v of Object.values(parsed.labels)) {
    // PostgreSQL text cannot hold NUL; refuse it everywhere so both stores answer alike.
    if (v.includes('\u0000')) return `series key "${key.slice(0, 200)}": label values must not contain NUL`;
  }
  const canonical = seriesKey(parsed.name, parsed.labels);
  if (canonical !== key) return `series key "${key.slice(0, 200)}" is not canonical (labels sorted, no empty values); write "${canonical.slice(0, 200)}"`;
  return null;
}

/** The metric name of a canonical key (no parsing of labels). */
export function nameOf(key: string): string {
  const brace = key.indexOf('{');
  return brace < 0 ? key : key.slice(0, brace);
}
