/**
 * The page an invitation or a password-reset link opens (/accept#token=…): choose a
 * password, then sign in. The token stays in the fragment, so it never reaches a server log.
 */
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api';
import type { Me } from '../types';

export function Accept({ onDone }: { onDone: () => void }) {
  const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<Me | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (password !== repeat) return setError('The two passwords differ.');
    setBusy(true);
    setError(null);
    try {
      const r = await api.post<{ user: Me }>('/api/auth/accept', { token, password });
      history.replaceState(null, '', '/accept');
      setDone(r.user);
    } catch (err) {
      if (err instanceof ApiError && err.status === 410) setError('This link has expired or was already used. Ask an administrator for a new one.');
      else setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="login">
      <form className="login-box" onSubmit={submit} aria-labelledby="accept-title">
        <div className="brand brand-large">
          <img src="/favicon.svg" alt="" width="32" height="32" /> Wheelhouse
        </div>
        {done ? (
          <>
            <h1 id="accept-title">Password set</h1>
            <p>
              You can now sign in as <b>{done.name}</b>.
            </p>
            <button type="button" className="btn btn-primary" onClick={onDone}>
              Sign in
            </button>
          </>
        ) : !token ? (
          <>
            <h1 id="accept-title">Link incomplete</h1>
            <p className="hint">This page needs the whole link from the invitation or reset message (it ends with #token=…). Copy it again, or ask an administrator for a new one.</p>
          </>
        ) : (
          <>
            <h1 id="accept-title">Choose your password</h1>
            <label>
              New password
              <input name="password" type="password" autoComplete="new-password" required autoFocus value={password} onChange={(e) => setPassword(e.target.value)} />
            </label>
            <label>
              Repeat it
              <input name="repeat" type="password" autoComplete="new-password" required value={repeat} onChange={(e) => setRepeat(e.target.value)} />
            </label>
            {error && (
              <div className="form-error" role="alert">
                {error}
              </div>
            )}
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? 'Saving…' : 'Set password'}
            </button>
          </>
        )}
      </form>
    </div>
  );
}
