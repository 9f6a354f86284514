/** A percentage as a number and a short bar, colored past 75% and 90% (as the overview's meters). */
import { percent } from '../format';

export function PercentMeter({ value, label }: { value: number | null | undefined; label: string }) {
  if (value === null || value === undefined) return <span className="muted">–</span>;
  return (
    <span className="cell-meter" title={`${label} ${percent(value)}`}>
      <span className="cell-meter-value">{percent(value, 0)}</span>
      <span className="meter-bar" aria-hidden="true">
        <span className={`meter-fill ${value > 90 ? 'bad' : value > 75 ? 'warn' : ''}`} style={{ width: `${Math.min(100, Math.max(0, value))}%` }} />
      </span>
    </span>
  );
}
