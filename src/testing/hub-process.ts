/** Test harness: the real `wheelhouse hub` binary (dist/) as a child process on a free port. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, repoRoot, waitFor } from './helpers.js';

/** A hub process under test. */
export interface HubProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  dataDir: string;
  output(): string;
  token(): string;
  /** Calls the API with the admin token. */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
}

/** The `wheelhouse` command as built (bundled). */
export const cliPath = join(repoRoot, 'dist', 'bin', 'wheelhouse.js');

/** Starts `wheelhouse hub` with `configFile` and `dataDir`, and waits until it is ready. */
export async function startHubProcess(configFile: string, dataDir: string, opts: { port?: number; waitStarted?: boolean } = {}): Promise<HubProcess> {
  const port = opts.port ?? (await freePort());
  const child = spawn(process.execPath, [cliPath, 'hub', '--json', '--config', configFile, '--data-dir', dataDir, '--port', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WHEELHOUSE_TOKEN: '', WHEELHOUSE_URL: '' },
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;
  const token = (): string => readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
  const hub: HubProcess = {
    child,
    pid: child.pid!,
    url,
    dataDir,
    output: () => out,
    token,
    exited,
    api: async (method, path, body) => {
      const headers: Record<string, string> = { authorization: `Bearer ${token()}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as never };
    },
  };
  let exitCode: number | null | undefined;
  void exited.then((c) => (exitCode = c));
  await waitFor(`hub ready at ${url}`, async () => {
    if (exitCode !== undefined) throw new Error(`hub exited with ${exitCode}: ${out}`);
    const res = await fetch(`${url}/health/${opts.waitStarted === false ? 'ready' : 'startup'}`);
    return res.status === 200;
  }, 20_000);
  return hub;
}
