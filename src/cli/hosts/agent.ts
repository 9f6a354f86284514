/**
 * `wheelhouse agent`: runs the metrics agent in the foreground until SIGTERM or Ctrl-C (see
 * agent/run.ts; `node dist/agent/main.js` is the same program without the CLI around it).
 */
import type { Command } from 'commander';
import { packageVersion as version } from '../../core/paths.js';

type Run = (fn: () => Promise<number | void>) => Promise<void>;

// The option list lives in agent/run.ts; repeated here as literals only because commander
// wants them at registration, and importing run.ts here would load the agent for every command.
const options: [string, string][] = [
  ['--hub <url>', 'the hub: http://hub:5004 with an API key, https://hub:<agents.listen_port> with a certificate'],
  ['--host-id <id>', 'this host\'s id, as registered on the hub'],
  ['--api-key <key>', 'the host\'s API key (visible in ps: prefer --api-key-file)'],
  ['--api-key-file <file>', 'a file holding the host\'s API key'],
  ['--cert <file>', 'client certificate (PEM), from "wheelhouse certs issue"'],
  ['--key <file>', 'its private key (PEM)'],
  ['--ca <file>', 'the CA that signed the hub\'s certificate (PEM)'],
  ['--interval <seconds>', 'seconds between reports (default 10)'],
  ['--buffer-dir <dir>', 'where reports wait while the hub is away (default ~/.wheelhouse/agent/<host-id>)'],
  ['--buffer-max <n>', 'most reports kept in the buffer; the oldest are dropped, and counted, beyond (default 8640)'],
  ['--buffer-max-bytes <n>', 'most bytes kept in the buffer (default 64 MB)'],
  ['--batch <n>', 'reports per request when replaying the buffer (default 50)'],
];

/** Registers `agent`. */
export function registerAgent(program: Command, run: Run): void {
  const cmd = program.command('agent').description('push this host\'s metrics (CPU, memory, disks, network, load) to a hub every interval');
  for (const [flag, help] of options) {
    if (flag.startsWith('--hub ') || flag.startsWith('--host-id ')) cmd.requiredOption(flag, help);
    else cmd.option(flag, help);
  }
  cmd.action((opts: Record<string, string | undefined>) =>
    run(async () => {
      const { runAgentProgram } = await import('../../agent/run.js');
      return runAgentProgram(opts, version);
    }),
  );
}
