/** Plain-text tables for benchmark output: a title, a header row and left-aligned first column. */

/** A cell: text as is, numbers formatted by the caller, null shown as "—". */
export type Cell = string | null;

/** Prints `rows` under `headers`, columns padded to their widest cell; numeric-looking cells right-aligned. */
export function printTable(title: string, headers: string[], rows: Cell[][], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): void {
  const text = rows.map((r) => r.map((c) => c ?? '—'));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: string[]): string =>
    cells
      .map((c, i) => (i > 0 && /^[-+]?[\d.,]+(\s?\S+)?$|^[—x×\d.]+$/.test(c) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  out('');
  out(title);
  out(fmt(headers));
  out(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of text) out(fmt(r));
}

/** Formats a number with `digits` decimals, or null for a missing value. */
export function num(x: number | null | undefined, digits = 0): Cell {
  if (x === null || x === undefined || !Number.isFinite(x)) return null;
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Formats a ratio as "0.53×", or null. */
export function times(x: number | null | undefined): Cell {
  return x === null || x === undefined || !Number.isFinite(x) ? null : `${x.toFixed(2)}×`;
}
