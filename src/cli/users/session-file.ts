/**
 * The CLI's own session: `wheelhouse login` keeps the session secret in
 * ~/.wheelhouse/cli-session (0600, written atomically), for the hub URL it was made for.
 * Client commands use it when WHEELHOUSE_TOKEN is not set, before the admin token file.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../../core/files.js';
import type { HubAddress } from '../context.js';

/** What the file holds. */
export interface CliSession {
  url: string;
  token: string;
  user: string;
  role: string;
  expires_at: string;
}

/** Where the CLI session is kept. */
export function cliSessionPath(): string {
  return join(homedir(), '.wheelhouse', 'cli-session');
}

/** The stored session, if there is a readable, well-formed one. */
export function readCliSession(file = cliSessionPath()): CliSession | undefined {
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as Partial<CliSession>;
    if (typeof s.url === 'string' && typeof s.token === 'string' && typeof s.user === 'string') return s as CliSession;
  } catch {
    /* none, or not ours */
  }
  return undefined;
}

/** Stores the session (mode 0600; the directory 0700 when made here). */
export function writeCliSession(session: CliSession, file = cliSessionPath()): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileAtomic(file, `${JSON.stringify(session, null, 2)}\n`, 0o600);
}

/** Forgets the stored session. */
export function removeCliSession(file = cliSessionPath()): void {
  rmSync(file, { force: true });
}

/**
 * The address with the CLI session's token when WHEELHOUSE_TOKEN is not what it came from
 * and the session was made for this hub URL. (An expired session is still used, so the
 * hub's "session expired; log in again" reaches the user instead of a silent switch to
 * another identity.)
 */
export function withCliSession(address: HubAddress, file = cliSessionPath()): HubAddress {
  if (address.tokenSource === 'WHEELHOUSE_TOKEN') return address;
  const session = readCliSession(file);
  if (!session || session.url.replace(/\/+$/, '') !== address.url) return address;
  return { url: address.url, token: session.token, tokenSource: file };
}
