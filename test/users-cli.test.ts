// The `wheelhouse` binary's users commands against a real hub: login and its session file, users, tokens.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../src/auth/testing/http.js';
import { tempDir } from '../src/testing/helpers.js';
import { cliPath } from '../src/testing/hub-process.js';
import { startTestHub, type TestHub } from '../src/testing/hub-inprocess.js';

let t: TestHub;
let home: string;

/** Runs the CLI with a home of its own; `input` goes to standard input. */
function cli(args: string[], opts: { input?: string; env?: Record<string, string | undefined> } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, HOME: home, WHEELHOUSE_URL: t.url, WHEELHOUSE_TOKEN: undefined, WHEELHOUSE_CONFIG: undefined, WHEELHOUSE_DATA_DIR: undefined, ...opts.env };
    const child = spawn(process.execPath, [cliPath, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b));
    child.stderr.on('data', (b: Buffer) => (stderr += b));
    child.stdin.end(opts.input ?? '');
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
const admin = () => ({ env: { WHEELHOUSE_TOKEN: t.token } });
const sessionFile = () => join(home, '.wheelhouse', 'cli-session');

beforeAll(async () => {
  t = await startTestHub({}, {}, { auth: { login_attempts_per_minute: 50 } });
  home = tempDir('wh-home-');
});
afterAll(async () => t?.close());

describe('users commands', () => {
  it('adds users with a password from standard input, or by invitation, and lists them', async () => {
    const add = await cli(['users', 'add', 'bob', '--role', 'operator', '--password-stdin', '--display-name', 'Bob B.'], { ...admin(), input: 'bob-password-long-1\n' });
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    expect(add.stdout).toContain('added bob (operator)');
    const invite = await cli(['users', 'add', 'carol', '--role', 'viewer', '--invite'], admin());
    expect(invite.code).toBe(0);
    expect(invite.stdout).toMatch(new RegExp(`${t.url}/accept#token=whl_[A-Za-z0-9_-]{43}`));
    const list = await cli(['users', 'list'], admin());
    expect(list.stdout).toMatch(/NAME +ROLE +STATE +DISPLAY NAME +EMAIL/);
    expect(list.stdout).toMatch(/bob +operator +active +Bob B\./);
    expect(list.stdout).toMatch(/carol +viewer +invited/);
    const json = JSON.parse((await cli(['users', 'list', '--json'], admin())).stdout) as { users: { name: string }[] };
    expect(json.users.map((u) => u.name)).toEqual(expect.arrayContaining(['bob', 'carol']));
  });

  it('refuses bad input with the hub\'s message and a non-zero exit', async () => {
    const weak = await cli(['users', 'add', 'dave', '--role', 'viewer', '--password-stdin'], { ...admin(), input: 'short\n' });
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('the password is too short');
    const badRole = await cli(['users', 'add', 'dave', '--role', 'root', '--password-stdin'], admin());
    expect(badRole.code).toBe(2);
    const noPassword = await cli(['users', 'add', 'dave', '--role', 'viewer'], admin());
    expect(noPassword.code).toBe(2);
    expect(noPassword.stderr).toContain('give --password-stdin, --password or --invite');
  });

  it('shows display names with control characters made visible', async () => {
    await call(t, 'POST', '/api/users', { token: t.token, body: { name: 'mallory', role: 'viewer', display_name: 'M\u001b[2J\u001b]0;pwned\u0007' } });
    const list = await cli(['users', 'list'], admin());
    expect(list.stdout).not.toContain('\u001b');
    expect(list.stdout).toContain('M\\u{1b}[2J\\u{1b}]0;pwned\\u{7}');
  });

  it('changes a role and a password, and removes a user', async () => {
    await cli(['users', 'add', 'erin', '--role', 'viewer', '--password-stdin'], { ...admin(), input: 'erin-password-long-1' });
    expect((await cli(['users', 'role', 'erin', 'operator'], admin())).stdout).toContain('erin is now operator');
    const passwd = await cli(['users', 'passwd', 'erin', '--password-stdin'], { ...admin(), input: 'erin-new-password-2\n' });
    expect(passwd.code).toBe(0);
    expect((await call(t, 'POST', '/api/auth/login', { body: { username: 'erin', password: 'erin-new-password-2' } })).status).toBe(200);
    const reset = await cli(['users', 'passwd', 'erin', '--reset'], admin());
    expect(reset.stdout).toMatch(/reset link for erin; send them this single-use link/);
    expect((await cli(['users', 'remove', 'erin'], admin())).code).toBe(0);
    const again = await cli(['users', 'remove', 'erin'], admin());
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('no user named "erin"');
  });
});

