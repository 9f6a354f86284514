/**
 * `wheelhouse alerts` (firing and pending), `alerts history`, `alerts rules`,
 * `alerts test <channel>`, and `silence add|list|expire`: thin calls to the alerts API.
 */
import { Option, type Command } from 'commander';
import type { RuleView } from '../../alerts/index.js';
import { AppError } from '../../core/errors.js';
import { parseDuration } from '../../core/units.js';
import type { AlertRecord, Matcher } from '../../store/index.js';
import { printActive, printHistory, printRules, printSilences, type ActiveAlert, type SilenceView } from '../alerts/format.js';
import { parseMatcher } from '../alerts/matchers.js';
import { HubClient } from '../client.js';
import { hubAddress, type GlobalFlags } from '../context.js';
import { parseTime } from '../logs/query.js';
import { paint, print, printJson } from '../output.js';

type Run = (fn: () => Promise<number | void>) => Promise<void>;

/** Registers `alerts …` and `silence …`. */
export function registerAlertsCommands(program: Command, run: Run): void {
  const alerts = program
    .command('alerts')
    .description('alerts firing and pending (subcommands: history, rules, test)')
    // No options of its own: the program passes options after a subcommand's name up to here
    // (`alerts history --state resolved` must reach history).
    .action((_opts, cmd: Command) =>
      run(async () => {
        const flags = cmd.optsWithGlobals<GlobalFlags>();
        const reply = await new HubClient(hubAddress(flags)).get<{ alerts: ActiveAlert[] }>('/api/alerts');
        if (flags.json) return printJson(reply);
        printActive(reply.alerts, Date.now(), print);
      }),
    );

  alerts
    .command('history')
    .description('alert state changes, newest first')
    .option('--rule <name>', 'only this rule')
    .addOption(new Option('--state <state>', 'only this state').choices(['pending', 'firing', 'resolved']))
    .option('--since <time>', 'changes from this time: a duration ago (30m, 12h, 1d) or an ISO 8601 time', '1d')
    .option('-n, --limit <n>', 'at most this many (1–1000)', '100')
    .option('--utc', 'print times in UTC (default: local time)')
    .action((opts: { rule?: string; state?: string; since: string; limit: string; utc?: boolean }, cmd: Command) =>
      run(async () => {
        const flags = cmd.optsWithGlobals<GlobalFlags>();
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw usage(`--limit: expected a number from 1 to 1000, got "${opts.limit}"`);
        const params = new URLSearchParams({ since: new Date(parseTime('--since', opts.since, Date.now(), opts.utc === true)).toISOString(), limit: String(limit) });
        if (opts.rule) params.set('rule', opts.rule);
        if (opts.state) params.set('state', opts.state);
        const reply = await new HubClient(hubAddress(flags)).get<{ alerts: AlertRecord[] }>(`/api/alerts/history?${params}`);
        if (flags.json) return printJson(reply);
        printHistory(reply.alerts, opts.utc === true, print);
      }),
    );

  alerts
    .command('rules')
    .description('the rules in force: built-in (default), from the config file, made through the API')
    .action((_opts, cmd: Command) =>
      run(async () => {
        const flags = cmd.optsWithGlobals<GlobalFlags>();
        const reply = await new HubClient(hubAddress(flags)).get<{ rules: RuleView[] }>('/api/alerts/rules');
        if (flags.json) return printJson(reply);
        printRules(reply.rules, print);
      }),
    );

  alerts
    .command('test')
    .description('send a test notification to one channel now (exit code 1 when it fails)')
    .argument('<channel>', 'channel name (alerts.channels in the config)')
    .action((channel: string, _opts, cmd: Command) =>
      run(async () => {
        const flags = cmd.optsWithGlobals<GlobalFlags>();
        const reply = await new HubClient(hubAddress(flags)).post<{ channel: string; ok: boolean; error: string | null; ms: number }>(
          `/api/channels/${encodeURIComponent(channel)}/test`,
          {},
        );
        if (flags.json) printJson(reply);
        else if (reply.ok) print(`${paint('green', '✓')} test notification sent to ${reply.channel} (${reply.ms} ms)`);
        else print(`${paint('red', '✗')} test notification to ${reply.channel} failed: ${reply.error ?? 'unknown error'} (${reply.ms} ms)`);
        return reply.ok ? 0 : 1;
      }),
    );

  const silence = program.command('silence').description('silences: alerts matching them still change state but are not notified');

  silence
    .command('add')
    .description('silence alerts matching every matcher, e.g. silence add alertname=HighCPU host=~web-.* --duration 2h --comment deploy')
    .argument('<matcher...>', 'label=value, label!=value, label=~regex or label!~regex (regexes match the whole value)')
    .option('--duration <d>', 'how long: 30m, 2h, 1d (default 2h unless --until)')
    .option('--until <time>', 'until this ISO 8601 time (instead of --duration)')
    .option('--start <time>', 'from this ISO 8601 time (default now)')
    .option('--comment <text>', 'why', '')
    .action((texts: string[], opts: { duration?: string; until?: string; start?: string; comment: string }, cmd: Command) =>
      run(async () => {
        const flags = cmd.optsWithGlobals<GlobalFlags>();
        if (opts.duration !== undefined && opts.until !== undefined) throw usage('give --duration or --until, not both');
        const matchers: Matcher[] = texts.map((t) => {
          const m = parseMatcher(t);
          if (!m) throw usage(`not a matcher: "${t.slice(0, 80)}"; write label=value, label!=value, label=~regex or label!~regex`);
          return m;
        });
        const body: Record<string, unknown> = { matchers, comment: opts.comment };
        const now = Date.now();
        if (opts.start !== undefined) body.starts_at = new Date(parseTime('--start', opts.start, now, false)).toISOString();
        if (opts.until !== undefined) body.ends_at = new Date(parseTime('--until', opts.until, now, false)).toISOString();
        else {
          const duration = opts.duration ?? '2h';
          if (!parseDuration(duration)) throw usage(`--duration: expected a duration like 30m, 2h or 1d, got "${duration.slice(0, 40)}"`);
          body.duration = duration;
        }
        const reply = await new HubClient(hubAddress(flags)).post<{ silence: SilenceView }>('/api/silences', body);
        if (flags.json) return printJson(reply);
        print(`${paint('green', '✓')} silence ${reply.silence.id} until ${reply.silence.ends_at}`);
      }),
    );

  silence
    .command('list')
    .description('active and pending silences (--expired: all)')
    .option('--expired', 'include expired silences')
    .option('--utc', 'print times in UTC (default: local time)')
    .action((opts: { expired?: boolean; utc?: boolean }, cmd: Command) =>
      run(async () => {
        const flags = cmd.optsWithGlobals<GlobalFlags>();
        const reply = await new HubClient(hubAddress(flags)).get<{ silences: SilenceView[] }>(`/api/silences${opts.expired ? '?expired=true' : ''}`);
        if (flags.json) return printJson(reply);
        printSilences(reply.silences, opts.utc === true, print);
      }),
    );

  silence
    .command('expire')
    .description('end a silence now')
    .argument('<id>', 'silence id (from silence list)')
    .action((id: string, _opts, cmd: Command) =>
      run(async () => {
        const flags = cmd.optsWithGlobals<GlobalFlags>();
        const reply = await new HubClient(hubAddress(flags)).delete<{ expired: boolean; id: string }>(`/api/silences/${encodeURIComponent(id)}`);
        if (flags.json) return printJson(reply);
        print(`${paint('green', '✓')} silence ${reply.id} expired`);
      }),
    );
}

function usage(message: string): AppError {
  return new AppError('request/invalid', message);
}
