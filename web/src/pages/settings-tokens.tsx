/**
 * API tokens: for scripts, CI and the CLI. Everyone manages their own (scopes up to their
 * role); admins see and revoke every token, the hub's own included. A secret is shown once.
 */
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { Empty, Guard } from '../components/states';
import { toast } from '../components/toast';
import { useFetch } from '../components/use-fetch';
import { ago, dateTime } from '../format';
import { useCan, useSession } from '../session';
import type { Role } from '../types';
import { Choice, Confirm, CopyField, DialogFormActions, Field, Modal, Panel, Pill, type Tone } from './settings-ui';

/** One token as GET /api/tokens answers it (never its secret). */
interface Token {
  id: string;
  name: string;
  owner: string | null;
  scopes: string[];
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  state: 'active' | 'expired' | 'revoked';
}

type Scope = 'read' | 'operate' | 'admin' | 'ingest';

const scopeHelp: Record<Scope, string> = {
  read: 'See services, logs, metrics and alerts.',
  operate: 'Read, and start, stop and restart services, silence alerts.',
  admin: 'Everything, users and tokens included.',
  ingest: 'Only send logs and metrics (for log shippers and agents).',
};

/** The scopes a role may put on a token: at most what the role itself may do. */
const grantable: Record<Role, Scope[]> = { viewer: ['read'], operator: ['read', 'operate'], admin: ['read', 'operate', 'admin', 'ingest'] };

const expiries = [
  { value: '7d', label: '7 days' },
  { value: '30d', label: '30 days' },
  { value: '90d', label: '90 days' },
  { value: '365d', label: '1 year' },
  { value: '', label: 'Never' },
];

const stateTone: Record<Token['state'], Tone> = { active: 'ok', expired: 'muted', revoked: 'bad' };

export function TokensTab() {
  const admin = useCan('admin');
  const tokens = useFetch((signal) => api.get<{ tokens: Token[] }>('/api/tokens', {}, signal), []);
  const [creating, setCreating] = useState(false);
  const [issued, setIssued] = useState<{ token: Token; secret: string } | null>(null);
  const [revoking, setRevoking] = useState<Token | null>(null);
  const [showAll, setShowAll] = useState(false);
  return (
    <Panel
      title="API tokens"
      intro={
        admin
          ? 'Every token on this hub: people’s, and the hub’s own (admin, services). A token can do what its scopes allow, and never more than its owner’s role.'
          : 'Your tokens, for scripts and the CLI. A token can do at most what your role allows.'
      }
      actions={
        <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
          Create token
        </button>
      }
    >
      <Guard
        f={tokens}
        what="the tokens"
        empty={(d) =>
          d.tokens.length === 0 && (
            <Empty title="No API tokens yet">
              Create one for a script or CI job with <b>Create token</b>; send it as <code>Authorization: Bearer …</code>, or set <code>WHEELHOUSE_TOKEN</code> for the CLI.
            </Empty>
          )
        }
      >
        {(d) => {
          const inactive = d.tokens.filter((t) => t.state !== 'active').length;
          const shown = showAll ? d.tokens : d.tokens.filter((t) => t.state === 'active');
          return (
            <>
              {inactive > 0 && (
                <label className="check toggle-line">
                  <input type="checkbox" checked={showAll} onChange={(e) => setShowAll(e.target.checked)} />
                  Show revoked and expired ({inactive})
                </label>
              )}
              {shown.length === 0 ? (
                <Empty title="No active tokens">Every token is revoked or expired. Create a new one when a script needs access.</Empty>
              ) : (
                <TokenTable tokens={shown} showOwner={admin} onRevoke={setRevoking} />
              )}
            </>
          );
        }}
      </Guard>
      {creating && (
        <CreateToken
          onClose={() => setCreating(false)}
          onCreated={(r) => {
            setCreating(false);
            setIssued(r);
            tokens.reload();
          }}
        />
      )}
      {issued && <SecretDialog issued={issued} onClose={() => setIssued(null)} />}
      {revoking && (
        <Confirm
          title={`Revoke ${revoking.name}?`}
          action="Revoke token"
          danger
          onClose={() => setRevoking(null)}
          onConfirm={async () => {
            await api.del(`/api/tokens/${encodeURIComponent(revoking.id)}`);
            toast('ok', `Token ${revoking.name} revoked`);
            tokens.reload();
          }}
        >
          <p>
            Anything using <b>{revoking.name}</b> is refused from now on. {revoking.owner === null && 'This is one of the hub’s own tokens: the CLI or services that use it stop working. '}
            This cannot be undone.
          </p>
        </Confirm>
      )}
    </Panel>
  );
}

