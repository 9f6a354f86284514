// Real agents against a real hub: one with a client certificate over the agents' mutual-TLS
// listener, one with an API key over HTTP; refused certificates (revoked, another CA,
// expired); and a hub outage the disk buffer rides out, in order, counting what its bound drops.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../src/agent/index.js';
import { issueHostCertificate, revokeHostCertificates } from '../src/certs/index.js';
import { createCa, issueClient } from '../src/certs/pki.js';
import { loadConfig } from '../src/core/config/index.js';
import { startHub, type RunningHub } from '../src/hub/index.js';
import { openStore } from '../src/store/index.js';
import { freePort, killQuietly, tempDir, waitFor, writeConfig } from '../src/testing/helpers.js';
import { cliPath } from '../src/testing/hub-process.js';
import { startTestHub, type TestHub } from '../src/testing/hub-inprocess.js';

type HostJson = { id: string; status: string; metrics: Record<string, number | null> | null; meta: Record<string, unknown> | null };

let t: TestHub;
let tlsPort: number;
const certDir = tempDir('wh-certs-');
const children: ChildProcess[] = [];
const admin = () => ({ authorization: `Bearer ${t.token}`, 'content-type': 'application/json' });

async function hosts(hub: { url: string; token: string }): Promise<HostJson[]> {
  const res = await fetch(`${hub.url}/api/hosts`, { headers: { authorization: `Bearer ${hub.token}` } });
  return ((await res.json()) as { hosts: HostJson[] }).hosts;
}

