/** `wheelhouse audit`: the audit trail, newest first, as a table (or JSON), filtered like GET /api/audit. */
import { Option, type Command } from 'commander';
import { AppError } from '../../core/errors.js';
import type { AuditRecord } from '../../store/index.js';
import { table } from '../alerts/format.js';
import { HubClient } from '../client.js';
import { hubAddress, type GlobalFlags } from '../context.js';
import { formatTime } from '../logs/format.js';
import { parseTime } from '../logs/query.js';
import { paint, print, printJson } from '../output.js';

/** Most records one command prints (fetched a page of 1,000 at a time). */
const maxRecords = 10_000;
const pageSize = 1000;

interface AuditFlags {
  since?: string;
  until?: string;
  actor?: string;
  action?: string;
  result?: AuditRecord['result'];
  limit: string;
  utc?: boolean;
}

interface AuditPage {
  entries: AuditRecord[];
  next_before_id: number | null;
}

/** Registers the audit commands. */
export function registerAuditCommands(program: Command, run: (fn: () => Promise<number | void>) => Promise<void>): void {
  program
    .command('audit')
    .description('the audit trail, newest first: who changed what, and every refused request (needs an admin token)')
    .option('--since <time>', 'records from this time: a duration ago (30m, 12h, 1d) or an ISO 8601 time')
    .option('--until <time>', 'records up to this time, in the same forms')
    .option('--actor <actor>', 'only this actor: a user name, token:<name>, host:<id> or anonymous')
    .option('--action <prefix>', 'only actions starting with this: services. or services.start')
    .addOption(new Option('--result <result>', 'only this result').choices(['ok', 'denied', 'failed']))
    .option('-n, --limit <n>', `at most this many of the newest records (1–${maxRecords})`, '100')
    .option('--utc', 'print times in UTC (default: local time)')
    .action((opts: AuditFlags, cmd: Command) =>
      run(async () => {
        const flags = cmd.optsWithGlobals<GlobalFlags>();
        const limit = Number(opts.limit);
        if (!/^\d+$/.test(opts.limit.trim()) || limit < 1 || limit > maxRecords) throw usage(`--limit: expected a number from 1 to ${maxRecords}, got "${opts.limit.slice(0, 40)}"`);
        const params = filterParams(opts, Date.now());
        const client = new HubClient(hubAddress(flags));
        const entries: AuditRecord[] = [];
        let before: number | null = null;
        do {
          const page = new URLSearchParams(params);
          page.set('limit', String(Math.min(pageSize, limit - entries.length)));
          if (before !== null) page.set('before_id', String(before));
          const reply: AuditPage = await client.get<AuditPage>(`/api/audit?${page}`);
          entries.push(...reply.entries);
          before = reply.next_before_id;
        } while (before !== null && entries.length < limit);
        if (flags.json) return printJson({ entries });
        if (entries.length === 0) {
          process.stderr.write(`${paint('gray', 'no matching audit records')}\n`);
          return 0;
        }
        printAudit(entries, opts.utc === true, print);
        return 0;
      }),
    );
}

/** The API's filter parameters from the flags; throws a usage error naming the flag at fault. */
function filterParams(opts: AuditFlags, now: number): URLSearchParams {
  const params = new URLSearchParams();
  const utc = opts.utc === true;
  const since = opts.since === undefined ? undefined : parseTime('--since', opts.since, now, utc);
  const until = opts.until === undefined ? undefined : parseTime('--until', opts.until, now, utc);
  if (since !== undefined && until !== undefined && since > until) throw usage(`--since (${opts.since}) is after --until (${opts.until})`);
  if (since !== undefined) params.set('since', new Date(since).toISOString());
  if (until !== undefined) params.set('until', new Date(until).toISOString());
  if (opts.actor) params.set('actor', opts.actor);
  if (opts.action) params.set('action', opts.action);
  if (opts.result) params.set('result', opts.result);
  return params;
}

/** Prints records as a table: time, actor, action, target, result (with the status), address. */
export function printAudit(entries: AuditRecord[], utc: boolean, out: (line: string) => void): void {
  const rows = entries.map((e) => [
    formatTime(e.at, utc),
    shown(e.actor),
    shown(e.action),
    e.target === null ? '-' : shown(e.target),
    paintResult(e.result) + (e.status === null ? '' : ` ${e.status}`),
    e.address === null ? '-' : shown(e.address),
  ]);
  table(['TIME', 'ACTOR', 'ACTION', 'TARGET', 'RESULT', 'ADDRESS'], rows, out);
}

function paintResult(result: AuditRecord['result']): string {
  if (result === 'ok') return paint('green', result);
  if (result === 'denied') return paint('red', result);
  return paint('yellow', result);
}

/** Text from the trail as it may be shown on a terminal: no control characters (escape sequences), one line. */
function shown(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '\ufffd');
}

function usage(message: string): AppError {
  return new AppError('request/invalid', message);
}
