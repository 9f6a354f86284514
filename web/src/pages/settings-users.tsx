/** Users (admin): who can sign in and with which role; add, invite, change, disable, reset, remove. */
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { Empty, Guard } from '../components/states';
import { toast } from '../components/toast';
import { useFetch } from '../components/use-fetch';
import { ago, dateTime } from '../format';
import { useSession } from '../session';
import type { Role } from '../types';
import { roleGrants } from './settings-account';
import { Choice, Confirm, CopyField, DialogFormActions, Field, Modal, Panel, Pill } from './settings-ui';

/** One user as GET /api/users answers it. */
interface User {
  name: string;
  display_name: string;
  email: string | null;
  role: Role;
  source: string;
  created_at: string;
  updated_at: string;
  disabled: boolean;
  has_password: boolean;
}

/** An invitation or reset link: its token is shown only in this answer. */
interface IssuedLink {
  kind: 'invite' | 'reset';
  user: string;
  url: string;
  expires_at: string;
}

const roles: Role[] = ['viewer', 'operator', 'admin'];

export function UsersTab() {
  const users = useFetch((signal) => api.get<{ users: User[] }>('/api/users', {}, signal), []);
  const [adding, setAdding] = useState(false);
  const [link, setLink] = useState<IssuedLink | null>(null);
  const [removing, setRemoving] = useState<User | null>(null);
  return (
    <Panel
      title="Users"
      intro="People who sign in to this hub, and what their role lets them do. Users from single sign-on appear after their first sign-in."
      actions={
        <button type="button" className="btn btn-primary" onClick={() => setAdding(true)}>
          Add user
        </button>
      }
    >
      <Guard
        f={users}
        what="the users"
        empty={(d) =>
          d.users.length === 0 && (
            <Empty title="No users yet">
              Add one with <b>Add user</b>, or on the hub with <code>wheelhouse users add NAME --role viewer</code>.
            </Empty>
          )
        }
      >
        {(d) => <UserTable users={d.users} reload={users.reload} onLink={setLink} onRemove={setRemoving} />}
      </Guard>
      {adding && (
        <AddUser
          onClose={() => setAdding(false)}
          onDone={(issued) => {
            users.reload();
            setAdding(false);
            if (issued) setLink(issued);
          }}
        />
      )}
      {link && <LinkDialog link={link} onClose={() => setLink(null)} />}
      {removing && (
        <Confirm
          title={`Remove ${removing.name}?`}
          action="Remove user"
          danger
          onClose={() => setRemoving(null)}
          onConfirm={async () => {
            await api.del(`/api/users/${encodeURIComponent(removing.name)}`);
            toast('ok', `${removing.name} was removed`);
            users.reload();
          }}
        >
          <p>
            <b>{removing.display_name || removing.name}</b> can no longer sign in: their sessions end and their API tokens are revoked. This cannot be undone; to keep the account
            for later, disable it instead.
          </p>
        </Confirm>
      )}
    </Panel>
  );
}

