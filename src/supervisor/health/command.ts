/** Command probe: the command exits 0 within the timeout; its last output line is the message. */
import { spawn } from 'node:child_process';
import type { CommandSpec } from '../../core/config/index.js';
import { toArgv } from '../command.js';
import { timed, type Probe } from './probe.js';

/** Builds a command probe run in `cwd` with `env`. */
export function commandProbe(command: CommandSpec, cwd: string, env: Record<string, string>, timeoutMs: number): Probe {
  const { file, args } = toArgv(command);
  return {
    check: () =>
      timed(
        () =>
          new Promise((resolve) => {
            let output = '';
            const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
            const collect = (b: Buffer): void => {
              output = (output + b.toString('utf8')).slice(-2048);
            };
            child.stdout.on('data', collect);
            child.stderr.on('data', collect);
            const timer = setTimeout(() => {
              // The probe runs in its own group so a hung probe and its children all go.
              try {
                process.kill(-child.pid!, 'SIGKILL');
              } catch {
                /* already gone */
              }
              resolve({ ok: false, message: 'timed out' });
            }, timeoutMs);
            child.once('error', (err) => {
              clearTimeout(timer);
              resolve({ ok: false, message: err.message });
            });
            child.once('close', (code, signal) => {
              clearTimeout(timer);
              const last = output.trim().split('\n').pop()?.slice(0, 200) ?? '';
              const status = signal ? `killed by ${signal}` : `exit ${code}`;
              resolve({ ok: code === 0, message: last ? `${status}: ${last}` : status });
            });
          }),
      ),
  };
}
