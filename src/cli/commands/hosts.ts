/** CLI commands of the hosts area (being written). */
import type { Command } from 'commander';

/** Registers the hosts commands. */
export function registerHostsCommands(_program: Command, _run: (fn: () => Promise<number | void>) => Promise<void>): void {}
