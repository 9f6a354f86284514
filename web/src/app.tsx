/**
 * The shell: finds out who is signed in, shows the login page or the app, and routes
 * between pages. Pages load their own data and subscribe to the live feed themselves.
 */
import { useCallback, useEffect, useState } from 'react';
import { Link, Redirect, Route, Switch, useLocation } from 'wouter';
import { api, setCsrfToken, setUnauthorizedHandler } from './api';
import { pageLoader, preloadWhenIdle, type LoadedPage } from './components/page-loader';
import { Loading } from './components/states';
import { Toasts } from './components/toast';
import { startLive, stopLive, useLiveState } from './live';
import { Accept } from './pages/accept';
import { Login } from './pages/login';
import { Overview } from './pages/overview';
import { SessionContext, type Session } from './session';
import { useTheme } from './theme';
import type { Me, SessionInfo } from './types';

// Pages beyond the overview load on first visit: the first screen stays small.
const service = pageLoader(() => import('./pages/service').then((m) => m.ServiceDetail));
const logs = pageLoader(() => import('./pages/logs').then((m) => m.Logs));
const hosts = pageLoader(() => import('./pages/hosts').then((m) => m.Hosts));
const host = pageLoader(() => import('./pages/host').then((m) => m.HostDetail));
const alerts = pageLoader(() => import('./pages/alerts').then((m) => m.Alerts));
const settings = pageLoader(() => import('./pages/settings').then((m) => m.Settings));
const allPages = [service, logs, hosts, host, alerts, settings] as LoadedPage<never>[];
// The page the browser opened on is fetched alongside the session check, not after it.
const openedOn = ([['/services/', service], ['/logs', logs], ['/hosts/', host], ['/hosts', hosts], ['/alerts', alerts], ['/settings', settings]] as [string, LoadedPage<never>][]).find(([prefix]) => location.pathname.startsWith(prefix));
void openedOn?.[1].preload().catch(() => undefined);

export function App() {
  const [user, setUser] = useState<Me | null | undefined>(undefined);
  const [location, navigate] = useLocation();

  const signedIn = useCallback((info: { user: Me | null; csrf_token: string | null }) => {
    setCsrfToken(info.csrf_token);
    setUser(info.user);
    if (info.user) {
      startLive();
      preloadWhenIdle(allPages);
    }
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      stopLive();
      setUser(null);
    });
    api.get<SessionInfo>('/api/auth/session').then(signedIn, () => setUser(null));
  }, [signedIn]);

  // Invitation and reset links work whether or not someone is signed in in this browser.
  if (location === '/accept') return <Accept onDone={() => navigate('/')} />;
  if (user === undefined) return <Loading what="your session" />;
  if (user === null) {
    return (
      <Login
        onSignedIn={(info) => {
          signedIn(info);
          if (location === '/login') navigate('/');
        }}
      />
    );
  }
  const session: Session = {
    user,
    logout: async () => {
      await api.post('/api/auth/logout').catch(() => undefined);
      stopLive();
      setCsrfToken(null);
      setUser(null);
      navigate('/');
    },
  };
  return (
    <SessionContext.Provider value={session}>
      <Shell>
        <Switch>
          <Route path="/" component={Overview} />
          <Route path="/login">
            <Redirect to="/" />
          </Route>
          <Route path="/services/:name">{(p) => <service.Page name={decodeURIComponent(p.name)} />}</Route>
          <Route path="/logs" component={logs.Page} />
          <Route path="/hosts" component={hosts.Page} />
          <Route path="/hosts/:id">{(p) => <host.Page id={decodeURIComponent(p.id)} />}</Route>
          <Route path="/alerts" component={alerts.Page} />
          <Route path="/settings/:tab?">{(p) => <settings.Page tab={p.tab ?? ''} />}</Route>
          <Route>
            <div className="page">
              <h1>Not found</h1>
              <p>
                There is no page here. <Link href="/">Back to the overview</Link>.
              </p>
            </div>
          </Route>
        </Switch>
      </Shell>
    </SessionContext.Provider>
  );
}

const nav = [
  { href: '/', label: 'Overview', icon: '▦' },
  { href: '/logs', label: 'Logs', icon: '≡' },
  { href: '/hosts', label: 'Hosts', icon: '◫' },
  { href: '/alerts', label: 'Alerts', icon: '⚑' },
  { href: '/settings', label: 'Settings', icon: '⚙' },
];

function Shell({ children }: { children: React.ReactNode }) {
  const [location] = useLocation();
  const [theme, toggleTheme] = useTheme();
  const live = useLiveState();
  const [menuOpen, setMenuOpen] = useState(false);
  return (
    <SessionContext.Consumer>
      {(s) => (
        <div className="layout">
          <a className="skip" href="#main">
            Skip to content
          </a>
          <header className="topbar">
            <button type="button" className="btn-icon menu-toggle" aria-label="Menu" aria-expanded={menuOpen} onClick={() => setMenuOpen(!menuOpen)}>
              ☰
            </button>
            <Link href="/" className="brand">
              <img src="/favicon.svg" alt="" width="22" height="22" /> Wheelhouse
            </Link>
            <span className={`live live-${live}`} title={live === 'live' ? 'Live updates connected' : live === 'offline' ? 'Live updates disconnected: reconnecting…' : 'Connecting live updates…'}>
              <span className="dot" aria-hidden="true" /> <span className="live-text">{live === 'live' ? 'Live' : live === 'offline' ? 'Reconnecting' : 'Connecting'}</span>
            </span>
            <span className="spacer" />
            <button type="button" className="btn-icon" onClick={toggleTheme} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`} title="Toggle theme">
              {theme === 'dark' ? '☀' : '☾'}
            </button>
            <span className="whoami" data-testid="whoami">
              {s!.user.display_name || s!.user.name} <span className="role">{s!.user.role}</span>
            </span>
            <button type="button" className="btn btn-ghost" onClick={() => void s!.logout()}>
              Sign out
            </button>
          </header>
          <nav className={`sidebar ${menuOpen ? 'open' : ''}`} aria-label="Main">
            {nav.map((n) => {
              const active = n.href === '/' ? location === '/' || location.startsWith('/services/') : location.startsWith(n.href);
              return (
                <Link key={n.href} href={n.href} className={active ? 'active' : ''} aria-current={active ? 'page' : undefined} onClick={() => setMenuOpen(false)}>
                  <span className="nav-icon" aria-hidden="true">
                    {n.icon}
                  </span>
                  {n.label}
                </Link>
              );
            })}
          </nav>
          <main id="main" className="content" tabIndex={-1}>
            {children}
          </main>
          <Toasts />
        </div>
      )}
    </SessionContext.Consumer>
  );
}
