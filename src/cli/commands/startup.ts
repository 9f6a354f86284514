/** `wheelhouse startup`: prints a systemd unit for the hub, or installs and enables it. */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../../core/config/index.js';
import { AppError } from '../../core/errors.js';
import { commandPath } from '../../core/paths.js';
import { writeFileAtomic } from '../../core/files.js';
import { loadFullConfig, type GlobalFlags } from '../context.js';
import { paint, print, printJson } from '../output.js';

interface StartupOptions {
  install?: boolean;
  user?: boolean;
  unitDir?: string;
  enable: boolean;
  name: string;
}

/** Registers `startup`. */
export function registerStartupCommand(program: Command, run: (fn: () => Promise<number | void>) => Promise<void>): void {
  program
    .command('startup')
    .description('print a systemd unit that runs the hub at boot; --install writes and enables it')
    .option('--install', 'write the unit file and enable it with systemctl')
    .option('--user', 'a user unit (~/.config/systemd/user) instead of a system unit')
    .option('--unit-dir <dir>', 'write the unit into this directory instead of systemd\'s')
    .option('--no-enable', 'with --install: only write the file, do not run systemctl')
    .option('--name <name>', 'unit name', 'wheelhouse')
    .action((opts: StartupOptions, cmd: Command) => run(() => startup(cmd.optsWithGlobals<GlobalFlags>(), opts)));
}

/** The unit text for a configuration. */
export function systemdUnit(config: Config, opts: { user: boolean }): string {
  const maxGraceS = Math.max(10, ...config.services.map((s) => s.stop.graceMs / 1000));
  const env = [`WHEELHOUSE_DATA_DIR=${config.hub.dataDir}`, `WHEELHOUSE_HOST=${config.hub.host}`, `WHEELHOUSE_PORT=${config.hub.port}`];
  if (config.file) env.unshift(`WHEELHOUSE_CONFIG=${config.file}`);
  return [
    '[Unit]',
    'Description=Wheelhouse hub (service supervision, logs, metrics, alerts)',
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    ...(opts.user ? [] : [`User=${userInfo().username}`]),
    `WorkingDirectory=${config.file ? join(config.file, '..') : config.hub.dataDir}`,
    ...env.map((e) => `Environment="${e}"`),
    `ExecStart=${process.execPath} ${commandPath} hub`,
    '# systemctl reload: the hub reads its configuration again (services only; see wheelhouse reload).',
    'ExecReload=/bin/kill -HUP $MAINPID',
    'Restart=on-failure',
    'RestartSec=2',
    '# On stop, the hub stops its services itself, in reverse dependency order. If the hub',
    '# crashes, systemd must leave the services running so the next hub re-adopts them.',
    'KillMode=process',
    `TimeoutStopSec=${Math.ceil(maxGraceS * Math.max(1, config.services.length)) + 30}`,
    'LimitNOFILE=65536',
    '',
    '[Install]',
    `WantedBy=${opts.user ? 'default.target' : 'multi-user.target'}`,
    '',
  ].join('\n');
}

async function startup(flags: GlobalFlags, opts: StartupOptions): Promise<number> {
  const config = await loadFullConfig(flags);
  const user = opts.user === true;
  const unit = systemdUnit(config, { user });
  if (!opts.install) {
    if (flags.json) printJson({ unit });
    else process.stdout.write(unit);
    return 0;
  }
  if (!/^[A-Za-z0-9_.@-]+$/.test(opts.name)) throw new AppError('request/invalid', `invalid unit name "${opts.name}"`);
  const dir = opts.unitDir ?? (user ? join(homedir(), '.config/systemd/user') : '/etc/systemd/system');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${opts.name}.service`);
  try {
    writeFileAtomic(file, unit, 0o644);
  } catch (err) {
    throw new AppError('request/invalid', `cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}${user ? '' : ' (system units need root; or use --user)'}`);
  }
  const steps: string[] = [];
  if (opts.enable && !opts.unitDir) {
    const systemctl = (...args: string[]): void => {
      execFileSync('systemctl', [...(user ? ['--user'] : []), ...args], { stdio: 'pipe' });
      steps.push(`systemctl ${user ? '--user ' : ''}${args.join(' ')}`);
    };
    try {
      systemctl('daemon-reload');
      systemctl('enable', '--now', `${opts.name}.service`);
    } catch (err) {
      throw new AppError('request/invalid', `wrote ${file}, but systemctl failed: ${(err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message}`);
    }
  }
  if (flags.json) printJson({ installed: file, ran: steps });
  else {
    print(`${paint('green', '✓')} wrote ${file}`);
    for (const s of steps) print(`${paint('green', '✓')} ${s}`);
    if (steps.length === 0) print(`next: systemctl ${user ? '--user ' : ''}daemon-reload && systemctl ${user ? '--user ' : ''}enable --now ${opts.name}`);
  }
  return 0;
}
