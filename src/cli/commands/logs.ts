/** `wheelhouse logs`: the last entries like `tail`, filtered, printed like seed 000's logs_cli.py; `--follow` streams new ones. */
import { Option, type Command } from 'commander';
import type { LogEntry } from '../../logs/index.js';
import { HubClient } from '../client.js';
import { hubAddress, type GlobalFlags } from '../context.js';
import { formatEntry, formatJsonLine } from '../logs/format.js';
import { buildRequest, fetchNewest, maxTail, type LogFlags } from '../logs/query.js';
import { paint } from '../output.js';

/** Registers `logs`. */
export function registerLogsCommand(program: Command, run: (fn: () => Promise<number | void>) => Promise<void>): void {
  program
    .command('logs')
    .description('print the last log entries (oldest first, like tail), filtered; --follow keeps printing new ones')
    .argument('[service]', 'only this service')
    .option('-n, --tail <n>', `how many of the newest entries to print (0–${maxTail})`, '50')
    .option('--level <level>', 'at least this level: DEBUG < INFO < WARNING < ERROR < CRITICAL (--level WARNING shows WARNING, ERROR and CRITICAL)')
    .addOption(new Option('--only-level <level>', 'exactly this level').conflicts('level'))
    .option('--since <time>', 'entries from this time: a duration ago (30s, 15m, 1h, 2d) or an ISO 8601 time (2024-11-22T10:30:00Z)')
    .option('--until <time>', 'entries up to this time, in the same forms')
    .option('--grep <text>', 'words that must all occur in the message or context; "in quotes" for an exact phrase')
    .option('--trace <id>', 'only entries with this trace ID')
    .option('--user <id>', 'only entries with this user ID')
    .option('-f, --follow', 'after the last entries, print new ones as they arrive, until Ctrl-C')
    .option('--utc', 'print times in UTC (default: local time)')
    .addHelpText('after', '\nTimes without an offset in --since and --until are local (UTC with --utc).\n--json prints one JSON object per line (NDJSON), with --follow too.')
    .action((service: string | undefined, opts: LogFlags, cmd: Command) =>
      run(async () => {
        const flags = cmd.optsWithGlobals<GlobalFlags>();
        const request = buildRequest(service, opts, Date.now());
        const address = await hubAddress(flags);
        const client = new HubClient(address);
        const print = (entries: LogEntry[]): void => {
          if (entries.length === 0) return;
          const utc = opts.utc === true;
          process.stdout.write(entries.map((e) => (flags.json ? formatJsonLine(e) : formatEntry(e, { utc }))).join(''));
        };

        if (!opts.follow) {
          const { entries } = await fetchNewest(client, request.params, request.tail);
          print(entries);
          if (entries.length === 0 && !flags.json && request.tail > 0) process.stderr.write(`${paint('gray', 'no matching log entries')}\n`);
          return 0;
        }

        const stop = new AbortController();
        const onSignal = (): void => stop.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        try {
          // With --tail 0 one entry is still fetched: its id is where following starts.
          const { entries } = await fetchNewest(client, request.params, Math.max(1, request.tail));
          if (request.tail > 0) print(entries);
          const options = {
            address,
            client,
            params: request.params,
            lastId: entries.at(-1)?.id ?? 0,
            print,
            notice: (text: string) => process.stderr.write(`${paint('gray', `-- ${text}`)}\n`),
            signal: stop.signal,
          };
          // Loaded only to follow: the WebSocket client is not needed by any other command.
          const { follow } = await import('../logs/follow.js');
          await follow(request.since === undefined ? options : { ...options, since: request.since });
          return 0;
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      }),
    );
}