describe('login, whoami, logout', () => {
  it('keeps the session in ~/.wheelhouse/cli-session (0600) and acts as that user', async () => {
    const wrong = await cli(['login', '--user', 'bob', '--password-stdin'], { input: 'not-bobs-password' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('wrong user name or password');
    expect(existsSync(sessionFile())).toBe(false);

    const login = await cli(['login', '--user', 'bob', '--password-stdin'], { input: 'bob-password-long-1\n' });
    expect(login.stderr).toBe('');
    expect(login.stdout).toContain('as bob (operator)');
    expect(statSync(sessionFile()).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, '.wheelhouse')).mode & 0o777).toBe(0o700);
    const kept = JSON.parse(readFileSync(sessionFile(), 'utf8')) as { url: string; token: string; user: string };
    expect(kept).toMatchObject({ url: t.url, user: 'bob' });
    expect(kept.token).toMatch(/^whs_/);

    expect((await cli(['whoami'])).stdout).toMatch(/^bob \(operator\), by session until .*; may read, operate/);
    // WHEELHOUSE_TOKEN wins over the session.
    expect((await cli(['whoami'], admin())).stdout).toMatch(/^the hub token "admin"/);
    // An operator cannot manage users.
    const denied = await cli(['users', 'list']);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('needs the admin permission');
  });

  it('creates, lists and revokes tokens as the signed-in user', async () => {
    const made = await cli(['tokens', 'create', '--scope', 'read', '--expires', '30d', '--name', 'ci']);
    expect(made.code).toBe(0);
    const secret = /^\s+(whk_\S+)$/m.exec(made.stdout)![1]!;
    expect(made.stdout).toContain('shown only now');
    expect((await call(t, 'GET', '/api/events', { token: secret })).status).toBe(200);
    const beyond = await cli(['tokens', 'create', '--scope', 'admin']);
    expect(beyond.code).toBe(1);
    expect(beyond.stderr).toContain('you cannot grant admin');
    const list = await cli(['tokens', 'list', '--json']);
    const tokens = (JSON.parse(list.stdout) as { tokens: { id: string; name: string; owner: string; state: string }[] }).tokens;
    expect(tokens.map((x) => [x.name, x.owner, x.state])).toEqual([['ci', 'bob', 'active']]);
    expect((await cli(['tokens', 'list'])).stdout).toMatch(/ci +bob +read +active/);
    expect((await cli(['tokens', 'revoke', tokens[0]!.id])).stdout).toContain('revoked token ci');
    expect((await call(t, 'GET', '/api/events', { token: secret })).status).toBe(401);
  });

  it('changes one\'s own password and keeps the CLI signed in', async () => {
    const before = JSON.parse(readFileSync(sessionFile(), 'utf8')) as { token: string };
    const r = await cli(['passwd', '--password-stdin'], { input: 'bob-password-long-1\nbob-password-long-2\n' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const after = JSON.parse(readFileSync(sessionFile(), 'utf8')) as { token: string };
    expect(after.token).not.toBe(before.token);
    expect((await cli(['whoami'])).code).toBe(0);
  });

  it('logs out: the session ends on the hub and the file is gone', async () => {
    const { token } = JSON.parse(readFileSync(sessionFile(), 'utf8')) as { token: string };
    const out = await cli(['logout']);
    expect(out.stdout).toContain('logged out bob');
    expect(existsSync(sessionFile())).toBe(false);
    expect((await call(t, 'GET', '/api/auth/session', { token })).status).toBe(401);
    expect((await cli(['logout'])).stdout).toContain('not logged in');
  });
});
