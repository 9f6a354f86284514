/**
 * Creating a silence: matchers (prefilled from an alert's labels, or empty), how long, and
 * why. The preview applies the matchers to the active alerts the way the hub does
 * (alerts/matchers.ts: regexes anchored, an absent label is the empty string), so the
 * operator sees what will go quiet before creating it.
 */
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { api } from '../api';
import { dateTime } from '../format';
import type { Alert, Matcher, Silence } from '../types';
import { LabelChips, shownElsewhere } from './alert-labels';

const ops: Matcher['op'][] = ['=', '!=', '=~', '!~'];
const durations = ['30m', '1h', '2h', '4h', '8h', '12h', '1d', '2d', '7d'];
const unitMs: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Matchers that pick out exactly this alert: every label but severity (the rule may change it). */
export function matchersFor(alert: Alert): Matcher[] {
  return Object.entries(alert.labels)
    .filter(([k]) => k !== 'severity')
    .sort(([a], [b]) => (a === 'alertname' ? -1 : b === 'alertname' ? 1 : a.localeCompare(b)))
    .map(([name, value]) => ({ name, op: '=', value }));
}

/** A test for label sets, or the reason the matcher is invalid. */
function compile(m: Matcher): ((l: Record<string, string>) => boolean) | string {
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(m.name)) return `"${m.name}" is not a label name (letters, digits and _)`;
  if (m.op === '=') return (l) => (l[m.name] ?? '') === m.value;
  if (m.op === '!=') return (l) => (l[m.name] ?? '') !== m.value;
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${m.value})$`);
  } catch (err) {
    return `${m.name}${m.op}: ${(err as Error).message}`;
  }
  return m.op === '=~' ? (l) => re.test(l[m.name] ?? '') : (l) => !re.test(l[m.name] ?? '');
}

/** "90m", "2h", "1.5d" in ms (one number and a unit, as the hub reads `duration`), or undefined. */
function parseDuration(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(s.trim());
  return m ? Number(m[1]) * unitMs[m[2]!]! : undefined;
}

/**
 * The new-silence dialog. `alert` prefills the matchers; `active` is what the preview
 * matches against. Calls `onCreated` with the silence the hub made, `onClose` when done.
 */
export function SilenceDialog({ alert, active, onClose, onCreated }: { alert?: Alert; active: Alert[]; onClose: () => void; onCreated: (s: Silence) => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [matchers, setMatchers] = useState<Matcher[]>(() => (alert ? matchersFor(alert) : [{ name: 'alertname', op: '=', value: '' }]));
  const [duration, setDuration] = useState('2h');
  const [custom, setCustom] = useState('');
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  // An error is about the input it was given: editing clears it.
  useEffect(() => setError(null), [matchers, duration, custom, comment]);

  const span = duration === 'custom' ? custom : duration;
  const ms = parseDuration(span);
  const compiled = useMemo(() => matchers.map(compile), [matchers]);
  const problem = compiled.find((c): c is string => typeof c === 'string');
  const tests = problem ? [] : (compiled as ((l: Record<string, string>) => boolean)[]);
  const matchesEverything = !problem && tests.length > 0 && tests.every((t) => t({}));
  const muted = problem || matchesEverything ? [] : active.filter((a) => tests.every((t) => t(a.labels)));

  const edit = (i: number, patch: Partial<Matcher>) => setMatchers((ms) => ms.map((m, j) => (j === i ? { ...m, ...patch } : m)));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (problem) return setError(problem);
    if (ms === undefined) return setError(`"${span}" is not a duration: write it like 90m, 2h or 1d`);
    if (!comment.trim()) return setError('Say why (a ticket, a deploy, maintenance): the next person on call will want to know.');
    setBusy(true);
    setError(null);
    try {
      const { silence } = await api.post<{ silence: Silence }>('/api/silences', { matchers, duration: span, comment: comment.trim() });
      onCreated(silence);
      ref.current?.close();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog ref={ref} className="silence-dialog" aria-labelledby="silence-title" onClose={onClose}>
      <form className="dialog-body" onSubmit={(e) => void submit(e)}>
        <h2 id="silence-title">{alert ? `Silence ${alert.rule}` : 'New silence'}</h2>
        <p className="hint">Matching alerts still change state and show here, but no notification is sent until the silence ends.</p>
        <fieldset className="matchers">
          <legend>Matchers (all must match)</legend>
          {matchers.map((m, i) => (
            <div key={i} className="matcher-row">
              <input aria-label={`Matcher ${i + 1} label`} placeholder="label" value={m.name} onChange={(e) => edit(i, { name: e.target.value })} required />
              <select aria-label={`Matcher ${i + 1} operator`} value={m.op} onChange={(e) => edit(i, { op: e.target.value as Matcher['op'] })}>
                {ops.map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
              <input aria-label={`Matcher ${i + 1} value`} placeholder={m.op.includes('~') ? 'regular expression' : 'value'} value={m.value} onChange={(e) => edit(i, { value: e.target.value })} />
              <button type="button" className="btn-icon" aria-label={`Remove matcher ${i + 1}`} title="Remove" disabled={matchers.length === 1} onClick={() => setMatchers((ms) => ms.filter((_, j) => j !== i))}>
                ×
              </button>
            </div>
          ))}
          <button type="button" className="btn btn-small btn-ghost add-matcher" onClick={() => setMatchers((ms) => [...ms, { name: '', op: '=', value: '' }])}>
            + Add matcher
          </button>
        </fieldset>
        <div className="silence-when">
          <label>
            Duration
            <select value={duration} onChange={(e) => setDuration(e.target.value)} aria-label="Duration">
              {durations.map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
              <option value="custom">other…</option>
            </select>
          </label>
          {duration === 'custom' && (
            <label>
              How long
              <input value={custom} onChange={(e) => setCustom(e.target.value)} placeholder="e.g. 90m, 3d" aria-label="Custom duration" autoFocus />
            </label>
          )}
          <span className="muted ends">{ms !== undefined ? `until ${dateTime(Date.now() + ms)}` : ''}</span>
        </div>
        <label>
          Comment
          <textarea value={comment} onChange={(e) => setComment(e.target.value)} rows={2} maxLength={1000} placeholder="Why: a ticket, a deploy, planned maintenance…" aria-label="Comment" autoFocus={alert !== undefined} />
        </label>
        <div className="silence-preview" data-testid="silence-preview">
          {problem ? (
            <span className="muted">{problem}</span>
          ) : matchesEverything ? (
            <span className="val-bad">These matchers also match alerts without the label: add one that needs a value (e.g. alertname=HighCPU).</span>
          ) : (
            <>
              <strong>
                Mutes {muted.length} of {active.length} active alert{active.length === 1 ? '' : 's'}
              </strong>
              {muted.length > 0 && (
                <ul>
                  {muted.slice(0, 5).map((a) => (
                    <li key={a.fingerprint}>
                      <b>{a.rule}</b> <LabelChips labels={a.labels} skip={shownElsewhere} />
                    </li>
                  ))}
                  {muted.length > 5 && <li className="muted">and {muted.length - 5} more</li>}
                </ul>
              )}
            </>
          )}
        </div>
        {error && (
          <div className="form-error" role="alert">
            {error}
          </div>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={() => ref.current?.close()}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create silence'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
