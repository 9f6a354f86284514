/**
 * Settings: one tab per concern, each its own address (/settings/<tab>). A tab a role cannot
 * use is not shown, and the hub refuses its calls anyway: this only spares people the error.
 */
import type { ComponentType } from 'react';
import { Link } from 'wouter';
import { Empty } from '../components/states';
import { useCan, useSession } from '../session';
import type { Role } from '../types';
import { AccountTab } from './settings-account';
import { AuditTab } from './settings-audit';
import { ChannelsTab } from './settings-channels';
import { ConfigTab } from './settings-config';
import { TokensTab } from './settings-tokens';
import { UsersTab } from './settings-users';
import './settings.css';

interface Tab {
  id: string;
  label: string;
  /** The least role that may open it (the same rule as the API's permission). */
  role: Role;
  component: ComponentType;
}

const tabs: Tab[] = [
  { id: 'account', label: 'Account', role: 'viewer', component: AccountTab },
  { id: 'users', label: 'Users', role: 'admin', component: UsersTab },
  // GET/POST /api/tokens are open to every role: each person manages their own tokens.
  { id: 'tokens', label: 'API tokens', role: 'viewer', component: TokensTab },
  { id: 'channels', label: 'Notifications', role: 'operator', component: ChannelsTab },
  { id: 'config', label: 'Configuration', role: 'admin', component: ConfigTab },
  { id: 'audit', label: 'Audit trail', role: 'admin', component: AuditTab },
];

export function Settings({ tab }: { tab: string }) {
  const { user } = useSession();
  const allowed: Record<Role, boolean> = { viewer: true, operator: useCan('operator'), admin: useCan('admin') };
  const visible = tabs.filter((t) => allowed[t.role]);
  const id = tab || 'account';
  const current = visible.find((t) => t.id === id);
  const known = tabs.some((t) => t.id === id);
  return (
    <div className="page settings">
      <div className="page-head">
        <h1>Settings</h1>
      </div>
      <nav className="tabs settings-tabs" aria-label="Settings sections">
        {visible.map((t) => (
          <Link key={t.id} href={`/settings/${t.id}`} className={t.id === current?.id ? 'active' : ''} aria-current={t.id === current?.id ? 'page' : undefined}>
            {t.label}
          </Link>
        ))}
      </nav>
      {current ? (
        <current.component />
      ) : (
        <Empty title={known ? 'Not available to your role' : 'No such settings page'}>
          {known ? `Your role (${user.role}) cannot open this section; an administrator can.` : 'The address may be mistyped.'} Go to <Link href="/settings/account">your account</Link>.
        </Empty>
      )}
    </div>
  );
}
