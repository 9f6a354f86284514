/**
 * Who is signed in, and what they may do. The hub refuses what a role may not do anyway;
 * here the same rule hides the buttons, so a viewer never sees an action that would fail.
 */
import { createContext, useContext } from 'react';
import type { Me, Role } from './types';

const rank: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export interface Session {
  user: Me;
  /** Signs out and returns to the login page. */
  logout: () => Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

/** The signed-in session (the app renders pages only inside one). */
export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in page');
  return s;
}

/** True when the signed-in user's role is at least `role`. */
export function useCan(role: Role): boolean {
  return rank[useSession().user.role] >= rank[role];
}
