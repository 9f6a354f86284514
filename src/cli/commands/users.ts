/**
 * CLI commands of the users area: `login`, `logout`, `whoami`, `passwd`, `users …` and
 * `tokens …`. Thin calls to the API; passwords are read from the terminal without echo, or
 * from standard input with --password-stdin, never from the environment.
 */
import { Option, type Command } from 'commander';
import { AppError } from '../../core/errors.js';
import { hubAddress, type GlobalFlags, type HubAddress } from '../context.js';
import { paint, print, printJson } from '../output.js';
import { printTokens, printUsers, visible, type TokenRow, type UserRow } from '../users/format.js';
import { canPrompt, newPassword, promptLine, promptSecret, readStdin } from '../users/prompt.js';
import { hubCall, sessionSecretOf, type HubAnswer } from '../users/request.js';
import { cliSessionPath, readCliSession, removeCliSession, withCliSession, writeCliSession } from '../users/session-file.js';

type Run = (fn: () => Promise<number | void>) => Promise<void>;
const roleChoices = ['admin', 'operator', 'viewer'];
const scopeChoices = ['read', 'operate', 'admin', 'ingest'];

/** The hub and the credential for these commands: WHEELHOUSE_TOKEN, else the CLI session, else the admin token file. */
async function address(cmd: Command): Promise<{ flags: GlobalFlags; address: HubAddress }> {
  const flags = cmd.optsWithGlobals<GlobalFlags>();
  return { flags, address: withCliSession(await hubAddress(flags)) };
}

const seg = (s: string) => encodeURIComponent(s);

/** Registers the users commands. */
export function registerUsersCommands(program: Command, run: Run): void {
  registerSession(program, run);
  registerUsers(program, run);
  registerTokens(program, run);
}

interface SessionAnswer {
  user: { name: string; display_name: string; role: string };
  csrf_token: string;
  expires_at: string;
}

/** Keeps the session the hub set in its answer as the CLI's session. */
function keepSession(url: string, answer: HubAnswer<SessionAnswer>): string {
  const secret = sessionSecretOf(answer.headers);
  if (!secret) throw new AppError('internal', 'the hub answered the sign-in without a session');
  writeCliSession({ url, token: secret, user: answer.body.user.name, role: answer.body.user.role, expires_at: answer.body.expires_at });
  return cliSessionPath();
}

function registerSession(program: Command, run: Run): void {
  program
    .command('login')
    .description('sign in with a password; later commands act as that user (session kept in ~/.wheelhouse/cli-session, mode 0600)')
    .option('-u, --user <name>', 'user name (asked for when omitted)')
    .option('--password-stdin', 'read the password from standard input')
    .action((opts: { user?: string; passwordStdin?: boolean }, cmd: Command) =>
      run(async () => {
        const { flags, address: a } = await address(cmd);
        let user = opts.user;
        if (!user) {
          if (!canPrompt() || opts.passwordStdin) throw new AppError('request/invalid', 'give the user name with --user');
          user = (await promptLine('User: ')).trim();
        }
        const password = opts.passwordStdin ? await readStdin() : await promptSecret(`Password for ${user}: `);
        const answer = await hubCall<SessionAnswer>(a, 'POST', '/api/auth/login', { username: user, password }, { anonymous: true });
        const file = keepSession(a.url, answer);
        if (flags.json) return printJson({ user: answer.body.user, expires_at: answer.body.expires_at, session_file: file });
        print(`${paint('green', '✓')} logged in to ${a.url} as ${visible(answer.body.user.name)} (${answer.body.user.role}) until ${answer.body.expires_at}`);
      }),
    );

  program
    .command('logout')
    .description('end the CLI\'s session on the hub and forget it')
    .action((_opts, cmd: Command) =>
      run(async () => {
        const flags = cmd.optsWithGlobals<GlobalFlags>();
        const session = readCliSession();
        if (!session) {
          if (flags.json) return printJson({ logged_out: false });
          return print('not logged in');
        }
        try {
          await hubCall({ url: session.url, token: session.token, tokenSource: cliSessionPath() }, 'POST', '/api/auth/logout');
        } catch {
          // Expired already, or the hub is away: forgetting it here is what matters.
        }
        removeCliSession();
        if (flags.json) return printJson({ logged_out: true, user: session.user });
        print(`${paint('green', '✓')} logged out ${visible(session.user)}`);
      }),
    );

  program
    .command('whoami')
    .description('show who the CLI acts as: the user and role, or the token')
    .action((_opts, cmd: Command) =>
      run(async () => {
        const { flags, address: a } = await address(cmd);
        type Who = { user: SessionAnswer['user'] | null; scopes: string[]; credential: { kind: string; name: string | null }; expires_at: string | null };
        const { body } = await hubCall<Who>(a, 'GET', '/api/auth/session');
        if (flags.json) return printJson({ ...body, credential_source: a.tokenSource });
        const who = body.user ? `${visible(body.user.name)} (${body.user.role})` : `the hub token "${visible(body.credential.name ?? '')}"`;
        print(`${who}, by ${body.credential.kind}${body.expires_at ? ` until ${body.expires_at}` : ''}; may ${body.scopes.join(', ')} (credential from ${a.tokenSource})`);
      }),
    );

  program
    .command('passwd')
    .description('change your own password (ends your other sessions)')
    .option('--password-stdin', 'read the current and the new password from standard input, one per line')
    .action((opts: { passwordStdin?: boolean }, cmd: Command) =>
      run(async () => {
        const { flags, address: a } = await address(cmd);
        let current: string;
        let next: string;
        if (opts.passwordStdin) {
          [current = '', next = ''] = (await readStdin()).split(/\r?\n/);
        } else {
          current = await promptSecret('Current password: ');
          next = await newPassword(false);
        }
        const answer = await hubCall<SessionAnswer>(a, 'POST', '/api/auth/password', { current_password: current, new_password: next });
        // The change ended every session, the CLI's too: keep the new one when the CLI signed in.
        if (a.tokenSource === cliSessionPath()) keepSession(a.url, answer);
        if (flags.json) return printJson({ user: answer.body.user, changed: true });
        print(`${paint('green', '✓')} password changed; your other sessions are ended`);
      }),
    );
}

