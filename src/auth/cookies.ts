/** The session cookie: reading it from a Cookie header and writing Set-Cookie values. */

/** Name of the session cookie. */
export const sessionCookie = 'wh_session';

/** The value of cookie `name` in a Cookie header; undefined when absent. The first one wins. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header || header.length > 16_384) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    return value;
  }
  return undefined;
}

/**
 * Set-Cookie for a session: HttpOnly (scripts cannot read it), SameSite=Strict (never sent on
 * requests from other sites), Path=/, Secure when asked. No Expires: it ends with the
 * browser session, and the server ends it sooner (idle and absolute limits).
 */
export function sessionSetCookie(secret: string, secure: boolean): string {
  return `${sessionCookie}=${secret}; HttpOnly; SameSite=Strict; Path=/${secure ? '; Secure' : ''}`;
}

/** Set-Cookie that removes the session cookie. */
export function clearSessionCookie(secure: boolean): string {
  return `${sessionCookie}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT${secure ? '; Secure' : ''}`;
}
