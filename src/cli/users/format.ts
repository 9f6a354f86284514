/** How users and tokens look in the terminal. Text from the hub is shown with control characters made visible. */
import { ago } from '../hosts/format.js';
import { paint, print } from '../output.js';

/** User data as the API answers it. */
export interface UserRow {
  name: string;
  display_name: string;
  email: string | null;
  role: string;
  source: string;
  disabled: boolean;
  has_password: boolean;
}

/** A token as the API answers it. */
export interface TokenRow {
  id: string;
  name: string;
  owner: string | null;
  scopes: string[];
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  state: string;
}

/**
 * `text` safe for a terminal: escape sequences and other control characters (which a display
 * name could carry to repaint the screen or retitle the window) are shown as \u{…}.
 */
export function visible(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

function table(headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => [...r[i]!].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i]! - [...c].length))).join('  ');
  print(paint('bold', line(headers)));
  for (const r of rows) print(line(r));
}

/** The `users list` table. */
export function printUsers(users: UserRow[]): void {
  if (users.length === 0) return print('no users');
  table(
    ['NAME', 'ROLE', 'STATE', 'DISPLAY NAME', 'EMAIL'],
    users.map((u) => [visible(u.name), u.role, u.disabled ? 'disabled' : u.has_password || u.source !== 'local' ? 'active' : 'invited', visible(u.display_name), visible(u.email ?? '-')]),
  );
}

/** The `tokens list` table. */
export function printTokens(tokens: TokenRow[]): void {
  if (tokens.length === 0) return print('no tokens (create one with "wheelhouse tokens create --scope read")');
  table(
    ['ID', 'NAME', 'OWNER', 'SCOPES', 'STATE', 'LAST USED', 'EXPIRES'],
    tokens.map((t) => [t.id, visible(t.name), visible(t.owner ?? '(hub)'), t.scopes.join(','), t.state, ago(t.last_used_at), t.expires_at ?? 'never']),
  );
}
