/** CLI commands of the alerts area (being written). */
import type { Command } from 'commander';

/** Registers the alerts commands. */
export function registerAlertsCommands(_program: Command, _run: (fn: () => Promise<number | void>) => Promise<void>): void {}