function TokenTable({ tokens, showOwner, onRevoke }: { tokens: Token[]; showOwner: boolean; onRevoke: (t: Token) => void }) {
  return (
    <div className="table-wrap">
      <table className="settings-table" data-testid="tokens-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            {showOwner && <th scope="col">Owner</th>}
            <th scope="col">Scopes</th>
            <th scope="col" className="col-optional">Created</th>
            <th scope="col">Expires</th>
            <th scope="col" className="col-optional">Last used</th>
            <th scope="col">State</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((t) => (
            <tr key={t.id} data-token={t.name} className={t.state !== 'active' ? 'row-dim' : undefined}>
              <td>
                <div className="cell-main">{t.name}</div>
                <div className="cell-sub">
                  <code>{t.id}</code>
                </div>
              </td>
              {showOwner && <td>{t.owner ?? <span className="muted" title="One of the hub’s own tokens">hub</span>}</td>}
              <td>
                <span className="pill-row">
                  {t.scopes.map((s) => (
                    <Pill key={s} tone={s === 'admin' ? 'warn' : 'info'}>
                      {s}
                    </Pill>
                  ))}
                </span>
              </td>
              <td className="col-optional" title={dateTime(t.created_at)}>{ago(t.created_at)}</td>
              <td>{t.expires_at ? <span title={dateTime(t.expires_at)}>{dateTime(t.expires_at).slice(0, 10)}</span> : <span className="muted">never</span>}</td>
              <td className="col-optional" title={t.last_used_at ? dateTime(t.last_used_at) : undefined}>{t.last_used_at ? ago(t.last_used_at) : <span className="muted">never</span>}</td>
              <td>
                <Pill tone={stateTone[t.state]}>{t.state}</Pill>
              </td>
              <td>
                {t.state === 'active' && (
                  <button type="button" className="btn btn-small btn-danger" onClick={() => onRevoke(t)} aria-label={`Revoke ${t.name}`}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CreateToken({ onClose, onCreated }: { onClose: () => void; onCreated: (r: { token: Token; secret: string }) => void }) {
  const { user } = useSession();
  const allowed = grantable[user.role];
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['read']);
  const [expiry, setExpiry] = useState('30d');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const toggle = (s: Scope, on: boolean) => setScopes((prev) => (on ? [...prev, s] : prev.filter((x) => x !== s)));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (scopes.length === 0) return setError('Choose at least one scope.');
    setBusy(true);
    setError(null);
    try {
      onCreated(await api.post<{ token: Token; secret: string }>('/api/tokens', { name, scopes, ...(expiry ? { expires_in: expiry } : {}) }));
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  return (
    <Modal title="Create an API token" onClose={onClose}>
      <form className="settings-form" onSubmit={submit}>
        <Field label="Name" hint="What uses it, so you know what breaks when you revoke it.">
          <input required autoFocus value={name} onChange={(e) => setName(e.target.value)} maxLength={64} placeholder="ci-deploy" spellCheck={false} autoComplete="off" />
        </Field>
        <fieldset className="choice">
          <legend>Scopes</legend>
          {allowed.map((s) => (
            <Choice key={s} type="checkbox" checked={scopes.includes(s)} onChange={(on) => toggle(s, on)} label={s} hint={scopeHelp[s]} />
          ))}
        </fieldset>
        <label>
          Expires after
          <select value={expiry} onChange={(e) => setExpiry(e.target.value)}>
            {expiries.map((x) => (
              <option key={x.value} value={x.value}>
                {x.label}
              </option>
            ))}
          </select>
        </label>
        <DialogFormActions error={error} onCancel={onClose} busy={busy} label="Create token" busyLabel="Creating…" />
      </form>
    </Modal>
  );
}

/** The secret, once: closing this dialog drops it from the page for good. */
function SecretDialog({ issued, onClose }: { issued: { token: Token; secret: string }; onClose: () => void }) {
  return (
    <Modal title={`Token ${issued.token.name} created`} onClose={onClose} wide>
      <p className="dialog-text">
        <b>Copy the token now: it is shown only this once.</b> The hub keeps only a hash of it; if it is lost, revoke it and create another.
      </p>
      <CopyField label="Token" value={issued.secret} testId="token-secret" />
      <div className="usage">
        <div className="hint">Use it with</div>
        <code>curl -H "Authorization: Bearer $WHEELHOUSE_TOKEN" {location.origin}/api/services</code>
      </div>
      <div className="dialog-actions">
        <button type="button" className="btn btn-primary" onClick={onClose}>
          I have copied it
        </button>
      </div>
    </Modal>
  );
}
