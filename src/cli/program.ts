/**
 * The `wheelhouse` command (started by main.ts). Parses arguments (commander) and runs one command; every
 * failure ends here and becomes a message and an exit code: 0 success, 1 failure, 2 usage.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../core/config/error.js';
import { isAppError } from '../core/errors.js';
import { HubError } from './client.js';
import { registerConfigCommands } from './commands/config.js';
import { registerDaemonCommands } from './commands/daemon.js';
import { registerEventsCommand } from './commands/events.js';
import { registerHubCommand } from './commands/hub.js';
import { registerLogsCommand } from './commands/logs.js';
import { registerAlertsCommands } from './commands/alerts.js';
import { registerAuditCommands } from './commands/audit.js';
import { registerUsersCommands } from './commands/users.js';
import { registerHostsCommands } from './commands/hosts.js';
import { registerReloadCommand } from './commands/reload.js';
import { registerServiceCommands } from './commands/services.js';
import { registerStartupCommand } from './commands/startup.js';
import { paint, quietOnClosedPipe } from './output.js';
import { packageVersion as version } from '../core/paths.js';

const program = new Command('wheelhouse')
  .description('Wheelhouse: supervise services, gather their logs and metrics, alert, and show it all live.')
  .version(version)
  .option('-c, --config <file>', 'config file (env WHEELHOUSE_CONFIG; default ./wheelhouse.yaml)')
  .option('-d, --data-dir <dir>', 'data directory (env WHEELHOUSE_DATA_DIR; default ~/.wheelhouse)')
  .option('-p, --port <port>', 'hub port (env WHEELHOUSE_PORT; default 5004)')
  .option('--host <host>', 'hub listen address (env WHEELHOUSE_HOST; default 127.0.0.1)')
  .option('--url <url>', 'hub URL for client commands (env WHEELHOUSE_URL)')
  .option('--json', 'machine-readable output')
  .showHelpAfterError('(run "wheelhouse --help" for usage)')
  .exitOverride();

let exitCode = 0;
const json = process.argv.includes('--json');
const loudOnClosedPipe = quietOnClosedPipe();

/** Runs a command body and turns its outcome into the exit code. */
async function run(fn: () => Promise<number | void>): Promise<void> {
  try {
    exitCode = (await fn()) ?? 0;
  } catch (err) {
    exitCode = report(err);
  }
}

function report(err: unknown): number {
  if (err instanceof ConfigError) {
    for (const line of err.issues) process.stderr.write(`${line}\n`);
    return 1;
  }
  if (err instanceof HubError || isAppError(err)) {
    const code = (err as { code: string }).code;
    // One line, so it stays valid NDJSON after streamed output.
    if (json) process.stdout.write(`${JSON.stringify({ error: { code, message: err.message } })}\n`);
    else process.stderr.write(`${paint('red', 'error:')} ${err.message}\n`);
    return code === 'request/invalid' ? 2 : 1;
  }
  process.stderr.write(`${paint('red', 'unexpected error:')} ${(err as Error)?.stack ?? String(err)}\n`);
  return 1;
}

registerHubCommand(program, run, loudOnClosedPipe);
registerDaemonCommands(program, run);
registerServiceCommands(program, run);
registerReloadCommand(program, run);
registerEventsCommand(program, run);
registerStartupCommand(program, run);
registerConfigCommands(program, run);
registerLogsCommand(program, run);
registerHostsCommands(program, run);
registerAlertsCommands(program, run);
registerUsersCommands(program, run);
registerAuditCommands(program, run);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    exitCode = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? 0 : 2;
  } else {
    exitCode = report(err);
  }
}
process.exitCode = exitCode;
