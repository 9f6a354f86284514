/** Account: who I am, changing my password, signing out everywhere. Open to every role. */
import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { api, ApiError, setCsrfToken } from '../api';
import { Guard } from '../components/states';
import { toast } from '../components/toast';
import { useFetch } from '../components/use-fetch';
import { dateTime } from '../format';
import { useSession } from '../session';
import type { Role, SessionInfo } from '../types';
import { Confirm, Field, FormError, Panel } from './settings-ui';

/** GET /api/auth/session, with the credential the dashboard does not otherwise need. */
interface WhoAmI extends SessionInfo {
  credential: { kind: 'session' | 'token'; id: string; name: string | null; via: string };
}

/** What each role may do, in the words of the permission model (src/http/permissions.ts). */
export const roleGrants: Record<Role, string> = {
  viewer: 'See services, logs, hosts and alerts; change nothing.',
  operator: 'Everything a viewer can, plus start, stop and restart services and silence alerts.',
  admin: 'Everything: users, API tokens, notification channels, the configuration and the audit trail.',
};

export function AccountTab() {
  const { user } = useSession();
  const who = useFetch((signal) => api.get<WhoAmI>('/api/auth/session', {}, signal), []);
  return (
    <div className="settings-stack">
      <Panel title="Signed in as">
        <Guard f={who} what="your session">
          {(w) => (
            <dl className="kv" data-testid="account-info">
              <dt>User name</dt>
              <dd>
                <code>{user.name}</code>
              </dd>
              <dt>Display name</dt>
              <dd>{user.display_name || <span className="muted">not set</span>}</dd>
              <dt>Role</dt>
              <dd>
                <span className="role">{user.role}</span> <span className="muted">{roleGrants[user.role]}</span>
              </dd>
              <dt>Scopes</dt>
              <dd>{w.scopes.join(', ')}</dd>
              <dt>This session</dt>
              <dd>{w.expires_at ? `ends ${dateTime(w.expires_at)} at the latest` : `signed in with ${w.credential.kind}`}</dd>
            </dl>
          )}
        </Guard>
      </Panel>
      <div className="grid-2">
        <ChangePassword />
        <SignOutEverywhere />
      </div>
    </div>
  );
}

function ChangePassword() {
  const { user } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (next !== repeat) return setError('The new passwords differ: type the same one twice.');
    if (next === current) return setError('The new password is the same as the current one.');
    setBusy(true);
    try {
      // The hub ends every session and answers a new one for this browser, with its own CSRF token.
      const r = await api.post<{ csrf_token: string }>('/api/auth/password', { current_password: current, new_password: next });
      setCsrfToken(r.csrf_token);
      setCurrent('');
      setNext('');
      setRepeat('');
      toast('ok', 'Password changed. Your other sessions were signed out.');
    } catch (err) {
      if (err instanceof ApiError && err.code === 'auth/invalid_credentials') setError('The current password is wrong.');
      else if (err instanceof ApiError && err.status === 429) setError(`Too many attempts: ${err.message}`);
      else setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Panel title="Change password" intro="Every other session of yours is signed out; this one continues.">
      <form className="settings-form" onSubmit={submit}>
        {/* Lets password managers tie the new password to this account. */}
        <input type="text" name="username" autoComplete="username" value={user.name} readOnly hidden />
        <label>
          Current password
          <input type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
        </label>
        <Field label="New password" hint="At least 12 characters, unless the hub is set otherwise. A few unrelated words are easy to remember.">
          <input type="password" autoComplete="new-password" required value={next} onChange={(e) => setNext(e.target.value)} />
        </Field>
        <label>
          Repeat the new password
          <input type="password" autoComplete="new-password" required value={repeat} onChange={(e) => setRepeat(e.target.value)} />
        </label>
        <FormError error={error} />
        <div>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Changing…' : 'Change password'}
          </button>
        </div>
      </form>
    </Panel>
  );
}

function SignOutEverywhere() {
  const { logout } = useSession();
  const [asking, setAsking] = useState(false);
  return (
    <Panel title="Sign out everywhere" intro="Lost a laptop, or signed in on a shared computer? End every session of yours at once.">
      <p className="settings-note">
        This browser is signed out too. API tokens keep working: revoke them under <Link href="/settings/tokens">API tokens</Link>.
      </p>
      <div>
        <button type="button" className="btn btn-danger" onClick={() => setAsking(true)}>
          Sign out everywhere
        </button>
      </div>
      {asking && (
        <Confirm
          title="Sign out everywhere?"
          action="Sign out everywhere"
          danger
          onClose={() => setAsking(false)}
          onConfirm={async () => {
            await api.post('/api/auth/logout-all');
            await logout();
          }}
        >
          Every session of yours ends now, on every device, including this one. You will need your password to sign in again.
        </Confirm>
      )}
    </Panel>
  );
}
