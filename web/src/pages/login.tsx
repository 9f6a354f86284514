/** Sign in with a password, or with the configured OpenID Connect provider. */
import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api';
import type { Me } from '../types';

interface OidcInfo {
  enabled: boolean;
  login_url: string | null;
}

export function Login({ onSignedIn }: { onSignedIn: (info: { user: Me | null; csrf_token: string | null }) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [oidc, setOidc] = useState<OidcInfo | null>(null);
  useEffect(() => {
    api.get<OidcInfo>('/api/auth/oidc').then(setOidc, () => setOidc(null));
  }, []);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api.post<{ user: Me; csrf_token: string }>('/api/auth/login', { username, password });
      onSignedIn(r);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setError('Wrong user name or password.');
      else if (err instanceof ApiError && err.status === 429) setError(`Too many attempts: ${err.message}`);
      else setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="login">
      <form className="login-box" onSubmit={submit} aria-labelledby="login-title">
        <div className="brand brand-large">
          <img src="/favicon.svg" alt="" width="32" height="32" /> Wheelhouse
        </div>
        <h1 id="login-title">Sign in</h1>
        <label>
          User name
          <input name="username" autoComplete="username" required autoFocus value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error && (
          <div className="form-error" role="alert">
            {error}
          </div>
        )}
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {oidc?.enabled && (
          <a className="btn" href={oidc.login_url ?? '/api/auth/oidc/login'}>
            Sign in with single sign-on
          </a>
        )}
        <p className="hint">The first admin's password was printed when the hub first started. Forgot it? On the hub, run <code>wheelhouse users passwd admin</code>.</p>
      </form>
    </div>
  );
}
