/** `wheelhouse reload`: the hub reads wheelhouse.yaml again and applies its services (like `supervisorctl update`). */
import type { Command } from 'commander';
import type { ReloadReport } from '../../http/routes/config.js';
import { HubClient } from '../client.js';
import { hubAddress, type GlobalFlags } from '../context.js';
import { paint, print, printJson } from '../output.js';

const marks = { added: '+', removed: '-', changed: '~', updated: '·' } as const;

/** Registers `reload`. */
export function registerReloadCommand(program: Command, run: (fn: () => Promise<number | void>) => Promise<void>): void {
  program
    .command('reload')
    .description("make the hub read its wheelhouse.yaml again: add, remove and restart changed services, leave the others running")
    .action((_opts, cmd: Command) =>
      run(async () => {
        const flags = cmd.optsWithGlobals<GlobalFlags>();
        const report = await new HubClient(hubAddress(flags)).post<ReloadReport>('/api/config/reload', {});
        const failed = report.services.filter((s) => !s.success);
        if (flags.json) {
          printJson(report);
          return failed.length === 0 ? 0 : 1;
        }
        const count = (kind: string): number => report.services.filter((s) => s.change === kind).length;
        const summary = ['added', 'removed', 'changed', 'updated'].filter((k) => count(k) > 0).map((k) => `${count(k)} ${k}`);
        summary.push(`${report.unchanged} unchanged`);
        print(`${failed.length === 0 ? paint('green', '✓') : paint('red', '✗')} reloaded ${report.file ?? '(no file)'}: ${summary.join(', ')}`);
        for (const s of report.services) {
          const what = s.fields.length > 0 ? `${s.change} (${s.fields.join(', ')})` : s.change;
          print(`  ${s.success ? marks[s.change] : paint('red', '✗')} ${s.service.padEnd(16)} ${what}: ${s.success ? s.message : paint('red', s.message)}`);
        }
        if (report.restart_required.length > 0) print(paint('yellow', `  ! changed, applied when the hub next starts: ${report.restart_required.join(', ')}`));
        return failed.length === 0 ? 0 : 1;
      }),
    );
}
