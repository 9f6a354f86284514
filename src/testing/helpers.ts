/** Helpers shared by tests: temp dirs, free ports, polling, fixture paths. Not part of the build. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { isRunning } from '../system/proc.js';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

/** The repository root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Absolute path of a test fixture. */
export function fixture(name: string): string {
  return join(repoRoot, 'test', 'fixtures', name);
}

/** A fresh temporary directory. */
export function tempDir(prefix = 'wh-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A TCP port free right now on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => res(port));
    });
  });
}

/** Polls `check` until it returns a truthy value; throws naming `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 15_000, everyMs = 25): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

/** Writes `config` as YAML to `<dir>/wheelhouse.yaml` and returns the path. */
export function writeConfig(dir: string, config: unknown): string {
  const file = join(dir, 'wheelhouse.yaml');
  writeFileSync(file, stringify(config));
  return file;
}

/** True when a process with this pid exists and is not a zombie. */
export const alive = isRunning;

/** Sends SIGKILL, ignoring a process that is already gone. */
export function killQuietly(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(pid, signal);
  } catch {
    /* gone */
  }
}
