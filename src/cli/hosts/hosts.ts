/** `wheelhouse hosts …`: thin calls to the hosts API. */
import { Option, type Command } from 'commander';
import type { HostDetail, HostView } from '../../hosts/index.js';
import { AppError } from '../../core/errors.js';
import { HubClient } from '../client.js';
import { hubAddress, type GlobalFlags } from '../context.js';
import { paint, print, printJson } from '../output.js';
import { printHost, printHostTable } from './format.js';

type Run = (fn: () => Promise<number | void>) => Promise<void>;

/** Registers `hosts` (list) and its subcommands. */
export function registerHosts(program: Command, run: Run): void {
  const hosts = program
    .command('hosts')
    .description('list hosts: status (online/stale/offline), last seen, latest CPU, memory, disk')
    .action((_opts, cmd: Command) =>
      run(async () => {
        const flags = cmd.optsWithGlobals<GlobalFlags>();
        const { hosts: list } = await client(flags).get<{ hosts: HostView[] }>('/api/hosts');
        if (flags.json) return printJson({ hosts: list });
        printHostTable(list);
      }),
    );

  hosts
    .command('show')
    .description('one host: system, status, latest metrics per core, mount and interface')
    .argument('<id>', 'host id')
    .option('--range <duration>', 'chart range for --json (15m, 1h, 24h)', '1h')
    .action((id: string, opts: { range: string }, cmd: Command) =>
      run(async () => {
        const flags = cmd.optsWithGlobals<GlobalFlags>();
        const detail = await client(flags).get<HostDetail>(`/api/hosts/${encodeURIComponent(id)}?range=${encodeURIComponent(opts.range)}`);
        if (flags.json) return printJson(detail);
        printHost(detail);
      }),
    );

  hosts
    .command('add')
    .description('register a host; prints its API key once (only its SHA-256 is kept)')
    .argument('<id>', 'host id: letters, digits, ".", "_", "-"')
    .option('--name <name>', 'display name')
    .option('--interval <seconds>', 'report interval the agent will use', '10')
    .addOption(new Option('--label <k=v>', 'a label (repeatable)').argParser((v: string, acc: string[] = []) => [...acc, v]))
    .action((id: string, opts: { name?: string; interval: string; label?: string[] }, cmd: Command) =>
      run(async () => {
        const flags = cmd.optsWithGlobals<GlobalFlags>();
        const interval = Number(opts.interval);
        if (!Number.isFinite(interval)) throw new AppError('request/invalid', `--interval must be a number of seconds (got "${opts.interval}")`);
        const labels: Record<string, string> = {};
        for (const l of opts.label ?? []) {
          const eq = l.indexOf('=');
          if (eq < 1) throw new AppError('request/invalid', `--label must be key=value (got "${l}")`);
          labels[l.slice(0, eq)] = l.slice(eq + 1);
        }
        const body = { id, interval_s: interval, labels, ...(opts.name ? { name: opts.name } : {}) };
        const reply = await client(flags).post<{ host_id: string; api_key: string }>('/api/hosts', body);
        if (flags.json) return printJson({ host_id: reply.host_id, api_key: reply.api_key });
        print(`${paint('green', '✓')} host ${reply.host_id} registered`);
        print(`API key (shown once, keep it secret): ${paint('bold', reply.api_key)}`);
        print(paint('gray', `run on the host: wheelhouse agent --hub <hub URL> --host-id ${reply.host_id} --api-key-file <file with the key>`));
      }),
    );

  hosts
    .command('remove')
    .description('remove a host; its API key and certificates stop working')
    .argument('<id>', 'host id')
    .action((id: string, _opts, cmd: Command) =>
      run(async () => {
        const flags = cmd.optsWithGlobals<GlobalFlags>();
        const reply = await client(flags).delete<{ success: boolean; message: string }>(`/api/hosts/${encodeURIComponent(id)}`);
        if (flags.json) return printJson(reply);
        print(`${paint('green', '✓')} ${reply.message}`);
      }),
    );

  hosts
    .command('rotate-key')
    .description('give a host a new API key (the old one stops working at once)')
    .argument('<id>', 'host id')
    .action((id: string, _opts, cmd: Command) =>
      run(async () => {
        const flags = cmd.optsWithGlobals<GlobalFlags>();
        const reply = await client(flags).post<{ host_id: string; api_key: string }>(`/api/hosts/${encodeURIComponent(id)}/rotate-key`, {});
        if (flags.json) return printJson(reply);
        print(`${paint('green', '✓')} new API key for ${reply.host_id} (shown once): ${paint('bold', reply.api_key)}`);
      }),
    );
}

function client(flags: GlobalFlags): HubClient {
  return new HubClient(hubAddress(flags));
}

