/** CLI commands of the hosts area: `hosts …` (API), `certs …` (the data directory's PKI) and `agent`. */
import type { Command } from 'commander';
import { registerAgent } from '../hosts/agent.js';
import { registerCerts } from '../hosts/certs.js';
import { registerHosts } from '../hosts/hosts.js';

/** Registers the hosts commands. */
export function registerHostsCommands(program: Command, run: (fn: () => Promise<number | void>) => Promise<void>): void {
  registerHosts(program, run);
  registerCerts(program, run);
  registerAgent(program, run);
}
