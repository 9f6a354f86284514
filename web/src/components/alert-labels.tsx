/** Alert labels and silence matchers as small chips, and the numbers alerts carry. */
import type { Matcher } from '../types';

/** Labels every alert has and the page shows elsewhere (as the rule and the severity badge). */
export const shownElsewhere = new Set(['alertname', 'severity']);

/** `name=value` chips, sorted, without `skip`. */
export function LabelChips({ labels, skip = shownElsewhere }: { labels: Record<string, string>; skip?: ReadonlySet<string> }) {
  const entries = Object.entries(labels)
    .filter(([k]) => !skip.has(k))
    .sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <span className="muted">–</span>;
  return (
    <span className="lbls">
      {entries.map(([k, v]) => (
        <span key={k} className="lbl" title={`${k}=${v}`}>
          <span className="lbl-k">{k}</span>=<span className="lbl-v">{v}</span>
        </span>
      ))}
    </span>
  );
}

/** `name op value` chips for a silence. */
export function MatcherChips({ matchers }: { matchers: Matcher[] }) {
  return (
    <span className="lbls">
      {matchers.map((m, i) => (
        <span key={i} className="lbl" title={`${m.name}${m.op}"${m.value}"`}>
          <span className="lbl-k">{m.name}</span>
          <span className="lbl-op">{m.op}</span>
          <span className="lbl-v">{m.value}</span>
        </span>
      ))}
    </span>
  );
}

/** An alert's value: at most two decimals, as the hub writes it in annotations. */
export function alertValue(v: number | null | undefined): string {
  if (v === null || v === undefined) return '–';
  return String(Math.round(v * 100) / 100);
}