/** POSTs a report to the agents' TLS listener with the given client certificate (or none). */
function tlsReport(body: unknown, cert?: { cert: string; key: string }, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const ca = readFileSync(join(t.dataDir, 'pki', 'ca.crt'), 'utf8');
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: tlsPort, path: '/api/metrics/report', method: 'POST', ca, ...cert, agent: false, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const meta = { hostname: 'x', os: 'Linux', kernel: '6', cpus: 1, agent_version: 'test', boot_time: 0 };
let seq = 0;
const report = (host: string) => ({ version: 1, host_id: host, run: 1, seq: seq++, ts: Date.now() + seq, interval_s: 10, samples: { cpu_percent: 1 }, meta });

function agentProcess(args: string[]): ChildProcess & { stderrText: () => string } {
  const child = spawn(process.execPath, [cliPath, 'agent', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b));
  children.push(child);
  return Object.assign(child, { stderrText: () => err });
}

beforeAll(async () => {
  tlsPort = await freePort();
  t = await startTestHub({}, {}, { agents: { listen_host: '127.0.0.1', listen_port: tlsPort } });
});
afterAll(async () => {
  for (const c of children) if (c.pid) killQuietly(c.pid);
  await t?.close();
});

describe('two agents on this machine', () => {
  it('report with a client certificate (mTLS) and with an API key, and show up online with metrics and charts', async () => {
    // The hub made its CA and server certificate at start (agents.listen_port is set).
    const store = await openStore({ kind: 'sqlite' }, t.dataDir);
    const issued = await issueHostCertificate(store, t.dataDir, 'cert-host', { outDir: certDir });
    await store.close();
    expect(issued.registered).toBe(true);
    const added = (await (await fetch(`${t.url}/api/hosts`, { method: 'POST', headers: admin(), body: JSON.stringify({ id: 'key-host', interval_s: 1 }) })).json()) as { api_key: string };
    const keyFile = join(certDir, 'key-host.key');
    writeFileSync(keyFile, `${added.api_key}\n`, { mode: 0o600 });

    const certAgent = agentProcess([
      '--hub', `https://127.0.0.1:${tlsPort}`, '--host-id', 'cert-host', '--cert', issued.files.cert, '--key', issued.files.key, '--ca', issued.files.ca,
      '--interval', '1', '--buffer-dir', join(certDir, 'buf-cert'),
    ]);
    const keyAgent = agentProcess(['--hub', t.url, '--host-id', 'key-host', '--api-key-file', keyFile, '--interval', '1', '--buffer-dir', join(certDir, 'buf-key')]);

    const seen = await waitFor('both agents online with metrics', async () => {
      const list = await hosts(t);
      const both = ['cert-host', 'key-host'].map((id) => list.find((h) => h.id === id));
      return both.every((h) => h?.status === 'online' && typeof h.metrics?.cpu_percent === 'number') ? both : undefined;
    }, 30_000);
    for (const h of seen) {
      expect(h!.metrics).toMatchObject({ cpu_percent: expect.any(Number), memory_percent: expect.any(Number), disk_percent: expect.any(Number), load1: expect.any(Number), processes: expect.any(Number) });
      expect(h!.meta).toMatchObject({ agent_version: expect.any(String), cpus: expect.any(Number), kernel: expect.any(String) });
    }
    const detail = await waitFor('chart points', async () => {
      const d = (await (await fetch(`${t.url}/api/hosts/cert-host?range=5m&step=1s`, { headers: admin() })).json()) as { charts: Record<string, { key: string; points: [number, number | null][] }[]>; latest: Record<string, number> };
      return (d.charts.cpu[0]?.points.filter(([, v]) => v !== null).length ?? 0) >= 2 ? d : undefined;
    });
    expect(detail.charts.disk.some((s) => s.key.startsWith('disk_used_percent{'))).toBe(true);
    expect(detail.charts.memory.map((s) => s.key)).toContain('memory_percent');
    expect(detail.charts.load.length).toBe(3);
    expect(Object.keys(detail.latest).some((k) => k.startsWith('cpu_core_percent{core="0"}'))).toBe(true);

    for (const a of [certAgent, keyAgent]) a.kill('SIGTERM');
    for (const a of [certAgent, keyAgent]) {
      const code = await new Promise<number | null>((r) => (a.exitCode !== null ? r(a.exitCode) : a.once('exit', (c) => r(c))));
      expect(code, a.stderrText()).toBe(0);
      expect(a.stderrText()).toMatch(/SIGTERM: stopped/);
    }
  });
});

describe('the agent\'s own entry point (dist/agent/main.js)', () => {
  const lean = (args: string[]) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, [join(cliPath, '..', '..', 'agent', 'main.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout!.on('data', (b: Buffer) => (out += b));
      child.stderr!.on('data', (b: Buffer) => (out += b));
      child.once('exit', (code) => resolve({ code, out }));
    });

  it('prints its options, and refuses bad ones with exit code 2', async () => {
    const help = await lean(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/--buffer-max <n>/);
    expect((await lean(['--bogus'])).code).toBe(2);
    const missing = await lean(['--host-id', 'x', '--api-key', 'whh_12345678']);
    expect(missing.code).toBe(2);
    expect(missing.out).toMatch(/--hub <url> is required/);
    const both = await lean(['--hub', 'http://127.0.0.1:1', '--host-id', 'x', '--cert', '/nonexistent.crt', '--key', '/nonexistent.key']);
    expect(both.out).toMatch(/--cert \/nonexistent.crt: no such file/);
  });
});

describe('the agents\' TLS listener refuses bad certificates with a clear status', () => {
  it('accepts a good certificate, and an API key too; answers /health', async () => {
    const good = { cert: readFileSync(join(certDir, 'cert-host.crt'), 'utf8'), key: readFileSync(join(certDir, 'cert-host.key'), 'utf8') };
    expect((await tlsReport(report('cert-host'), good)).status).toBe(200);
    const added = (await (await fetch(`${t.url}/api/hosts`, { method: 'POST', headers: admin(), body: JSON.stringify({ id: 'tls-key' }) })).json()) as { api_key: string };
    expect((await tlsReport(report('tls-key'), undefined, { 'x-api-key': added.api_key })).status).toBe(200);
    expect((await tlsReport(report('tls-key'))).body.error.code).toBe('auth/missing_token');
  });

  it.each([
    ['revoked', 403, 'hosts/revoked', /revoked at/],
    ['from another CA', 401, 'hosts/bad_certificate', /not issued by this hub's CA/],
    ['expired', 401, 'hosts/bad_certificate', /expired on/],
    ['for another host', 403, 'hosts/host_mismatch', /certificate is for host "cert-host" but the report is for "key-host"/],
  ])('refuses a certificate %s', async (kind, status, code, message) => {
    let cert: { cert: string; key: string };
    let claim = 'cert-host';
    const store = await openStore({ kind: 'sqlite' }, t.dataDir);
    try {
      if (kind === 'revoked') {
        const r = await issueHostCertificate(store, t.dataDir, 'gone-host', { outDir: join(certDir, 'gone') });
        await revokeHostCertificates(store, 'gone-host');
        cert = { cert: readFileSync(r.files.cert, 'utf8'), key: readFileSync(r.files.key, 'utf8') };
        claim = 'gone-host';
      } else if (kind === 'from another CA') {
        const other = await createCa('Another CA');
        const c = await issueClient(other.cert, other.key, 'cert-host');
        cert = { cert: c.cert, key: c.key };
      } else if (kind === 'expired') {
        const day = 86_400_000;
        const r = await issueHostCertificate(store, t.dataDir, 'cert-host', { outDir: join(certDir, 'expired'), validity: { notBefore: new Date(Date.now() - 2 * day), notAfter: new Date(Date.now() - day) } });
        cert = { cert: readFileSync(r.files.cert, 'utf8'), key: readFileSync(r.files.key, 'utf8') };
      } else {
        cert = { cert: readFileSync(join(certDir, 'cert-host.crt'), 'utf8'), key: readFileSync(join(certDir, 'cert-host.key'), 'utf8') };
        claim = 'key-host';
      }
    } finally {
      await store.close();
    }
    const r = await tlsReport(report(claim), cert);
    expect(r.status).toBe(status);
    expect(r.body.error.code).toBe(code);
    expect(r.body.error.message).toMatch(message);
  });
});

/** A hub on a given data directory and port (restartable on the same ones). */
async function hubAt(dataDir: string, port: number): Promise<RunningHub> {
  const file = writeConfig(tempDir(), { hub: { port, data_dir: dataDir }, agents: { max_reports_per_minute: 100_000 }, services: {} });
  return startHub({ config: loadConfig({ file, env: process.env }), logger: pino({ level: 'silent' }), serviceEnv: {}, version: 'test' });
}

describe('a hub outage', () => {
  it('is ridden out by the disk buffer: everything inside the bound arrives in order, drops beyond it are counted and reported', async () => {
    const dataDir = tempDir('wh-outage-');
    const port = await freePort();
    let hub = await hubAt(dataDir, port);
    const token = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
    const keyOf = async (id: string) =>
      ((await (await fetch(`${hub.url}/api/hosts`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ id }) })).json()) as { api_key: string }).api_key;
    const logs: string[] = [];
    const make = async (id: string, bufferMax: number) =>
      new Agent({
        hostId: id, intervalS: 0.2, firstReportMs: 50, transport: { hub: hub.url, apiKey: await keyOf(id), userAgent: 'test' },
        bufferDir: join(dataDir, `agent-${id}`), bufferMax, bufferMaxBytes: 1e8, batchSize: 4, version: 'test', log: (_l, m) => logs.push(`${id}: ${m}`),
      });
    const roomy = await make('roomy', 10_000);
    const tight = await make('tight', 5);
    roomy.start();
    tight.start();
    try {
      await waitFor('reports before the outage', () => roomy.stats.sent >= 2 && tight.stats.sent >= 2);
      await hub.stop({ stopServices: true });
      await waitFor('buffering during the outage', () => roomy.stats.buffered >= 12 && tight.stats.dropped >= 5);
      expect(tight.stats.buffered).toBe(5);
      hub = await hubAt(dataDir, port);
      await waitFor('the buffers replayed', () => roomy.stats.buffered === 0 && tight.stats.buffered === 0 && roomy.stats.replayed >= 12, 40_000);
      // The drop count reaches the hub in the meta of the first report made after the last drop.
      await waitFor('the drop count at the hub', async () => {
        const res = await fetch(`${hub.url}/api/hosts/tight`, { headers: { authorization: `Bearer ${token}` } });
        return ((await res.json()) as HostJson).meta?.buffer_dropped === tight.stats.dropped;
      });
    } finally {
      await roomy.stop();
      await tight.stop();
    }
    expect(logs.some((l) => /hub unreachable: .*buffering reports on disk/.test(l))).toBe(true);
    expect(logs.some((l) => /buffer full .*dropped the oldest/.test(l))).toBe(true);

    const store = await openStore({ kind: 'sqlite' }, dataDir);
    const stored = async (id: string) => store.metrics.points(`host:${id}`, 0, Date.now() + 60_000);
    const r = await stored('roomy');
    const tt = await stored('tight');
    // Nothing inside the bound was lost: every collection is stored, or still in the buffer after stop.
    expect(r.length + roomy.stats.buffered).toBe(roomy.stats.collections);
    expect(tt.length + tight.stats.buffered + tight.stats.dropped).toBe(tight.stats.collections);
    for (const points of [r, tt]) expect(points.map((p) => p.ts)).toEqual([...new Set(points.map((p) => p.ts))].sort((a, b) => a - b));
    await store.close();
    await hub.stop({ stopServices: true });
    // The hub wrote the host's progress, meta included, by the time it stopped.
    const after = await openStore({ kind: 'sqlite' }, dataDir);
    expect((await after.hosts.get('tight'))?.meta?.buffer_dropped).toBe(tight.stats.dropped);
    await after.close();
  });
});