function registerUsers(program: Command, run: Run): void {
  const users = program.command('users').description('manage users (admin)');

  users
    .command('list')
    .description('list users')
    .action((_opts, cmd: Command) =>
      run(async () => {
        const { flags, address: a } = await address(cmd);
        const { body } = await hubCall<{ users: UserRow[] }>(a, 'GET', '/api/users');
        if (flags.json) return printJson(body);
        printUsers(body.users);
      }),
    );

  users
    .command('add')
    .description('add a user with a password, or invite them with a single-use link (24 h)')
    .argument('<name>', 'user name: letters, digits, ".", "_", "-", "@"')
    .addOption(new Option('--role <role>', 'what the user may do').choices(roleChoices).makeOptionMandatory())
    .option('--password <password>', 'the password (visible in shell history: prefer --password-stdin or the prompt)')
    .option('--password-stdin', 'read the password from standard input')
    .option('--invite', 'create the user without a password and print an invitation link')
    .option('--display-name <text>', 'name to show')
    .option('--email <address>', 'e-mail address')
    .action((name: string, opts: { role: string; password?: string; passwordStdin?: boolean; invite?: boolean; displayName?: string; email?: string }, cmd: Command) =>
      run(async () => {
        const { flags, address: a } = await address(cmd);
        const extra = { ...(opts.displayName !== undefined ? { display_name: opts.displayName } : {}), ...(opts.email !== undefined ? { email: opts.email } : {}) };
        if (opts.invite) {
          if (opts.password !== undefined || opts.passwordStdin) throw new AppError('request/invalid', '--invite and a password exclude each other');
          const { body } = await hubCall<LinkAnswer>(a, 'POST', '/api/users/invitations', { name, role: opts.role, ...extra });
          if (flags.json) return printJson(body);
          return printLink(body, `invited ${visible(name)} (${opts.role})`);
        }
        let password = opts.password;
        if (password === undefined) {
          if (!opts.passwordStdin && !canPrompt()) throw new AppError('request/invalid', 'give --password-stdin, --password or --invite');
          password = await newPassword(Boolean(opts.passwordStdin), `Password for ${name}`);
        }
        const { body } = await hubCall<{ user: UserRow }>(a, 'POST', '/api/users', { name, role: opts.role, password, ...extra });
        if (flags.json) return printJson(body);
        print(`${paint('green', '✓')} added ${visible(body.user.name)} (${body.user.role})`);
      }),
    );

  users
    .command('remove')
    .description('remove a user: their sessions end and their tokens are revoked')
    .argument('<name>')
    .action((name: string, _opts, cmd: Command) =>
      run(async () => {
        const { flags, address: a } = await address(cmd);
        const { body } = await hubCall<{ deleted: boolean; name: string }>(a, 'DELETE', `/api/users/${seg(name)}`);
        if (flags.json) return printJson(body);
        print(`${paint('green', '✓')} removed ${visible(name)}`);
      }),
    );

  users
    .command('role')
    .description('change a user\'s role')
    .argument('<name>')
    .argument('<role>', roleChoices.join(' | '))
    .action((name: string, role: string, _opts, cmd: Command) =>
      run(async () => {
        if (!roleChoices.includes(role)) throw new AppError('request/invalid', `unknown role "${role}": use ${roleChoices.join(', ')}`);
        const { flags, address: a } = await address(cmd);
        const { body } = await hubCall<{ user: UserRow }>(a, 'PATCH', `/api/users/${seg(name)}`, { role });
        if (flags.json) return printJson(body);
        print(`${paint('green', '✓')} ${visible(name)} is now ${body.user.role}`);
      }),
    );

  users
    .command('passwd')
    .description('set a user\'s password (ends their sessions), or make a reset link (1 h) with --reset')
    .argument('<name>')
    .option('--password-stdin', 'read the new password from standard input')
    .option('--reset', 'print a single-use reset link instead')
    .action((name: string, opts: { passwordStdin?: boolean; reset?: boolean }, cmd: Command) =>
      run(async () => {
        const { flags, address: a } = await address(cmd);
        if (opts.reset) {
          const { body } = await hubCall<LinkAnswer>(a, 'POST', `/api/users/${seg(name)}/reset`);
          if (flags.json) return printJson(body);
          return printLink(body, `reset link for ${visible(name)}`);
        }
        if (!opts.passwordStdin && !canPrompt()) throw new AppError('request/invalid', 'give --password-stdin or --reset');
        const password = await newPassword(Boolean(opts.passwordStdin), `New password for ${name}`);
        const { body } = await hubCall<{ user: UserRow }>(a, 'PATCH', `/api/users/${seg(name)}`, { password });
        if (flags.json) return printJson(body);
        print(`${paint('green', '✓')} password of ${visible(name)} changed; their sessions are ended`);
      }),
    );

  for (const [verb, disabled] of [['disable', true], ['enable', false]] as const) {
    users
      .command(verb)
      .description(disabled ? 'disable a user: sign-ins, sessions and tokens stop working' : 'enable a disabled user again')
      .argument('<name>')
      .action((name: string, _opts, cmd: Command) =>
        run(async () => {
          const { flags, address: a } = await address(cmd);
          const { body } = await hubCall<{ user: UserRow }>(a, 'PATCH', `/api/users/${seg(name)}`, { disabled });
          if (flags.json) return printJson(body);
          print(`${paint('green', '✓')} ${visible(name)} ${disabled ? 'disabled' : 'enabled'}`);
        }),
      );
  }
}