function UserTable({ users, reload, onLink, onRemove }: { users: User[]; reload: () => void; onLink: (l: IssuedLink) => void; onRemove: (u: User) => void }) {
  const { user: me } = useSession();
  const [busy, setBusy] = useState<string | null>(null);
  const act = async (u: User, what: string, fn: () => Promise<unknown>, done: string) => {
    setBusy(u.name);
    try {
      await fn();
      toast('ok', done);
      reload();
    } catch (err) {
      toast('error', `${u.name}: ${what} failed: ${(err as Error).message}`);
    } finally {
      setBusy(null);
    }
  };
  const patch = (u: User, body: Partial<Pick<User, 'role' | 'disabled'>>) => api.patch(`/api/users/${encodeURIComponent(u.name)}`, body);
  return (
    <div className="table-wrap">
      <table className="settings-table" data-testid="users-table">
        <thead>
          <tr>
            <th scope="col">User</th>
            <th scope="col">Role</th>
            <th scope="col" className="col-optional">Source</th>
            <th scope="col">State</th>
            <th scope="col" className="col-optional">Created</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => {
            const local = u.source === 'local';
            const self = u.name === me.name;
            return (
              <tr key={u.name} data-user={u.name} className={u.disabled ? 'row-dim' : undefined}>
                <td>
                  <div className="cell-main">
                    {u.display_name || u.name}
                    {self && <span className="muted"> (you)</span>}
                  </div>
                  <div className="cell-sub">
                    <code>{u.name}</code>
                    {u.email && <span> · {u.email}</span>}
                  </div>
                </td>
                <td>
                  <select
                    aria-label={`Role of ${u.name}`}
                    value={u.role}
                    disabled={busy === u.name}
                    title={roleGrants[u.role]}
                    onChange={(e) => {
                      const role = e.target.value as Role;
                      void act(u, 'changing the role', () => patch(u, { role }), `${u.name} is now ${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role}`);
                    }}
                  >
                    {roles.map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                </td>
                <td className="col-optional">{local ? 'local' : <span title={u.source}>single sign-on</span>}</td>
                <td>
                  {u.disabled ? (
                    <Pill tone="bad">disabled</Pill>
                  ) : local && !u.has_password ? (
                    <Pill tone="warn" title="Has not chosen a password yet: send them an invitation or reset link">
                      invited
                    </Pill>
                  ) : (
                    <Pill tone="ok">active</Pill>
                  )}
                </td>
                <td className="col-optional" title={dateTime(u.created_at)}>{ago(u.created_at)}</td>
                <td>
                  <div className="actions row-actions">
                    {local && (
                      <button
                        type="button"
                        className="btn btn-small"
                        disabled={busy === u.name}
                        onClick={() => void act(u, 'the reset link', async () => onLink(await api.post<IssuedLink>(`/api/users/${encodeURIComponent(u.name)}/reset`)), `Reset link for ${u.name} created`)}
                      >
                        Reset link
                      </button>
                    )}
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={busy === u.name || self}
                      title={self ? 'You cannot disable yourself' : undefined}
                      onClick={() => void act(u, u.disabled ? 'enabling' : 'disabling', () => patch(u, { disabled: !u.disabled }), `${u.name} is ${u.disabled ? 'enabled' : 'disabled'}`)}
                    >
                      {u.disabled ? 'Enable' : 'Disable'}
                    </button>
                    <button type="button" className="btn btn-small btn-danger" disabled={busy === u.name || self} title={self ? 'You cannot remove yourself' : undefined} onClick={() => onRemove(u)} aria-label={`Remove ${u.name}`}>
                      Remove
                    </button>
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function AddUser({ onClose, onDone }: { onClose: () => void; onDone: (link: IssuedLink | null) => void }) {
  const [name, setName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [how, setHow] = useState<'invite' | 'password'>('invite');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const common = { name, role, ...(displayName ? { display_name: displayName } : {}), ...(email ? { email } : {}) };
    try {
      if (how === 'invite') {
        onDone(await api.post<IssuedLink>('/api/users/invitations', common));
      } else {
        await api.post('/api/users', { ...common, password });
        toast('ok', `${name} can sign in now`);
        onDone(null);
      }
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  return (
    <Modal title="Add a user" onClose={onClose}>
      <form className="settings-form" onSubmit={submit}>
        <Field label="User name" hint="What they sign in with: letters, digits, “.”, “_”, “-” and “@”.">
          <input required autoFocus value={name} onChange={(e) => setName(e.target.value)} pattern="[A-Za-z0-9._@\-]+" maxLength={64} autoComplete="off" spellCheck={false} placeholder="grace" />
        </Field>
        <div className="form-row">
          <Field label="Display name" optional>
            <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} maxLength={1000} placeholder="Grace Hopper" />
          </Field>
          <Field label="E-mail" optional>
            <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} maxLength={254} placeholder="grace@example.com" />
          </Field>
        </div>
        <Field label="Role" hint={roleGrants[role]}>
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </Field>
        <fieldset className="choice">
          <legend>How they get in</legend>
          <Choice name="how" checked={how === 'invite'} onChange={() => setHow('invite')} label="Invitation link" hint="They choose their own password. The link works once, for 24 hours." />
          <Choice name="how" checked={how === 'password'} onChange={() => setHow('password')} label="Set a password now" hint="Tell it to them in person; they can change it under Account." />
        </fieldset>
        {how === 'password' && (
          <Field label="Password" hint="At least 12 characters, unless the hub is set otherwise.">
            <input type="password" required autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
          </Field>
        )}
        <DialogFormActions error={error} onCancel={onClose} busy={busy} label={how === 'invite' ? 'Add and create link' : 'Add user'} busyLabel="Adding…" />
      </form>
    </Modal>
  );
}

function LinkDialog({ link, onClose }: { link: IssuedLink; onClose: () => void }) {
  const invite = link.kind === 'invite';
  return (
    <Modal title={invite ? `Invitation for ${link.user}` : `Password reset for ${link.user}`} onClose={onClose}>
      <p className="dialog-text">
        Send this link to <b>{link.user}</b> over a channel you trust. It works once, until {dateTime(link.expires_at)}.{' '}
        <b>It is shown only now</b>: if it is lost, create a new one with <i>Reset link</i>.
        {!invite && ' Earlier reset links of this user stop working.'}
      </p>
      <CopyField label={invite ? 'Invitation link' : 'Reset link'} value={link.url} testId="issued-link" />
      <div className="dialog-actions">
        <button type="button" className="btn btn-primary" onClick={onClose}>
          Done
        </button>
      </div>
    </Modal>
  );
}
