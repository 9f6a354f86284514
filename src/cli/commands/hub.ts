/** `wheelhouse hub`: runs the hub in the foreground until SIGTERM or SIGINT. */
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { adminTokenPath } from '../../auth/tokens.js';
import { adminPasswordFromEnv, loadFullConfig, serviceEnvironment, type GlobalFlags } from '../context.js';
import { paint, print } from '../output.js';
import { packageVersion as version } from '../../core/paths.js';

/** Registers `hub`. */
export function registerHubCommand(program: Command, run: (fn: () => Promise<number | void>) => Promise<void>, loudOnClosedPipe: () => void): void {
  program
    .command('hub')
    .description('run the hub in the foreground (Ctrl-C stops it and its services)')
    .action((_opts, cmd: Command) =>
      run(() => {
        // A hub whose output pipe closed is a crash like any other (logged; services keep running), not a quiet exit.
        loudOnClosedPipe();
        return runHub(cmd.optsWithGlobals<GlobalFlags>());
      }),
    );
}

async function runHub(flags: GlobalFlags): Promise<number> {
  const config = await loadFullConfig(flags);
  // Loaded here, not at the top: the hub's dependencies would slow down every other command.
  const logger = await makeLogger(config.system.logLevel);
  // Signals are handled from the first moment: a SIGTERM that arrives while the hub is still
  // starting (services may already be running) waits for the start, then stops everything.
  let signalled: string | undefined;
  let onSignal: (signal: string) => void = (signal) => {
    signalled ??= signal;
  };
  let secondSignal = false;
  const handle = (signal: string): void => {
    if (secondSignal) {
      // A second Ctrl-C: leave at once; the services keep running and the next hub re-adopts them.
      logger.warn('second signal: exiting without waiting for services');
      process.exit(130);
    }
    secondSignal = true;
    onSignal(signal);
  };
  process.on('SIGTERM', () => handle('SIGTERM'));
  process.on('SIGINT', () => handle('SIGINT'));
  // A crash must not take the services down with it: log and exit, leave them to the next hub.
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'hub crashed; services keep running and the next hub re-adopts them');
    process.exit(1);
  });

  // SIGHUP reads the configuration again, as `wheelhouse reload` does (the hub logs what changed).
  let reloadNow = (): void => logger.warn('SIGHUP while the hub is starting: ignored; send it again once it is up');
  process.on('SIGHUP', () => reloadNow());

  const { startHub } = await import('../../hub/index.js');
  const hub = await startHub({
    config,
    logger,
    serviceEnv: serviceEnvironment(),
    version,
    adminPassword: adminPasswordFromEnv(),
    reloadConfig: () => loadFullConfig(flags),
  });
  reloadNow = () => {
    hub.reload().catch((err: unknown) => logger.error({ err }, 'reload refused; the running configuration stays in force'));
  };
  const { dataDir } = config.hub;
  if (!flags.json) {
    print(paint('bold', `Wheelhouse ${version}`) + ` hub listening on ${paint('cyan', hub.url)}`);
    print(`  config:    ${config.file ?? '(none: no services)'} — ${config.services.length} service(s)`);
    print(`  data:      ${dataDir}`);
    print(`  dashboard: ${paint('cyan', `${hub.url}/`)} (sign in as admin: the password printed when the hub first started; "wheelhouse users passwd admin" sets a new one)`);
    print(`  API docs:  ${hub.url}/docs`);
    print(`  token:     ${adminTokenPath(dataDir)} (the CLI reads it; elsewhere set WHEELHOUSE_TOKEN)`);
    print(`  try:       npx wheelhouse status   ·   npx wheelhouse restart <name>   ·   Ctrl-C to stop`);
  } else {
    print(JSON.stringify({ event: 'listening', url: hub.url, pid: process.pid, data_dir: dataDir }));
  }

  return new Promise<number>((resolve) => {
    onSignal = (signal) => {
      logger.info({ signal }, 'stopping services and the hub');
      hub.stop({ stopServices: true }).then(
        () => resolve(0),
        (err: unknown) => {
          logger.error({ err }, 'error while stopping');
          resolve(1);
        },
      );
    };
    if (signalled) onSignal(signalled);
  });
}

async function makeLogger(level: string): Promise<Logger> {
  // The default export: bundled, a CommonJS module's named exports are not known to the importer.
  const { default: pino } = await import('pino');
  if (process.stdout.isTTY) {
    const { default: pretty } = await import('pino-pretty');
    return pino({ level }, pretty({ colorize: process.env.NO_COLOR === undefined, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', sync: true }));
  }
  return pino({ level, base: { pid: process.pid } });
}
