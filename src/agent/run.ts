/**
 * Running the agent as a program: options as the command line gives them (strings), checked
 * and turned into AgentOptions, then the agent until SIGTERM or SIGINT. Shared by
 * `wheelhouse agent` (cli/hosts/agent.ts) and the lean entry point (agent/main.ts).
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../core/errors.js';
import { Agent, agentDefaults } from './agent.js';

/** The agent's command-line options, as strings. */
export interface AgentFlags {
  hub?: string;
  hostId?: string;
  apiKey?: string;
  apiKeyFile?: string;
  cert?: string;
  key?: string;
  ca?: string;
  interval?: string;
  bufferDir?: string;
  bufferMax?: string;
  bufferMaxBytes?: string;
  batch?: string;
}

/** Help text of the options (the same for both entry points). */
export const agentOptionHelp: [flag: string, help: string][] = [
  ['--hub <url>', 'the hub: http://hub:5004 with an API key, https://hub:<agents.listen_port> with a certificate (required)'],
  ['--host-id <id>', 'this host\'s id, as registered on the hub (required)'],
  ['--api-key <key>', 'the host\'s API key (visible in ps: prefer --api-key-file)'],
  ['--api-key-file <file>', 'a file holding the host\'s API key'],
  ['--cert <file>', 'client certificate (PEM), from "wheelhouse certs issue"'],
  ['--key <file>', 'its private key (PEM)'],
  ['--ca <file>', 'the CA that signed the hub\'s certificate (PEM)'],
  ['--interval <seconds>', `seconds between reports (default ${agentDefaults.intervalS})`],
  ['--buffer-dir <dir>', 'where reports wait while the hub is away (default ~/.wheelhouse/agent/<host-id>)'],
  ['--buffer-max <n>', `most reports kept in the buffer; the oldest are dropped, and counted, beyond (default ${agentDefaults.bufferMax})`],
  ['--buffer-max-bytes <n>', `most bytes kept in the buffer (default ${agentDefaults.bufferMaxBytes})`],
  ['--batch <n>', `reports per request when replaying the buffer (default ${agentDefaults.batchSize})`],
];

function number(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > max) throw new AppError('request/invalid', `--${name} must be a number above 0 and at most ${max} (got "${value}")`);
  return n;
}

function readFile(flag: string, file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new AppError('request/invalid', `--${flag} ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}

/** Runs the agent until SIGTERM/SIGINT; resolves to the exit code. Throws AppError('request/invalid') for bad options. */
export async function runAgentProgram(flags: AgentFlags, version: string, write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<number> {
  if (!flags.hub) throw new AppError('request/invalid', '--hub <url> is required');
  if (!flags.hostId) throw new AppError('request/invalid', '--host-id <id> is required');
  const hostId = flags.hostId;
  const apiKey = flags.apiKey ?? readFile('api-key-file', flags.apiKeyFile)?.trim();
  const tls = { cert: readFile('cert', flags.cert), key: readFile('key', flags.key), ca: readFile('ca', flags.ca) };
  if ((tls.cert === undefined) !== (tls.key === undefined)) throw new AppError('request/invalid', '--cert and --key go together');
  if (!apiKey && !tls.cert) throw new AppError('request/invalid', 'give --api-key (or --api-key-file), or --cert and --key (with --ca)');
  if (tls.cert && !flags.hub.startsWith('https://')) throw new AppError('request/invalid', `a client certificate needs an https:// hub URL (the agents' TLS listener), got ${flags.hub}`);
  const intervalS = number('interval', flags.interval, agentDefaults.intervalS, 86_400);
  const bufferDir = flags.bufferDir ?? join(homedir(), '.wheelhouse', 'agent', hostId);
  const log = (level: string, message: string): void => write(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} agent ${hostId}: ${message}`);
  let agent: Agent;
  try {
    agent = new Agent({
      hostId,
      intervalS,
      transport: { hub: flags.hub, apiKey, tls: tls.cert || tls.ca ? tls : undefined, userAgent: `wheelhouse-agent/${version}` },
      bufferDir,
      bufferMax: number('buffer-max', flags.bufferMax, agentDefaults.bufferMax, 1e8),
      bufferMaxBytes: number('buffer-max-bytes', flags.bufferMaxBytes, agentDefaults.bufferMaxBytes, 1024 ** 4),
      batchSize: Math.round(number('batch', flags.batch, agentDefaults.batchSize, 500)),
      version,
      log,
    });
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('request/invalid', (err as Error).message);
  }
  agent.start();
  log('info', `reporting to ${flags.hub} every ${intervalS}s with ${tls.cert ? 'a client certificate' : 'an API key'}; buffer in ${bufferDir}`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  await agent.stop();
  log('info', `${signal}: stopped (${agent.stats.collections} collections, ${agent.stats.buffered} report(s) left in the buffer)`);
  return 0;
}
