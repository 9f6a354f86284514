/**
 * `wheelhouse certs …`: the hub's PKI, worked on in the data directory on the hub's machine
 * (like `up` and `down`), so `init` works before the first hub start and keys never travel
 * over the API. The store is opened from the same config as the hub's.
 */
import type { Command } from 'commander';
import type { Store } from '../../store/index.js';
import { loadFullConfig, type GlobalFlags } from '../context.js';
import { paint, print, printJson } from '../output.js';

type Run = (fn: () => Promise<number | void>) => Promise<void>;

async function withStore<T>(flags: GlobalFlags, fn: (store: Store, dataDir: string) => Promise<T>): Promise<T> {
  const config = await loadFullConfig(flags);
  const { openStore } = await import('../../store/index.js');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(config.hub.dataDir, { recursive: true, mode: 0o700 });
  const store = await openStore(config.store, config.hub.dataDir);
  try {
    return await fn(store, config.hub.dataDir);
  } finally {
    await store.close();
  }
}

/** Registers `certs init|issue|revoke|list`. */
export function registerCerts(program: Command, run: Run): void {
  const certs = program.command('certs').description('the CA, the hub\'s server certificate and the hosts\' client certificates (mTLS)');

  certs
    .command('init')
    .description('create the CA (once) and the hub\'s server certificate in <data-dir>/pki')
    .option('--san <name>', 'another DNS name or IP address agents reach the hub by (repeatable)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--force', 'replace the CA too (every issued client certificate stops working)')
    .action((opts: { san?: string[]; force?: boolean }, cmd: Command) =>
      run(async () => {
        const flags = cmd.optsWithGlobals<GlobalFlags>();
        const { initPki } = await import('../../certs/index.js');
        const r = await initPki((await loadFullConfig(flags)).hub.dataDir, { sans: opts.san ?? [], force: opts.force ?? false });
        if (flags.json) return printJson(r);
        print(`${paint('green', '✓')} ${r.ca_created ? 'created the CA' : 'kept the existing CA'} (valid until ${r.ca_not_after.slice(0, 10)}) in ${r.dir}`);
        print(`${paint('green', '✓')} server certificate for ${r.server_names.join(', ')} (valid until ${r.server_not_after.slice(0, 10)})`);
        print(paint('gray', 'set agents.listen_port in wheelhouse.yaml and restart the hub to serve agents over mutual TLS'));
      }),
    );

  certs
    .command('issue')
    .description('issue a client certificate for a host (CN = host id), registering the host if needed')
    .argument('<host>', 'host id')
    .option('--out <dir>', 'where to write <host>.crt, <host>.key (0600) and ca.crt (default <data-dir>/pki/clients/<host>)')
    .option('--days <n>', 'validity in days', '365')
    .action((host: string, opts: { out?: string; days: string }, cmd: Command) =>
      run(async () => {
        const flags = cmd.optsWithGlobals<GlobalFlags>();
        const days = Number(opts.days);
        const { AppError } = await import('../../core/errors.js');
        if (!(days > 0 && days <= 3650)) throw new AppError('request/invalid', `--days must be between 1 and 3650 (got "${opts.days}")`);
        const { issueHostCertificate } = await import('../../certs/index.js');
        const r = await withStore(flags, (store, dataDir) => issueHostCertificate(store, dataDir, host, { outDir: opts.out, validity: { days } }));
        if (flags.json) return printJson(r);
        if (r.registered) print(`${paint('green', '✓')} registered host ${host} (no API key: it authenticates with this certificate)`);
        print(`${paint('green', '✓')} certificate ${r.serial} for ${host}, valid until ${r.not_after.slice(0, 10)}`);
        print(`  certificate: ${r.files.cert}\n  key:         ${r.files.key}\n  CA:          ${r.files.ca}`);
        print(paint('gray', `run on the host: wheelhouse agent --hub https://<hub>:<agents.listen_port> --host-id ${host} --cert ${host}.crt --key ${host}.key --ca ca.crt`));
      }),
    );

  certs
    .command('revoke')
    .description('revoke every certificate of a host; the hub refuses them from then on')
    .argument('<host>', 'host id')
    .action((host: string, _opts, cmd: Command) =>
      run(async () => {
        const flags = cmd.optsWithGlobals<GlobalFlags>();
        const { revokeHostCertificates } = await import('../../certs/index.js');
        const n = await withStore(flags, (store) => revokeHostCertificates(store, host));
        if (flags.json) return printJson({ host_id: host, revoked: n });
        print(`${paint('green', '✓')} revoked ${n} certificate(s) of ${host}`);
      }),
    );

  certs
    .command('list')
    .description('every issued client certificate with its expiry and status')
    .action((_opts, cmd: Command) =>
      run(async () => {
        const flags = cmd.optsWithGlobals<GlobalFlags>();
        const { listCertificates } = await import('../../certs/index.js');
        const list = await withStore(flags, (store) => listCertificates(store));
        if (flags.json) return printJson({ certificates: list });
        if (list.length === 0) return print('no client certificates issued (issue one with "wheelhouse certs issue <host>")');
        const w = Math.max(4, ...list.map((c) => c.host_id.length));
        print(paint('bold', `${'HOST'.padEnd(w)}  ${'SERIAL'.padEnd(32)}  ${'EXPIRES'.padEnd(10)}  STATUS`));
        for (const c of list) {
          const color = c.status === 'valid' ? 'green' : c.status === 'revoked' ? 'red' : 'yellow';
          print(`${c.host_id.padEnd(w)}  ${c.serial.padEnd(32)}  ${c.not_after.slice(0, 10)}  ${paint(color, c.status)}${c.revoked_at ? paint('gray', ` ${c.revoked_at.slice(0, 19)}Z`) : ''}`);
        }
      }),
    );
}
