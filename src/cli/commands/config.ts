/** `wheelhouse config validate` and `config schema`. */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../core/config/error.js';
import { packagePath } from '../../core/paths.js';
import { loadFullConfig, type GlobalFlags } from '../context.js';
import { paint, print, printJson } from '../output.js';

/** Registers the config commands. */
export function registerConfigCommands(program: Command, run: (fn: () => Promise<number | void>) => Promise<void>): void {
  const config = program.command('config').description('check and describe wheelhouse.yaml');
  config
    .command('validate')
    .description('check a config file and print every problem as file:line:col: path: message')
    .argument('[file]', 'the file (default: --config, WHEELHOUSE_CONFIG or ./wheelhouse.yaml)')
    .action((file: string | undefined, _opts, cmd: Command) =>
      run(async () => {
        const flags = { ...cmd.optsWithGlobals<GlobalFlags>(), ...(file ? { config: file } : {}) };
        try {
          const loaded = await loadFullConfig(flags);
          if (flags.json) printJson({ valid: true, file: loaded.file, services: loaded.services.map((s) => s.name) });
          else print(`${paint('green', '✓')} ${loaded.file ?? '(no file)'} is valid: ${loaded.services.length} service(s)`);
          return 0;
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          if (flags.json) printJson({ valid: false, errors: err.issues });
          else for (const line of err.issues) process.stderr.write(`${line}\n`);
          return 1;
        }
      }),
    );
  config
    .command('schema')
    .description('print the JSON Schema of wheelhouse.yaml (also in schema/wheelhouse.schema.json)')
    .action(() => run(async () => printJson(JSON.parse(readFileSync(packagePath('schema', 'wheelhouse.schema.json'), 'utf8')))));
}
