/**
 * One chart of the host view: the series of one API chart (GET /api/hosts/:id → charts.x)
 * drawn with TimeChart, bytes scaled to a readable unit, and a note when there is no data.
 */
import { useMemo } from 'react';
import type { MetricSeries } from '../types';
import { TimeChart, type Line } from './chart';

/** How a chart shows its values. */
export type ChartUnit = { kind: 'percent' } | { kind: 'bytes-rate' } | { kind: 'plain'; suffix?: string };

const byteUnits = ['B/s', 'KB/s', 'MB/s', 'GB/s', 'TB/s'];

/** One x axis for every series (they share the query's steps, but do not rely on it), values by x. */
function align(series: MetricSeries[], label: (s: MetricSeries) => string, divisor: number): { xs: number[]; lines: Line[]; values: number } {
  const xs = [...new Set(series.flatMap((s) => s.points.map(([t]) => t)))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  let values = 0;
  const lines = series.map((s) => {
    const out: (number | null)[] = new Array(xs.length).fill(null);
    for (const [t, v] of s.points) {
      if (v === null) continue;
      out[index.get(t)!] = v / divisor;
      values++;
    }
    return { label: label(s), values: out };
  });
  return { xs, lines, values };
}

/** The unit that keeps the data's peak under 10,000: "1.2 MB/s" rather than "1258291 B/s". */
function byteScale(series: MetricSeries[]): { divisor: number; unit: string } {
  let peak = 0;
  for (const s of series) for (const [, v] of s.points) if (v !== null && v > peak) peak = v;
  let i = 0;
  while (peak >= 1024 * 10 && i < byteUnits.length - 1) {
    peak /= 1024;
    i++;
  }
  return { divisor: 1024 ** i, unit: byteUnits[i]! };
}

/**
 * A titled panel with one chart of `series`, each line named by `label`. A byte rate's unit
 * goes in the title: the axis has room for "750", not for "750 KB/s".
 */
export function HostChart({ name, title, series, label, unit, height = 200, emptyText }: { name: string; title: string; series: MetricSeries[]; label: (s: MetricSeries) => string; unit: ChartUnit; height?: number; emptyText: string }) {
  const { xs, lines, values, suffix, titleUnit, max } = useMemo(() => {
    const scale = unit.kind === 'bytes-rate' ? byteScale(series) : { divisor: 1, unit: '' };
    const suffix = unit.kind === 'percent' ? '%' : unit.kind === 'plain' ? (unit.suffix ?? '') : '';
    return { ...align(series, label, scale.divisor), suffix, titleUnit: scale.unit, max: unit.kind === 'percent' ? 100 : undefined };
    // `label` is a new function on every render of the page; the series decide what is drawn.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [series, unit.kind]);
  return (
    <section className="panel host-chart" data-chart={name} data-values={values} aria-labelledby={`chart-${name}`}>
      <h3 id={`chart-${name}`}>
        {title}
        {titleUnit && <span className="chart-unit"> · {titleUnit}</span>}
      </h3>
      {series.length === 0 ? (
        <div className="chart-empty">{emptyText}</div>
      ) : (
        <div className="chart-box">
          <TimeChart xs={xs} lines={lines} unit={suffix} height={height} max={max} title={`${title} over time`} />
          {values === 0 && <div className="chart-overlay">No data in this range yet</div>}
        </div>
      )}
    </section>
  );
}
