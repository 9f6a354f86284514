/**
 * Registering a host from the Hosts page (admins): POST /api/hosts, then the agent's
 * commands with the host's API key filled in, shown once, like `wheelhouse hosts add`.
 */
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { CopyField, DialogFormActions, Field, Modal } from '../pages/settings-ui';
import '../pages/settings.css';
import { AgentSetup } from './host-setup';

/** What POST /api/hosts answers. */
interface Registered {
  host_id: string;
  api_key: string;
  host: { interval_s: number };
}

/** "env=prod, role=web" → {env: "prod", role: "web"}; the first entry that is not name=value is the error. */
function parseLabels(text: string): { labels: Record<string, string> } | { error: string } {
  const labels: Record<string, string> = {};
  for (const part of text.split(/[,\s]+/).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) return { error: `Label "${part}" is not name=value.` };
    labels[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return { labels };
}

/** The form, then the key once. `onDone` runs when the dialog closes after a registration. */
export function RegisterHost({ onClose, onDone }: { onClose: () => void; onDone: () => void }) {
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [labels, setLabels] = useState('');
  const [interval, setIntervalS] = useState('10');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [registered, setRegistered] = useState<Registered | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseLabels(labels);
    if ('error' in parsed) return setError(parsed.error);
    setBusy(true);
    setError(null);
    try {
      const body = { id: id.trim(), ...(name.trim() ? { name: name.trim() } : {}), interval_s: Number(interval), labels: parsed.labels };
      setRegistered(await api.post<Registered>('/api/hosts', body));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  if (registered) {
    return (
      <Modal title={`Host ${registered.host_id} registered`} onClose={onDone} wide>
        <p className="dialog-text">
          <b>Copy the API key now: it is shown only this once.</b> The hub keeps only a hash of it; if it is lost, give the host a new one with{' '}
          <code>wheelhouse hosts rotate-key {registered.host_id}</code>.
        </p>
        <CopyField label="API key" value={registered.api_key} testId="host-api-key" />
        <AgentSetup hostId={registered.host_id} apiKey={registered.api_key} intervalS={registered.host.interval_s} />
        <div className="dialog-actions">
          <button type="button" className="btn btn-primary" onClick={onDone}>
            I have copied it
          </button>
        </div>
      </Modal>
    );
  }
  return (
    <Modal title="Register a host" onClose={onClose}>
      <form className="settings-form" onSubmit={submit}>
        <Field label="Host id" hint="How the agent names itself (--host-id): letters, digits, dots, dashes and underscores.">
          <input required autoFocus value={id} onChange={(e) => setId(e.target.value)} maxLength={100} placeholder="web-1" spellCheck={false} autoComplete="off" />
        </Field>
        <Field label="Display name" optional>
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={100} placeholder="Web server 1" />
        </Field>
        <Field label="Labels" optional hint="name=value pairs, separated by commas: they become alert and query labels.">
          <input value={labels} onChange={(e) => setLabels(e.target.value)} placeholder="env=prod, role=web" spellCheck={false} autoComplete="off" />
        </Field>
        <Field label="Report interval (seconds)" hint="How often the agent reports (its --interval); the host goes stale after a few missed reports.">
          <input type="number" min={1} max={86400} required value={interval} onChange={(e) => setIntervalS(e.target.value)} />
        </Field>
        <DialogFormActions error={error} onCancel={onClose} busy={busy} label="Register host" busyLabel="Registering…" />
      </form>
    </Modal>
  );
}
