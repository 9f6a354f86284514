/**
 * Turning a configured command into something to spawn, and checking before spawning that
 * it can run at all (the directory exists, the program is found), so a typo gets a clear
 * error instead of a crash loop of exit 127.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, resolve } from 'node:path';
import { AppError } from '../core/errors.js';
import type { CommandSpec } from '../core/config/index.js';

const shellMeta = /[|&;<>()$`\\"'*?[\]#~=%{}\n]/;

/** The file and arguments to spawn for a command. A plain shell line is exec'd so the shell does not linger. */
export function toArgv(command: CommandSpec): { file: string; args: string[] } {
  if (command.kind === 'argv') return { file: command.argv[0]!, args: command.argv.slice(1) };
  const line = command.line.trim();
  return { file: '/bin/sh', args: ['-c', shellMeta.test(line) ? line : `exec ${line}`] };
}

/** The program a command will run, when it can be told without running a shell. */
function programOf(command: CommandSpec): string | undefined {
  if (command.kind === 'argv') return command.argv[0];
  const line = command.line.trim();
  if (shellMeta.test(line)) return undefined;
  return line.split(/\s+/)[0];
}

/** Throws a clear AppError when `cwd` is not a directory or the program cannot be found. */
export function checkRunnable(service: string, command: CommandSpec, cwd: string, env: Record<string, string | undefined>): void {
  let isDir = false;
  try {
    isDir = statSync(cwd).isDirectory();
  } catch {
    /* reported below */
  }
  if (!isDir) throw new AppError('service/cwd_missing', `cannot start ${service}: working directory ${cwd} does not exist`);
  const program = programOf(command);
  if (program === undefined) return;
  if (program.includes('/')) {
    const path = isAbsolute(program) ? program : resolve(cwd, program);
    if (!isExecutable(path)) throw new AppError('service/command_not_found', `cannot start ${service}: ${path} is not an executable file`);
    return;
  }
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  if (!dirs.some((d) => isExecutable(resolve(cwd, d, program)))) {
    throw new AppError('service/command_not_found', `cannot start ${service}: command "${program}" not found in PATH`);
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