interface LinkAnswer {
  kind: string;
  user: string;
  token: string;
  url: string;
  expires_at: string;
}

function printLink(link: LinkAnswer, what: string): void {
  print(`${paint('green', '✓')} ${what}; send them this single-use link (valid until ${link.expires_at}):`);
  print(`  ${link.url}`);
}

function registerTokens(program: Command, run: Run): void {
  const tokens = program.command('tokens').description('API tokens for scripts and CI');
  const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];

  tokens
    .command('create')
    .description('create a token with scopes up to your own; the secret is shown once')
    .requiredOption('--scope <scope>', `${scopeChoices.join(' | ')} (repeat, or separate with commas)`, collect)
    .option('--expires <duration>', 'lifetime, e.g. 30d or 12h (default: no expiry)')
    .option('--name <name>', 'a name to recognize it by')
    .action((opts: { scope: string[]; expires?: string; name?: string }, cmd: Command) =>
      run(async () => {
        const unknown = opts.scope.filter((s) => !scopeChoices.includes(s));
        if (unknown.length) throw new AppError('request/invalid', `unknown scope "${unknown[0]}": use ${scopeChoices.join(', ')}`);
        const { flags, address: a } = await address(cmd);
        const body: Record<string, unknown> = { scopes: opts.scope };
        if (opts.name !== undefined) body.name = opts.name;
        if (opts.expires !== undefined) body.expires_in = opts.expires;
        const answer = await hubCall<{ token: TokenRow; secret: string }>(a, 'POST', '/api/tokens', body);
        if (flags.json) return printJson(answer.body);
        const t = answer.body.token;
        print(`${paint('green', '✓')} token ${visible(t.name)} (id ${t.id}, ${t.scopes.join(', ')}, ${t.expires_at ? `expires ${t.expires_at}` : 'no expiry'})`);
        print(`  ${answer.body.secret}`);
        print(paint('yellow', 'This secret is shown only now: store it (e.g. as WHEELHOUSE_TOKEN) before you close this terminal.'));
      }),
    );

  tokens
    .command('list')
    .description('list your tokens (admins: all) with their last use')
    .action((_opts, cmd: Command) =>
      run(async () => {
        const { flags, address: a } = await address(cmd);
        const { body } = await hubCall<{ tokens: TokenRow[] }>(a, 'GET', '/api/tokens');
        if (flags.json) return printJson(body);
        printTokens(body.tokens);
      }),
    );

  tokens
    .command('revoke')
    .description('revoke a token by its id')
    .argument('<id>')
    .action((id: string, _opts, cmd: Command) =>
      run(async () => {
        const { flags, address: a } = await address(cmd);
        const { body } = await hubCall<{ token: TokenRow }>(a, 'DELETE', `/api/tokens/${seg(id)}`);
        if (flags.json) return printJson(body);
        print(`${paint('green', '✓')} revoked token ${visible(body.token.name)} (${body.token.id})`);
      }),
    );
}
