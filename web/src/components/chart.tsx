/**
 * Time-series charts with uPlot: canvas-drawn, ~45 KB, fast with tens of thousands of
 * points. Sizes follow the container; colors follow the theme.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Line {
  label: string;
  /** One value per x; null for a gap. */
  values: (number | null)[];
  color?: string;
}

const palette = ['#3b82f6', '#10b981', '#f59e0b', '#ef4444', '#8b5cf6', '#06b6d4', '#ec4899', '#84cc16'];

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/** A chart of `lines` over `xs` (ms since the epoch). */
export function TimeChart({ xs, lines, unit, height = 220, max, title }: { xs: number[]; lines: Line[]; unit?: string; height?: number; max?: number; title: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const axis = { stroke: cssVar('--muted'), grid: { stroke: cssVar('--grid'), width: 1 }, ticks: { stroke: cssVar('--grid'), width: 1 } };
    const fmt = (v: number | null) => (v === null || v === undefined ? '–' : `${Number(v.toFixed(2))}${unit ?? ''}`);
    const opts: uPlot.Options = {
      width: el.clientWidth || 600,
      height,
      cursor: { drag: { x: true, y: false } },
      legend: { show: true },
      scales: { x: { time: true }, y: max !== undefined ? { range: (_u, lo, hi) => [Math.min(0, lo), Math.max(max, hi)] } : { range: (_u, lo, hi) => [Math.min(0, lo), hi > 0 ? hi * 1.1 : 1] } },
      axes: [axis, { ...axis, values: (_u, vals) => vals.map((v) => `${v}${unit ?? ''}`), size: fitLabels }],
      series: [{}, ...lines.map((l, i) => ({ label: l.label, stroke: l.color ?? palette[i % palette.length], width: 1.5, fill: lines.length === 1 ? `${l.color ?? palette[0]}22` : undefined, value: (_u: uPlot, v: number | null) => fmt(v), spanGaps: false }))],
    };
    const data: uPlot.AlignedData = [xs.map((x) => x / 1000), ...lines.map((l) => l.values)];
    plot.current = new uPlot(opts, data, el);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: el.clientWidth, height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [xs, lines, unit, height, max]);
  return <div className="chart" ref={box} role="img" aria-label={title} data-points={xs.length} />;
}

/** The y axis as wide as its longest label (a fixed width clips "20 MB/s"). */
function fitLabels(u: uPlot, values: string[] | null, axisIdx: number, cycleNum: number): number {
  const axis = u.axes[axisIdx]!;
  if (cycleNum > 1) return (axis as { _size?: number })._size ?? 50;
  let size = (axis.ticks?.size ?? 10) + (axis.gap ?? 5);
  const longest = (values ?? []).reduce((a, v) => (v.length > a.length ? v : a), '');
  if (longest) {
    u.ctx.font = (axis.font as unknown as string[] | undefined)?.[0] ?? '12px system-ui';
    size += u.ctx.measureText(longest).width / devicePixelRatio;
  }
  return Math.ceil(size) + 4;
}

/** A tiny line without axes, for lists (SVG: cheaper than a canvas per row). */
export function Sparkline({ values, max, width = 120, height = 28 }: { values: (number | null)[]; max?: number; width?: number; height?: number }) {
  const nums = values.filter((v): v is number => v !== null);
  if (nums.length < 2) return <svg className="sparkline" width={width} height={height} aria-hidden="true" />;
  const top = max ?? Math.max(...nums, 1);
  const step = width / (values.length - 1);
  let d = '';
  values.forEach((v, i) => {
    if (v === null) return;
    const y = height - 2 - (Math.min(v, top) / top) * (height - 4);
    d += `${d === '' || values[i - 1] === null ? 'M' : 'L'}${(i * step).toFixed(1)},${y.toFixed(1)}`;
  });
  return (
    <svg className="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} aria-hidden="true">
      <path d={d} fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  );
}
