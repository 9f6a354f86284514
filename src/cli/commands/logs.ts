/** `wheelhouse logs` (being written). */
import type { Command } from 'commander';

/** Registers `logs`. */
export function registerLogsCommand(_program: Command, _run: (fn: () => Promise<number | void>) => Promise<void>): void {}
