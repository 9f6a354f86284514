/** status, list, start, stop, restart: thin calls to the services API, printed like the seed's cli.py. */
import { Option, type Command } from 'commander';
import type { ServiceView } from '../../supervisor/view.js';
import { HubClient } from '../client.js';
import { hubAddress, type GlobalFlags } from '../context.js';
import { paint, paintState, print, printJson } from '../output.js';

interface ActionReply {
  success: boolean;
  message: string;
  pid?: number | null;
  port?: number | null;
  results?: { service: string; success: boolean; message: string; pid: number | null }[];
}

/** Registers the service commands. */
export function registerServiceCommands(program: Command, run: (fn: () => Promise<number | void>) => Promise<void>): void {
  program
    .command('status')
    .description('show the status of every service, or of one')
    .argument('[name]', 'service name')
    .action((name: string | undefined, _opts, cmd: Command) =>
      run(async () => {
        const flags = cmd.optsWithGlobals<GlobalFlags>();
        const client = new HubClient(hubAddress(flags));
        const views = name ? [await client.get<ServiceView>(`/api/services/${encodeURIComponent(name)}`)] : (await client.get<{ services: ServiceView[] }>('/api/services')).services;
        if (flags.json) return printJson(name ? views[0] : { services: views });
        printStatus(views);
      }),
    );

  program
    .command('list')
    .description('list the configured services')
    .action((_opts, cmd: Command) =>
      run(async () => {
        const flags = cmd.optsWithGlobals<GlobalFlags>();
        const { services } = await new HubClient(hubAddress(flags)).get<{ services: ServiceView[] }>('/api/services');
        if (flags.json) {
          return printJson({
            services: services.map((s) => ({ name: s.service_name, display_name: s.display_name, type: s.type, port: s.port, depends_on: s.depends_on, autostart: s.autostart })),
          });
        }
        print('Configured Services:');
        print('-'.repeat(60));
        for (const s of services) {
          const deps = s.depends_on.length ? `  depends on: ${s.depends_on.join(', ')}` : '';
          print(`  ${s.service_name.padEnd(16)}(type: ${s.type.padEnd(10)}port: ${String(s.port ?? '-').padEnd(6)})${deps}`);
        }
      }),
    );

  for (const action of ['start', 'stop', 'restart'] as const) {
    const cmd = program
      .command(action)
      .description(`${action} a service, or all of them in dependency order`)
      .argument('<name>', 'service name, or "all"');
    if (action !== 'stop') cmd.addOption(new Option('--mode <mode>', 'run mode').choices(['dev', 'prod']).default('dev'));
    cmd.action((name: string, opts: { mode?: string }, c: Command) =>
      run(async () => {
        const flags = c.optsWithGlobals<GlobalFlags>();
        const body = action === 'stop' ? {} : { mode: opts.mode };
        const reply = await new HubClient(hubAddress(flags)).post<ActionReply>(`/api/services/${encodeURIComponent(name)}/${action}`, body);
        if (flags.json) {
          printJson(reply);
        } else {
          for (const r of reply.results ?? []) {
            print(`  ${r.success ? paint('green', '✓') : paint('red', '✗')} ${r.service.padEnd(16)} ${r.message}${r.pid ? paint('gray', ` (pid ${r.pid})`) : ''}`);
          }
          const pid = reply.pid ? paint('gray', ` (pid ${reply.pid}${reply.port ? `, port ${reply.port}` : ''})`) : '';
          print(`${reply.success ? paint('green', '✓') : paint('red', '✗')} ${reply.message}${pid}`);
        }
        return reply.success ? 0 : 1;
      }),
    );
  }
}

function printStatus(views: ServiceView[]): void {
  const rule = '='.repeat(80);
  print(rule);
  print(paint('bold', 'Wheelhouse Service Status'));
  print(rule);
  for (const v of views) {
    print();
    print(paint('bold', v.service_name.toUpperCase()) + (v.display_name !== v.service_name ? paint('gray', `  ${v.display_name}`) : ''));
    print(`  Status:  ${paintState(v.status)}${v.mode === 'prod' ? paint('gray', ' (prod)') : ''}`);
    print(`  Health:  ${paintState(v.health)}${v.health_message && v.health !== 'none' ? paint('gray', `  ${v.health_message}`) : ''}`);
    print(`  Port:    ${v.port ?? '-'}`);
    print(`  PID:     ${v.pid ?? '-'}`);
    if (v.uptime) print(`  Uptime:  ${v.uptime}`);
    if (v.cpu_percent !== null || v.memory_mb !== null) print(`  CPU:     ${v.cpu_percent ?? '-'}%   Memory: ${v.memory_mb ?? '-'} MB`);
    if (v.restarts > 0) print(`  Restarts: ${v.restarts}`);
    if (v.reason && v.status !== 'running') print(`  Reason:  ${paint(v.status === 'errored' ? 'red' : 'gray', v.reason)}`);
  }
}
